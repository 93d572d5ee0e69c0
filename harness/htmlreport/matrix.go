package htmlreport

import "sort"

// Geometry of the coverage matrix.
const (
	cell       = 14
	rowLabel   = 170
	colLabel   = 130 // height of the rotated attribute names
	countWidth = 50
)

// matrix is the coverage picture: one row per event, one column per attribute any event
// declares; a cell is green when the event carried the attribute, red when it declares it and
// never carried it, blank when it does not declare it.
type matrix struct {
	Width, Height int
	Columns       []column
	Rows          []row
}

type column struct {
	X     int
	Label string
}

type row struct {
	Y     int
	Event string
	Seen  int
	Cells []matrixCell
}

type matrixCell struct {
	X     int
	Class string
	Title string
}

func drawMatrix(cov []Coverage) matrix {
	attrs := attributeColumns(cov)
	col := map[string]int{}
	m := matrix{Width: rowLabel + countWidth + cell*len(attrs) + 10, Height: colLabel + cell*len(cov) + 6}
	for i, a := range attrs {
		col[a] = i
		m.Columns = append(m.Columns, column{X: rowLabel + countWidth + i*cell + cell/2, Label: pr(a)})
	}
	for r, c := range cov {
		y := colLabel + r*cell
		rw := row{Y: y, Event: pr(c.Event), Seen: c.Seen}
		add := func(a, class, words string) {
			rw.Cells = append(rw.Cells, matrixCell{X: rowLabel + countWidth + col[a]*cell, Class: class, Title: pr(c.Event + " " + a + ": " + words)})
		}
		for _, a := range c.Exercised {
			add(a, "cov-seen", "seen")
		}
		for _, a := range c.Missed {
			add(a, "cov-missed", "declared, never seen")
		}
		m.Rows = append(m.Rows, rw)
	}
	return m
}

func attributeColumns(cov []Coverage) []string {
	seen := map[string]bool{}
	for _, c := range cov {
		for _, a := range append(append([]string(nil), c.Exercised...), c.Missed...) {
			seen[a] = true
		}
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

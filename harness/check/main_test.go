package check

import (
	"flag"
	"os"
	"testing"
)

// TestMain raises rapid's default of 100 checks per property to 1000, so that a plain go test
// judges over ten thousand generated streams (about 6 s on 2 cores). -rapid.checks or RAPID_CHECKS
// decide when given, and -short divides the number by 5.
func TestMain(m *testing.M) {
	flag.Parse()
	if !flagGiven("rapid.checks") && os.Getenv("RAPID_CHECKS") == "" {
		if err := flag.Set("rapid.checks", "1000"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}

func flagGiven(name string) bool {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

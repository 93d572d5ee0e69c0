package htmlreport

import "html/template"

// page is the report's template. It links to nothing outside the page and runs no script:
// style and pictures are inline, so the page opens the same from a CI artifact, offline.
var page = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{{.Title}}: {{.Verdict}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
main{max-width:1280px;margin:0 auto;padding:0 20px 40px}
h1{font-size:20px;margin:0} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.verdict{padding:18px 20px;color:#fff;margin:0 0 12px}
.verdict .word{font-size:34px;font-weight:700;letter-spacing:1px;margin-right:14px}
.pill{color:#fff;padding:0 8px;border-radius:4px}
.pass{background:#1a7f37}.fail{background:#cf222e}.partial{background:#9a6700}
.facts{margin:0;padding-left:18px;color:#444}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;margin:10px 0}
.card h3{font-size:15px;margin:0 0 6px}
.spec pre{max-height:10em;overflow:auto}
.loc{color:#57606a;font-size:12px}
.k{font-weight:600;margin-right:6px}
.exp{color:#0a3069}.act{color:#82071e}
pre,code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-all}
pre{background:#f6f8fa;padding:6px 8px;border-radius:4px;margin:4px 0}
.scroll{overflow-x:auto;background:#fff;border:1px solid #d0d7de;border-radius:6px}
svg text{font:11px ui-monospace,Menlo,monospace;fill:#1b1f24}
.st-ok{fill:#dafbe1}.st-busy{fill:#fff1c2}.st-off{fill:#e6e8eb}.st-on{fill:#ddf4ff}.st-unknown{fill:#f6f8fa}
.ev{fill:#57606a}.bad{fill:#cf222e}.ctx{stroke:#cf222e;stroke-dasharray:3 2;fill:none;stroke-width:1.5}
.cov-seen{fill:#2da44e}.cov-missed{fill:#ff8182}
table{border-collapse:collapse;background:#fff;width:100%}
td,th{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top;font-size:13px}
.rule-ok{background:#dafbe1;fill:#dafbe1}.rule-bad{background:#ffebe9;fill:#ffb8b0}
.breaking{color:#cf222e;font-weight:600}.notable{color:#9a6700}.same{color:#57606a}
.legend span{display:inline-block;padding:0 6px;margin-right:6px;border:1px solid #d0d7de}
.legend .st-ok{background:#dafbe1}.legend .st-busy{background:#fff1c2}.legend .st-off{background:#e6e8eb}.legend .st-on{background:#ddf4ff}
.legend .cov-seen{background:#2da44e;color:#fff}.legend .cov-missed{background:#ff8182}
:target{outline:3px solid #cf222e}
</style></head><body>
<header class="verdict {{.VerdictClass}}" id="verdict"><span class="word">{{.Verdict}}</span><h1 style="display:inline">{{.Title}}</h1><div>{{.Headline}}</div></header>
<main>
<ul class="facts">{{range .Facts}}<li>{{.}}</li>{{end}}{{range .Counts}}<li>{{.}}</li>{{end}}<li>versions: {{.Version}}</li></ul>
{{if .Specs}}<h2 id="failed-specs">Failed specs ({{len .Specs}})</h2>
{{range .Specs}}<div class="card spec"><h3>{{.Name}}</h3><div class="loc">{{.Location}}</div>
{{if .Stimulus}}<div><span class="k">stimulus</span>{{.Stimulus}}</div>{{end}}
{{if .Answer}}<div><span class="k">the system answered</span><code>{{.Answer}}</code></div>{{end}}
{{if .Expected}}<div class="exp"><span class="k">expected</span><ul>{{range .Expected}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
{{if .Actual}}<div class="act"><span class="k">actual</span><ul>{{range .Actual}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
{{if .Events}}<div><span class="k">events seen after the stimulus</span>{{range .Events}}<pre>{{.Place}} {{.ID}}
{{.Value}}</pre>{{end}}</div>{{end}}
{{if .Other}}<pre>{{range .Other}}{{.}}
{{end}}</pre>{{end}}</div>{{end}}{{end}}
<h2 id="timeline">Timeline per DN and agent</h2>
{{with .Timeline}}{{if .Empty}}<p>{{.Empty}}</p>{{else}}
<p class="legend">Events in the order read, left to right; each band is the state the last event announced. <span class="st-ok">ready / in service</span><span class="st-busy">not ready / busy</span><span class="st-on">logged in</span><span class="st-off">logged out / out of service</span> Red marks are findings (they link to them); a dashed line goes back to the earlier event that set the context.{{if .LanesLeft}} {{.LanesLeft}} more lanes are not drawn.{{end}}</p>
<div class="scroll"><svg xmlns="http://www.w3.org/2000/svg" id="timeline-svg" width="{{.Width}}" height="{{.Height}}" role="img" aria-label="timeline of {{.Events}} events">
<text x="4" y="14">DN or agent</text><text x="{{.AxisX}}" y="14">events in the order read &#8594;</text>
{{range .Lanes}}<g class="lane"><text x="4" y="{{.Mid}}" dy="4">{{.Name}}</text>
{{range .Bands}}<rect class="{{.Class}}" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="22"><title>{{.State}}</title></rect>{{if .Label}}<text x="{{.X}}" y="{{.Y}}" dx="3" dy="19" fill-opacity="0.7">{{.Label}}</text>{{end}}{{end}}
{{range .Marks}}{{if .Finding}}<a href="#{{.Finding}}"><path class="bad" d="M{{.X}} {{.Y}}m-6 0l6 -8l6 8l-6 8z"><title>finding: {{.Title}}</title></path></a>{{else}}<circle class="ev" cx="{{.X}}" cy="{{.Y}}" r="3"><title>{{.Title}}</title></circle>{{end}}{{end}}
</g>{{end}}
{{range .Links}}<path class="ctx" d="M{{.X1}} {{.Y1}}C{{.X1}} {{.Y1}} {{.X2}} {{.Y1}} {{.X2}} {{.Y2}}"><title>{{.Title}}</title></path>{{end}}
</svg></div>{{end}}{{end}}
<h2 id="findings">Findings ({{len .Findings}})</h2>
{{if not .Findings}}<p>none</p>{{end}}
{{range .Findings}}<div class="card finding" id="{{.Anchor}}"><div><span class="k {{if eq .Severity "violation"}}breaking{{else}}notable{{end}}">{{.Severity}}</span><code>{{.Rule}}</code> {{.Event}}</div>
<div>{{.Message}}</div>
{{if .Expected}}<div class="exp"><span class="k">expected</span>{{.Expected}}</div>{{end}}
{{if .Found}}<div class="act"><span class="k">found</span>{{.Found}}</div>{{end}}
<div class="loc">at {{if .Record}}<a href="#{{.Record}}">{{.Place}}</a>{{else}}{{.Place}}{{end}}{{if .ContextPlace}}; context set by the earlier event at {{if .Context}}<a href="#{{.Context}}">{{.ContextPlace}}</a>{{else}}{{.ContextPlace}}{{end}}{{end}}</div></div>{{end}}
{{if .Records}}<h2 id="records">Records the findings name</h2>
{{range .Records}}<pre id="{{.Anchor}}">{{.Place}} {{.ID}}
{{.Value}}</pre>{{end}}{{end}}
<h2 id="coverage">Coverage</h2>
{{with .Matrix}}<p class="legend"><span class="cov-seen">attribute seen</span><span class="cov-missed">declared, never seen</span> blank: not an attribute of the event.</p>
<div class="scroll"><svg xmlns="http://www.w3.org/2000/svg" id="coverage-svg" width="{{.Width}}" height="{{.Height}}" role="img" aria-label="coverage matrix">
{{range .Columns}}<text transform="translate({{.X}} 126) rotate(-60)" dy="4">{{.Label}}</text>{{end}}
{{range .Rows}}<text x="4" y="{{.Y}}" dy="11">{{.Event}}</text><text x="172" y="{{.Y}}" dy="11">{{.Seen}}</text>
{{$y := .Y}}{{range .Cells}}<rect class="{{.Class}}" x="{{.X}}" y="{{$y}}" width="13" height="13"><title>{{.Title}}</title></rect>{{end}}{{end}}
</svg></div>{{end}}
<h3>Rules applied, and the findings each gave</h3>
<p class="legend"><span class="rule-ok">applied, no finding</span><span class="rule-bad">findings</span></p>
<div class="scroll"><svg xmlns="http://www.w3.org/2000/svg" id="rules-svg" width="520" height="{{.RulesHeight}}" role="img" aria-label="rules applied">
{{range .Rules}}<g class="rule"><rect class="rule-{{.Class}}" x="4" y="{{.Y}}" width="360" height="14"><title>{{.ID}}: {{.Findings}}</title></rect><text x="8" y="{{.Y}}" dy="11">{{.ID}}</text><text x="372" y="{{.Y}}" dy="11">{{.Findings}}</text></g>
{{end}}</svg></div>
{{if .Diff}}{{with .Diff}}<h2 id="diff">Difference from the baseline: <span class="{{.Class}} pill">{{.Verdict}}</span></h2>
<p>{{.Breaking}} breaking, {{.Notable}} notable, {{.Same}} same; baseline {{.Baseline}}; candidate {{.Candidate}}</p>
{{if .Rows}}<table><tr><th>class</th><th>rule</th><th>where</th><th>baseline</th><th>candidate</th><th>what it means</th></tr>
{{range .Rows}}<tr><td class="{{.Class}}">{{.Class}}</td><td><code>{{.Rule}}</code></td><td>{{.Where}}</td><td>{{.Baseline}}</td><td>{{.Candidate}}</td><td>{{.Message}}</td></tr>{{end}}</table>{{end}}{{end}}{{end}}
{{if .DiffError}}<h2 id="diff">Difference from the baseline</h2><p class="act">the diff could not be made: {{.DiffError}}</p>{{end}}
</main></body></html>
`))

package report

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestEveryReportCarriesTheVersions: a report says which suite, schema set and spec revision
// judged, stamped or not (unstamped, the schemas and the tables are named by their digest).
func TestEveryReportCarriesTheVersions(t *testing.T) {
	b, err := json.Marshal(New())
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Version Versions `json:"version"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	v := got.Version
	if v.Suite == "" || !strings.HasPrefix(v.Schemas, "sha256:") || !strings.Contains(v.Spec, "tables sha256:") {
		t.Errorf("report versions %+v; want a suite version and the digests of the schemas and the spec tables", v)
	}
	if v != Version() {
		t.Errorf("report versions %+v, Version() %+v", v, Version())
	}
}

package report

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"runtime/debug"
	"sort"

	"github.com/voice-agentstate/conformance/fixtures"
	"github.com/voice-agentstate/conformance/schemas"
)

// Stamped at build time by make dist (go build and go test -c with -ldflags "-X ..."): the
// release's tag, the schema set's version and the spec revision the tables were transcribed
// from. Unstamped, Version says what it can know instead.
var (
	suiteVersion  string
	schemaVersion string
	specRevision  string
)

// specSource names the spec page the contract is transcribed from.
const specSource = "Genesys VM Current, Agent state and DN events"

// Versions names what a verdict was reached with: the suite (this build), the schema set and
// the spec revision. Every report carries them.
type Versions struct {
	Suite   string `json:"suite"`
	Schemas string `json:"schemas"`
	Spec    string `json:"spec"`
}

// Version is this build's Versions. An unstamped build names the module version (a pseudo-
// version for a VCS build), or "devel" and the commit; the schemas and the spec tables
// are then named by the SHA-256 of their embedded files, which still tells two sets apart.
func Version() Versions {
	v := Versions{Suite: suiteVersion, Schemas: schemaVersion, Spec: specRevision}
	if v.Suite == "" {
		v.Suite = buildVersion()
	}
	if v.Schemas == "" {
		v.Schemas = "sha256:" + digest(schemas.FS, ".")
	}
	if v.Spec == "" {
		v.Spec = specSource + ", tables sha256:" + digest(fixtures.FS, fixtures.Attributes)
	}
	return v
}

// String is the versions on one line, as --version and the summaries print them.
func (v Versions) String() string {
	return "suite " + v.Suite + ", schemas " + v.Schemas + ", spec " + v.Spec
}

func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += "+" + s.Value[:12]
		}
	}
	return v
}

// digest is the first 12 hex digits of the SHA-256 over the names and contents of the files
// at or under root, in name order.
func digest(fsys fs.FS, root string) string {
	var names []string
	fs.WalkDir(fsys, root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, path)
		}
		return nil
	})
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		b, _ := fs.ReadFile(fsys, name)
		h.Write([]byte(name + "\x00"))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

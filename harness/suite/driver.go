package suite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/sut"
)

// The environment variables that choose the system under test, read by ConfigFromEnv.
const (
	EnvSUT     = "AGENTSTATE_SUT"         // reference (default), http or exec
	EnvURL     = "AGENTSTATE_SUT_URL"     // the HTTP adapter's base URL
	EnvCommand = "AGENTSTATE_SUT_COMMAND" // the exec adapter's command line
	EnvTimeout = "AGENTSTATE_SUT_TIMEOUT" // each stimulus's timeout on an adapter, e.g. 30s
	EnvFault   = "AGENTSTATE_FAULT"       // a fault of the reference producer
	// EnvWorkdir is the directory a relative AGENTSTATE_SUT_COMMAND is resolved against: the one
	// the user ran from (make conformance passes it; the suite itself runs in specs/). Unset, the
	// process's own working directory.
	EnvWorkdir = "AGENTSTATE_WORKDIR"
)

// Adapter is how the suite reaches a team's service: the settings of the HTTP and exec adapters,
// as ConfigFromEnv read them; they are checked when the driver is chosen (NewDriver).
type Adapter struct {
	URL     string // AGENTSTATE_SUT_URL
	Command string // AGENTSTATE_SUT_COMMAND
	Timeout string // AGENTSTATE_SUT_TIMEOUT
	Workdir string // AGENTSTATE_WORKDIR
	_       struct{}
}

// NewDriver returns the Driver the configuration selects: the reference producer, publishing
// through pub, with opts and the configuration's fault; or an HTTP or exec adapter. A setting that
// does not fit the selection is a *drive.UsageError rather than ignored: a URL or command given
// while the reference producer is selected would otherwise certify the reference instead of the
// team's service, and a fault asked of an adapter would never be injected.
func (c Config) NewDriver(pub sut.Publisher, opts ...sut.Opt) (drive.Driver, error) {
	s := settings{sut: c.SUT, url: c.Adapter.URL, command: c.Adapter.Command, timeout: c.Adapter.Timeout, fault: c.Fault, workdir: c.Adapter.Workdir}
	d, err := s.driver(pub, opts)
	if err != nil {
		return nil, fmt.Errorf("select system under test: %w", err)
	}
	return d, nil
}

type settings struct{ sut, url, command, timeout, fault, workdir string }

func (s settings) driver(pub sut.Publisher, opts []sut.Opt) (drive.Driver, error) {
	switch s.sut {
	case "", reference:
		return s.reference(pub, opts)
	case "http":
		if err := s.adapterOnly(EnvCommand, s.command); err != nil {
			return nil, err
		}
		return s.adapter(s.http, EnvURL, s.url)
	case "exec":
		if err := s.adapterOnly(EnvURL, s.url); err != nil {
			return nil, err
		}
		return s.adapter(s.exec, EnvCommand, s.command)
	}
	return nil, &drive.UsageError{Setting: EnvSUT, Found: s.sut, Expected: "reference, http or exec"}
}

func (s settings) reference(pub sut.Publisher, opts []sut.Opt) (drive.Driver, error) {
	for _, v := range [][2]string{{EnvURL, s.url}, {EnvCommand, s.command}, {EnvTimeout, s.timeout}} {
		if v[1] != "" {
			return nil, &drive.UsageError{Setting: v[0], Found: v[1], Expected: "it unset with " + EnvSUT + "=reference (the default), or " + EnvSUT + "=http or exec to drive your adapter"}
		}
	}
	if s.fault != "" {
		if _, err := sut.ParseFault(s.fault); err != nil {
			return nil, renamed(err, EnvFault)
		}
	}
	p, err := sut.New(pub, append(opts, sut.WithFault(s.fault))...)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// renamed names the environment variable in a usage error about its value.
func renamed(err error, setting string) error {
	var u *drive.UsageError
	if errors.As(err, &u) {
		u.Setting = setting
	}
	return err
}

// adapterOnly refuses what only the reference producer or the other adapter takes.
func (s settings) adapterOnly(other, value string) error {
	if s.fault != "" {
		return &drive.UsageError{Setting: EnvFault, Found: s.fault, Expected: "it unset: faults are injected only into " + EnvSUT + "=reference"}
	}
	if value != "" {
		return &drive.UsageError{Setting: other, Found: value, Expected: "it unset with " + EnvSUT + "=" + s.sut}
	}
	return nil
}

func (s settings) adapter(build func([]drive.Opt) (drive.Driver, error), name, value string) (drive.Driver, error) {
	if value == "" {
		return nil, &drive.UsageError{Setting: name, Expected: "it set with " + EnvSUT + "=" + s.sut}
	}
	var opts []drive.Opt
	if s.timeout != "" {
		d, err := time.ParseDuration(s.timeout)
		if err != nil || d <= 0 {
			return nil, &drive.UsageError{Setting: EnvTimeout, Found: s.timeout, Expected: "a positive duration, e.g. 30s"}
		}
		opts = append(opts, drive.WithTimeout(d))
	}
	return build(opts)
}

func (s settings) http(opts []drive.Opt) (drive.Driver, error) {
	a, err := drive.NewHTTP(s.url, opts...)
	if err != nil {
		return nil, renamed(err, EnvURL)
	}
	return a, nil
}

func (s settings) exec(opts []drive.Opt) (drive.Driver, error) {
	argv, err := drive.ParseCommand(s.command)
	if err == nil && len(argv) > 0 {
		argv[0], err = s.program(argv[0])
	}
	if s.workdir != "" {
		opts = append(opts, drive.WithDir(s.workdir)) // the command's own relative paths are the user's too
	}
	if err == nil {
		var a *drive.Adapter
		if a, err = drive.NewExec(argv, opts...); err == nil {
			return a, nil
		}
	}
	return nil, renamed(err, EnvCommand)
}

// program resolves the adapter's program: a name without a slash is looked up on the PATH when
// it runs, an absolute path is kept, and a relative path is taken from the directory the user
// ran from (AGENTSTATE_WORKDIR, else the working directory) and must be there.
func (s settings) program(name string) (string, error) {
	if !strings.Contains(name, "/") || filepath.IsAbs(name) {
		return name, nil
	}
	base, origin := s.workdir, "the directory "+EnvWorkdir+" names"
	if base == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("resolve %s: %w", name, err)
		}
		base, origin = wd, "the working directory; set "+EnvWorkdir+" to resolve it elsewhere"
	}
	path := filepath.Join(base, name)
	if _, err := os.Stat(path); err != nil {
		return "", &drive.UsageError{Setting: EnvCommand, Found: s.command,
			Expected: fmt.Sprintf("a program at %s, where it was looked for (a relative path is resolved against %s, %s)", path, base, origin)}
	}
	return path, nil
}

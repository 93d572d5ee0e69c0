package drive

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Opt configures an adapter (NewHTTP, NewExec) or Handler.
type Opt interface{ apply(*cfg) }

type cfg struct {
	timeout time.Duration
	maxBody int64
	client  *http.Client
	dir     string
	env     []string
}

type optFunc func(*cfg)

func (f optFunc) apply(c *cfg) { f(c) }

func defaultCfg() cfg {
	return cfg{timeout: 10 * time.Second, maxBody: 64 << 10, client: &http.Client{}}
}

func newCfg(opts []Opt) (cfg, error) {
	c := defaultCfg()
	for _, o := range opts {
		o.apply(&c)
	}
	return c, c.validate()
}

func (c cfg) validate() error {
	switch {
	case c.timeout <= 0:
		return &UsageError{Setting: "timeout", Found: c.timeout.String(), Expected: "a positive duration"}
	case c.maxBody <= 0:
		return &UsageError{Setting: "body size limit", Found: fmt.Sprint(c.maxBody), Expected: "a positive number of bytes"}
	case c.client == nil:
		return &UsageError{Setting: "HTTP client", Expected: "a client, not nil"}
	}
	for _, kv := range c.env {
		if !strings.Contains(kv, "=") || strings.HasPrefix(kv, "=") {
			return &UsageError{Setting: "environment", Found: kv, Expected: "NAME=value"}
		}
	}
	return nil
}

// WithTimeout bounds each stimulus, from request to answer; the default is 10s. An adapter that
// has not answered by then gives an *AdapterError, and the command of an exec adapter is killed.
func WithTimeout(d time.Duration) Opt { return optFunc(func(c *cfg) { c.timeout = d }) }

// WithMaxBody bounds the size of an adapter's answer, and of a request to Handler; the default is
// 64 KiB. A larger answer gives an *AdapterError.
func WithMaxBody(n int64) Opt { return optFunc(func(c *cfg) { c.maxBody = n }) }

// WithHTTPClient sets the client of an HTTP adapter, e.g. for TLS; the default is a client of its
// own with no timeout of its own (WithTimeout bounds each stimulus). NewExec ignores it.
func WithHTTPClient(client *http.Client) Opt { return optFunc(func(c *cfg) { c.client = client }) }

// WithDir runs an exec adapter's command in dir, so that its own relative paths (a script it
// runs, its configuration) are the user's; the default is the harness's working directory (the
// suite's is specs/). NewHTTP ignores it.
func WithDir(dir string) Opt { return optFunc(func(c *cfg) { c.dir = dir }) }

// WithEnv adds NAME=value variables to the environment an exec adapter's command inherits from the
// harness; the default adds none (besides AGENTSTATE_STIMULUS). NewHTTP ignores it.
func WithEnv(kv ...string) Opt {
	return optFunc(func(c *cfg) { c.env = append(c.env, kv...) })
}

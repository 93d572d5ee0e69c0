package drive

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Path is where an HTTP adapter takes stimuli, below its base URL.
const Path = "/v1/stimulus"

// NewHTTP returns a Driver that POSTs each stimulus to baseURL + Path, e.g.
// http://127.0.0.1:8080/v1/stimulus. An answer must come within the timeout (WithTimeout) and
// fit the size limit (WithMaxBody).
func NewHTTP(baseURL string, opts ...Opt) (*Adapter, error) {
	c, err := newCfg(opts)
	if err != nil {
		return nil, fmt.Errorf("new http adapter: %w", err)
	}
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("new http adapter: %w", &UsageError{
			Setting: "adapter URL", Found: baseURL, Expected: "an http:// or https:// URL with a host, e.g. http://127.0.0.1:8080",
		})
	}
	endpoint := strings.TrimSuffix(baseURL, "/") + Path
	t := &httpTransport{url: endpoint, client: c.client, maxBody: c.maxBody}
	return &Adapter{name: "http " + endpoint, t: t, cfg: c}, nil
}

type httpTransport struct {
	url     string
	client  *http.Client
	maxBody int64
}

func (h *httpTransport) exchange(ctx context.Context, body []byte, _ Stimulus) (answer, *AdapterError) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return answer{}, &AdapterError{Problem: "could not build the HTTP request", Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := h.client.Do(req)
	if err != nil {
		return answer{}, &AdapterError{Problem: "could not reach the adapter", Err: err}
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(io.LimitReader(resp.Body, h.maxBody+1))
	switch {
	case err != nil:
		return answer{}, &AdapterError{Problem: "could not read the answer", Answer: quote(got), Err: err}
	case int64(len(got)) > h.maxBody:
		return answer{}, &AdapterError{Problem: fmt.Sprintf("answered more than the limit of %d bytes", h.maxBody), Answer: quote(got)}
	case resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusConflict:
		return answer{}, &AdapterError{Problem: "answered status " + resp.Status, Answer: quote(got)}
	}
	return answer{body: got, status: resp.StatusCode}, nil
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// forward is the exec adapter: it posts the request on stdin to the service's HTTP adapter at the
// base URL and prints its answer. 200 (performed) and 409 (refused) are answers and exit 0; any
// other status, or no answer, is this adapter's failure, exit 1, said on stderr.
func forward(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "agentservice forward: give the service's base URL\n"+usage)
		return 2
	}
	body, err := io.ReadAll(io.LimitReader(stdin, maxRequest+1))
	if err == nil && len(body) > maxRequest {
		err = fmt.Errorf("request over %d bytes", maxRequest)
	}
	if err == nil {
		err = post(ctx, strings.TrimSuffix(args[0], "/")+"/v1/stimulus", body, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "agentservice forward: %v\n", err)
		return 1
	}
	return 0
}

func post(ctx context.Context, url string, body []byte, stdout io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusConflict {
		return fmt.Errorf("POST %s: status %s: %.200s", url, resp.Status, answer)
	}
	_, err = stdout.Write(answer)
	return err
}

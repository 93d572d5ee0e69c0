package drive

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Handler serves the adapter protocol for any Driver: POST Path with a request body performs the
// stimulus on d. It answers 200 with {"ok": true} when d performed it, 409 with the refusal's code
// when d refused it, 400 for a request body the protocol does not allow, 413 for one over the
// size limit (WithMaxBody), and 500 for any other error of d. It is how the reference producer is
// driven over HTTP, and a model for a producer team's adapter.
func Handler(d Driver, opts ...Opt) (http.Handler, error) {
	c, err := newCfg(opts)
	if err != nil {
		return nil, fmt.Errorf("new handler: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+Path, func(w http.ResponseWriter, r *http.Request) {
		serve(w, r, d, c.maxBody)
	})
	return mux, nil
}

func serve(w http.ResponseWriter, r *http.Request, d Driver, maxBody int64) {
	req, err := decodeRequest(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		reply(w, http.StatusRequestEntityTooLarge, failure("bad-request", fmt.Sprintf("request over the limit of %d bytes", maxBody)))
		return
	case err != nil:
		reply(w, http.StatusBadRequest, failure("bad-request", err.Error()))
		return
	}
	connID, err := perform(r.Context(), d, req)
	switch code := codeOf(err); {
	case err == nil:
		ok := true
		reply(w, http.StatusOK, wireAnswer{OK: &ok, ConnID: connID})
	case code != "":
		reply(w, http.StatusConflict, failure(code, err.Error()))
	case errors.Is(err, errUnknownStimulus):
		reply(w, http.StatusBadRequest, failure("bad-request", err.Error()))
	default:
		reply(w, http.StatusInternalServerError, failure("internal", err.Error()))
	}
}

func failure(code, msg string) wireAnswer {
	ok := false
	return wireAnswer{OK: &ok, Error: &wireError{Code: code, Message: msg}}
}

func reply(w http.ResponseWriter, status int, a wireAnswer) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(a)
}

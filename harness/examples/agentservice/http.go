package main

import (
	"encoding/json"
	"errors"
	"log"
	"net/http"
)

// maxRequest bounds a request body; the protocol's requests are a few hundred bytes.
const maxRequest = 64 << 10

// handler serves the adapter protocol: POST /v1/stimulus with one request, answered 200
// {"ok": true} (with the ConnID for off-hook), 409 with a refusal, 400 for a request it cannot
// read, 500 when publishing failed.
func (s *service) handler(logger *log.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/stimulus", func(w http.ResponseWriter, hr *http.Request) {
		var r request
		if err := json.NewDecoder(http.MaxBytesReader(w, hr.Body, maxRequest)).Decode(&r); err != nil {
			answer(w, http.StatusBadRequest, failure("bad-request", "decode request: "+err.Error()))
			return
		}
		conn, err := s.perform(hr.Context(), r)
		logger.Printf("%s CustomerID=%s ThisDN=%s ReferenceID=%d: %v", r.Stimulus, r.CustomerID, r.ThisDN, r.ReferenceID, orOK(err))
		var ref *refusal
		switch {
		case err == nil:
			answer(w, http.StatusOK, map[string]any{"ok": true, "ConnID": conn})
		case errors.As(err, &ref):
			answer(w, http.StatusConflict, failure(ref.code, ref.message))
		case errors.Is(err, errUnknownStimulus):
			answer(w, http.StatusBadRequest, failure("bad-request", err.Error()))
		default:
			answer(w, http.StatusInternalServerError, failure("internal", err.Error()))
		}
	})
	return mux
}

func failure(code, message string) map[string]any {
	return map[string]any{"ok": false, "error": map[string]string{"code": code, "message": message}}
}

func answer(w http.ResponseWriter, status int, body map[string]any) {
	if body["ConnID"] == "" {
		delete(body, "ConnID")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func orOK(err error) any {
	if err == nil {
		return "ok"
	}
	return err
}

package drive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The JSON bodies of the adapter protocol (adapter-protocol.md). HTTP and exec adapters exchange
// the same bodies: one request naming its stimulus, one answer.

// wireRequest is the body of every stimulus. Attribute names are those of the events, so that an
// adapter can copy them into its T-Library request.
type wireRequest struct {
	Stimulus      Stimulus          `json:"stimulus"`
	CustomerID    string            `json:"CustomerID"`
	ThisDN        string            `json:"ThisDN"`
	ReferenceID   int64             `json:"ReferenceID"`
	AgentID       string            `json:"AgentID,omitempty"`
	ThisQueue     string            `json:"ThisQueue,omitempty"`
	AgentWorkMode WorkMode          `json:"AgentWorkMode,omitempty"`
	Reasons       map[string]string `json:"Reasons,omitempty"`
	OtherDN       string            `json:"OtherDN,omitempty"`
	InfoStatus    ForwardMode       `json:"InfoStatus,omitempty"`
	ConnID        string            `json:"ConnID,omitempty"`
	ThisDNRole    Role              `json:"ThisDNRole,omitempty"`
}

// wireAnswer is the body of every answer: {"ok": true}, with the ConnID for off-hook, or
// {"ok": false, "error": {"code", "message"}} for a refusal.
type wireAnswer struct {
	OK     *bool      `json:"ok"`
	ConnID string     `json:"ConnID,omitempty"`
	Error  *wireError `json:"error,omitempty"`
}

type wireError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func head(s Stimulus, r Request) wireRequest {
	return wireRequest{Stimulus: s, CustomerID: r.Tenant, ThisDN: r.DN, ReferenceID: r.ReferenceID}
}

func (w wireRequest) request() Request {
	return Request{Tenant: w.CustomerID, DN: w.ThisDN, ReferenceID: w.ReferenceID}
}

// errUnknownStimulus is a protocol error of the harness's side, never a refusal.
var errUnknownStimulus = errors.New("unknown stimulus")

// perform asks d for the stimulus a request body names.
func perform(ctx context.Context, d Driver, w wireRequest) (connID string, err error) {
	r := w.request()
	switch w.Stimulus {
	case StimulusLogin:
		err = d.Login(ctx, Login{Request: r, Agent: w.AgentID, Queue: w.ThisQueue, WorkMode: w.AgentWorkMode})
	case StimulusLogout:
		err = d.Logout(ctx, Logout{Request: r, Agent: w.AgentID})
	case StimulusReady:
		err = d.Ready(ctx, Ready{Request: r, Agent: w.AgentID, WorkMode: w.AgentWorkMode})
	case StimulusNotReady:
		err = d.NotReady(ctx, NotReady{Request: r, Agent: w.AgentID, WorkMode: w.AgentWorkMode, Reasons: w.Reasons})
	case StimulusSetForward:
		err = d.SetForward(ctx, Forward{Request: r, Target: w.OtherDN, Mode: w.InfoStatus})
	case StimulusMuteOn:
		err = d.MuteOn(ctx, Mute{Request: r, ConnID: w.ConnID, Role: w.ThisDNRole})
	case StimulusMuteOff:
		err = d.MuteOff(ctx, Mute{Request: r, ConnID: w.ConnID, Role: w.ThisDNRole})
	case StimulusOffHook:
		return d.OffHook(ctx, r)
	default:
		return "", performPlain(ctx, d, w.Stimulus, r)
	}
	return "", err
}

// performPlain asks d for a stimulus that carries nothing but its Request.
func performPlain(ctx context.Context, d Driver, s Stimulus, r Request) error {
	plain := map[Stimulus]func(context.Context, Request) error{
		StimulusDNDOn: d.DNDOn, StimulusDNDOff: d.DNDOff, StimulusCancelForward: d.CancelForward,
		StimulusOnHook: d.OnHook, StimulusOutOfService: d.OutOfService, StimulusBackInService: d.BackInService,
	}
	do, ok := plain[s]
	if !ok {
		return fmt.Errorf("perform %q: %w; expected one of %s", s, errUnknownStimulus, stimulusList())
	}
	return do(ctx, r)
}

func stimulusList() string {
	names := make([]string, len(stimuli))
	for i, s := range stimuli {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// decodeRequest reads one request body strictly: an unknown attribute is an error, since a typo
// such as "AgentId" would otherwise drop the agent silently.
func decodeRequest(body io.Reader) (wireRequest, error) {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	var w wireRequest
	if err := dec.Decode(&w); err != nil {
		return w, fmt.Errorf("decode request: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return w, errors.New("decode request: data after the JSON object")
	}
	return w, nil
}

// decodeAnswer reads one answer body. It returns a problem, in words, when the body is not an
// answer of the protocol; an answer must say "ok" explicitly, so that an empty object or another
// service's JSON is never taken for a success.
func decodeAnswer(body []byte) (wireAnswer, string) {
	var a wireAnswer
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&a); err != nil {
		return a, "answered non-JSON (" + err.Error() + ")"
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return a, "answered data after the JSON object"
	}
	switch {
	case a.OK == nil:
		return a, `answered JSON without "ok"`
	case !*a.OK && a.Error == nil:
		return a, `answered "ok": false without an "error"`
	case !*a.OK && refusalOf(a.Error.Code) == nil:
		return a, fmt.Sprintf("answered the unknown error code %q; expected one of %s", a.Error.Code, codeList())
	}
	return a, ""
}

func codeList() string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = c.code
	}
	return strings.Join(names, ", ")
}

package drive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Adapter is a Driver that asks a producer team's test adapter to perform each stimulus, over
// HTTP (NewHTTP) or by running a command (NewExec), with the protocol of adapter-protocol.md. It
// never retries: a stimulus is not idempotent (a retried login may publish two events). It is
// safe for concurrent use.
type Adapter struct {
	name string
	t    transport
	cfg  cfg
}

// transport carries one request body to an adapter and brings its answer back.
type transport interface {
	exchange(ctx context.Context, body []byte, s Stimulus) (answer, *AdapterError)
}

// answer is what an adapter sent back: the body, and the HTTP status (0 for exec).
type answer struct {
	body   []byte
	status int
}

// String names the adapter, as errors do: "http URL" or "exec COMMAND".
func (a *Adapter) String() string { return a.name }

// Login implements Driver.
func (a *Adapter) Login(ctx context.Context, r Login) error {
	w := head(StimulusLogin, r.Request)
	w.AgentID, w.ThisQueue, w.AgentWorkMode = r.Agent, r.Queue, r.WorkMode
	return a.do(ctx, w)
}

// Logout implements Driver.
func (a *Adapter) Logout(ctx context.Context, r Logout) error {
	w := head(StimulusLogout, r.Request)
	w.AgentID = r.Agent
	return a.do(ctx, w)
}

// Ready implements Driver.
func (a *Adapter) Ready(ctx context.Context, r Ready) error {
	w := head(StimulusReady, r.Request)
	w.AgentID, w.AgentWorkMode = r.Agent, r.WorkMode
	return a.do(ctx, w)
}

// NotReady implements Driver.
func (a *Adapter) NotReady(ctx context.Context, r NotReady) error {
	w := head(StimulusNotReady, r.Request)
	w.AgentID, w.AgentWorkMode, w.Reasons = r.Agent, r.WorkMode, r.Reasons
	return a.do(ctx, w)
}

// DNDOn implements Driver.
func (a *Adapter) DNDOn(ctx context.Context, r Request) error {
	return a.do(ctx, head(StimulusDNDOn, r))
}

// DNDOff implements Driver.
func (a *Adapter) DNDOff(ctx context.Context, r Request) error {
	return a.do(ctx, head(StimulusDNDOff, r))
}

// SetForward implements Driver.
func (a *Adapter) SetForward(ctx context.Context, r Forward) error {
	w := head(StimulusSetForward, r.Request)
	w.OtherDN, w.InfoStatus = r.Target, r.Mode
	return a.do(ctx, w)
}

// CancelForward implements Driver.
func (a *Adapter) CancelForward(ctx context.Context, r Request) error {
	return a.do(ctx, head(StimulusCancelForward, r))
}

// OffHook implements Driver.
func (a *Adapter) OffHook(ctx context.Context, r Request) (string, error) {
	return a.call(ctx, head(StimulusOffHook, r))
}

// OnHook implements Driver.
func (a *Adapter) OnHook(ctx context.Context, r Request) error {
	return a.do(ctx, head(StimulusOnHook, r))
}

// MuteOn implements Driver.
func (a *Adapter) MuteOn(ctx context.Context, r Mute) error {
	w := head(StimulusMuteOn, r.Request)
	w.ConnID, w.ThisDNRole = r.ConnID, r.Role
	return a.do(ctx, w)
}

// MuteOff implements Driver.
func (a *Adapter) MuteOff(ctx context.Context, r Mute) error {
	w := head(StimulusMuteOff, r.Request)
	w.ConnID, w.ThisDNRole = r.ConnID, r.Role
	return a.do(ctx, w)
}

// OutOfService implements Driver.
func (a *Adapter) OutOfService(ctx context.Context, r Request) error {
	return a.do(ctx, head(StimulusOutOfService, r))
}

// BackInService implements Driver.
func (a *Adapter) BackInService(ctx context.Context, r Request) error {
	return a.do(ctx, head(StimulusBackInService, r))
}

func (a *Adapter) do(ctx context.Context, w wireRequest) error {
	_, err := a.call(ctx, w)
	return err
}

// call sends one request within the timeout and judges the answer.
func (a *Adapter) call(ctx context.Context, w wireRequest) (string, error) {
	body, err := json.Marshal(w)
	if err != nil {
		return "", a.fail(w.Stimulus, &AdapterError{Problem: "could not encode the request", Err: err})
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.timeout)
	defer cancel()
	ans, ae := a.t.exchange(ctx, body, w.Stimulus)
	if ae != nil {
		return "", a.fail(w.Stimulus, a.blame(ctx, ae))
	}
	return a.outcome(w.Stimulus, ans)
}

// blame words a failed exchange by its cause when the context ended it.
func (a *Adapter) blame(ctx context.Context, ae *AdapterError) *AdapterError {
	switch err := ctx.Err(); {
	case errors.Is(err, context.DeadlineExceeded):
		ae.Problem, ae.Err = fmt.Sprintf("no answer within the timeout of %s", a.cfg.timeout), err
	case err != nil:
		ae.Problem, ae.Err = "cancelled before an answer came", err
	}
	return ae
}

// outcome judges an answer: a success, a refusal of the system under test, or a problem.
func (a *Adapter) outcome(s Stimulus, ans answer) (string, error) {
	wa, problem := decodeAnswer(ans.body)
	if problem == "" {
		problem = consistent(wa, ans.status)
	}
	if problem == "" && *wa.OK && s == StimulusOffHook && wa.ConnID == "" {
		problem = "answered off-hook without the ConnID of the call"
	}
	if problem != "" {
		return "", a.fail(s, &AdapterError{Problem: problem, Answer: quote(ans.body)})
	}
	if *wa.OK {
		return wa.ConnID, nil
	}
	refusal := refusalOf(wa.Error.Code)
	msg := strings.TrimSuffix(clip(wa.Error.Message), ": "+refusal.Error())
	return "", fmt.Errorf("drive %s via %s: refused: %s: %w", s, a.name, msg, refusal)
}

// consistent checks that an HTTP status agrees with the answer: 200 for a success, 409 for a
// refusal.
func consistent(wa wireAnswer, status int) string {
	switch {
	case status == 0:
		return ""
	case *wa.OK && status != http.StatusOK:
		return fmt.Sprintf(`answered "ok": true with status %d; expected 200`, status)
	case !*wa.OK && status != http.StatusConflict:
		return fmt.Sprintf(`answered a refusal with status %d; expected 409`, status)
	}
	return ""
}

func (a *Adapter) fail(s Stimulus, ae *AdapterError) *AdapterError {
	ae.Stimulus, ae.Adapter = s, a.name
	return ae
}

// clip cuts a message an adapter sent to answerLimit bytes at a rune boundary.
func clip(s string) string {
	if len(s) <= answerLimit {
		return s
	}
	return strings.ToValidUTF8(s[:answerLimit], "") + "…"
}

package drive

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Refusals: the system under test declined a stimulus, as the contract lets it. Each has a code
// in the adapter protocol. Match them with errors.Is.
var (
	// ErrOutOfService is T-Library's TERR_OUT_OF_SERVICE.
	ErrOutOfService = errors.New("the DN is out of service, so only agent login may be requested for it")
	// ErrNotLoggedIn refuses an agent request for an agent not logged in on the DN.
	ErrNotLoggedIn = errors.New("the agent is not logged in on the DN")
	// ErrInvalidState refuses a request the DN or agent is already in, or cannot take now.
	ErrInvalidState = errors.New("the DN or agent is already in the requested state or cannot take it now")
	// ErrInvalidConnID refuses a call request for a call that the DN does not have.
	ErrInvalidConnID = errors.New("the DN has no call with that ConnID")
	// ErrInvalidRequest refuses a malformed request: a missing tenant, DN or agent, an unknown
	// work mode, a work mode of the wrong kind.
	ErrInvalidRequest = errors.New("the request is malformed")
)

// codes maps the refusals to their codes in the adapter protocol.
var codes = []struct {
	code string
	err  error
}{
	{"out-of-service", ErrOutOfService},
	{"not-logged-in", ErrNotLoggedIn},
	{"invalid-state", ErrInvalidState},
	{"invalid-connid", ErrInvalidConnID},
	{"invalid-request", ErrInvalidRequest},
}

// IsRefusal says whether err is a refusal of the system under test rather than a failure to
// learn what it did.
func IsRefusal(err error) bool { return codeOf(err) != "" }

// codeOf returns the protocol code of a refusal, or "" for any other error.
func codeOf(err error) string {
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return ""
}

// refusalOf returns the refusal a protocol code names, or nil for an unknown code.
func refusalOf(code string) error {
	for _, c := range codes {
		if c.code == code {
			return c.err
		}
	}
	return nil
}

// AdapterError says that the harness could not learn what the system under test did with a
// stimulus: the adapter timed out, could not be reached, or answered something the protocol does
// not allow. The stimulus may or may not have been performed. The Driver stays usable.
type AdapterError struct {
	Stimulus Stimulus // what was asked
	Adapter  string   // which adapter, e.g. "http http://127.0.0.1:8080/v1/stimulus"
	Problem  string   // what went wrong, e.g. "answered status 500 Internal Server Error"
	Answer   string   // what came back, truncated; "" when nothing did
	Err      error    // the cause, when there is one
	_        struct{}
}

// Error names the stimulus, the adapter, the problem and what came back.
func (e *AdapterError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "drive %s via %s: %s", e.Stimulus, e.Adapter, e.Problem)
	if e.Answer != "" {
		fmt.Fprintf(&b, "; answer: %s", e.Answer)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *AdapterError) Unwrap() error { return e.Err }

// UsageError says that a setting is missing or malformed. A command-line tool exits 2 on it.
type UsageError struct {
	Setting  string // e.g. "AGENTSTATE_SUT"
	Found    string // what it was; "" when it was not set
	Expected string // what would do, in plain words
	_        struct{}
}

// Error says what the setting was and what was expected.
func (e *UsageError) Error() string {
	if e.Found == "" {
		return fmt.Sprintf("%s is not set; expected %s", e.Setting, e.Expected)
	}
	return fmt.Sprintf("%s is %q; expected %s", e.Setting, e.Found, e.Expected)
}

// answerLimit is how much of an adapter's answer an error quotes.
const answerLimit = 200

// quote renders what an adapter answered for an error message: quoted, and cut to answerLimit
// bytes at a rune boundary, saying how much was read, when it is longer; "" when nothing came.
func quote(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) <= answerLimit {
		return fmt.Sprintf("%q", b)
	}
	cut := answerLimit
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (the first %d of %d bytes read)", b[:cut], cut, len(b))
}

package main

import (
	"errors"
	"fmt"
	"strings"
)

// request is one body of the adapter protocol. Attribute names are those of the events; an
// attribute a stimulus does not use is ignored, as the protocol asks of an adapter.
type request struct {
	Stimulus      string            `json:"stimulus"`
	CustomerID    string            `json:"CustomerID"`
	ThisDN        string            `json:"ThisDN"`
	ReferenceID   int64             `json:"ReferenceID"`
	AgentID       string            `json:"AgentID"`
	ThisQueue     string            `json:"ThisQueue"`
	AgentWorkMode string            `json:"AgentWorkMode"`
	Reasons       map[string]string `json:"Reasons"`
	OtherDN       string            `json:"OtherDN"`
	InfoStatus    string            `json:"InfoStatus"`
	ConnID        string            `json:"ConnID"`
	ThisDNRole    string            `json:"ThisDNRole"`
}

// refusal is the service declining a request, with one of the protocol's codes. It is an answer,
// not a failure: the adapter returns it with status 409.
type refusal struct{ code, message string }

func (r *refusal) Error() string { return r.code + ": " + r.message }

// The protocol's refusal codes.
const (
	codeOutOfService   = "out-of-service"
	codeNotLoggedIn    = "not-logged-in"
	codeInvalidState   = "invalid-state"
	codeInvalidConnID  = "invalid-connid"
	codeInvalidRequest = "invalid-request"
)

func refuse(code, format string, args ...any) error {
	return &refusal{code: code, message: fmt.Sprintf(format, args...)}
}

// errUnknownStimulus is the adapter not understanding the request (status 400), not a refusal.
var errUnknownStimulus = errors.New("unknown stimulus")

// validate refuses a request without a tenant, a DN or a ReferenceID, and a tenant holding ':',
// which separates the key's parts.
func (r request) validate() error {
	switch {
	case r.CustomerID == "" || strings.Contains(r.CustomerID, ":"):
		return refuse(codeInvalidRequest, "CustomerID %q: expected a tenant without ':'", r.CustomerID)
	case r.ThisDN == "":
		return refuse(codeInvalidRequest, "no ThisDN")
	case r.ReferenceID < 1:
		return refuse(codeInvalidRequest, "ReferenceID %d: expected 1 or more", r.ReferenceID)
	}
	return nil
}

// The T-Library work modes, by category: ready, not ready; AgentWorkModeUnknown fits both.
var (
	readyModes    = map[string]bool{"AgentManualIn": true, "AgentAutoIn": true, "AgentReturnBack": true}
	notReadyModes = map[string]bool{"AgentLegalGuard": true, "AgentAfterCallWork": true, "AgentAuxWork": true, "AgentNoCallDisconnect": true, "AgentWalkAway": true}
	roles         = map[string]bool{"RoleUnknown": true, "RoleOrigination": true, "RoleDestination": true, "RoleConferenceMember": true, "RoleNewParty": true,
		"RoleAddedBy": true, "RoleDeletedBy": true, "RoleTransferredBy": true, "RoleDeletedParty": true, "RoleConferencedBy": true, "RoleObserver": true}
	forwardModes = map[string]bool{"CallForwardingStatus": true, "SendAllCallsStatus": true}
)

const workModeUnknown = "AgentWorkModeUnknown"

// workMode checks a request's work mode against its category ("" stays "").
func workMode(mode string, category map[string]bool) error {
	if mode == "" || mode == workModeUnknown || category[mode] {
		return nil
	}
	return refuse(codeInvalidRequest, "work mode %q does not fit this request", mode)
}

package drive

import (
	"fmt"
	"strings"
)

// Validation of requests. The reference producer refuses what fails it with ErrInvalidRequest;
// the adapters send requests as they are, since a real system's answer to an odd request is
// itself worth knowing.

// Validate checks that the request names a tenant without ':', a DN, and a ReferenceID of at
// least 1.
func (r Request) Validate() error {
	switch {
	case r.Tenant == "":
		return invalid("no tenant (CustomerID)")
	case strings.Contains(r.Tenant, ":"):
		return invalid("tenant %q holds ':', which separates the parts of the key {tenant_id}:{agent_id}", r.Tenant)
	case r.DN == "":
		return invalid("no DN (ThisDN)")
	case r.ReferenceID < 1:
		return invalid("ReferenceID %d; the harness numbers requests from 1", r.ReferenceID)
	}
	return nil
}

// Validate checks the request and that it names an agent and, if any, a valid work mode.
func (r Login) Validate() error {
	if err := validAgent(r.Request, r.Agent); err != nil {
		return err
	}
	if r.WorkMode != "" && !r.WorkMode.Valid() {
		return invalid("unknown work mode %q", r.WorkMode)
	}
	return nil
}

// Validate checks the request and that it names an agent.
func (r Logout) Validate() error { return validAgent(r.Request, r.Agent) }

// Validate checks the request, that it names an agent, and that its work mode, if any, is a
// ready mode or AgentWorkModeUnknown.
func (r Ready) Validate() error {
	if err := validAgent(r.Request, r.Agent); err != nil {
		return err
	}
	if r.WorkMode != "" && r.WorkMode != WorkModeUnknown && !r.WorkMode.ForReady() {
		return invalid("work mode %q is not a ready mode", r.WorkMode)
	}
	return nil
}

// Validate checks the request, that it names an agent, that its work mode, if any, is a not-ready
// mode or AgentWorkModeUnknown, and that its reasons have non-empty keys.
func (r NotReady) Validate() error {
	if err := validAgent(r.Request, r.Agent); err != nil {
		return err
	}
	if r.WorkMode != "" && r.WorkMode != WorkModeUnknown && !r.WorkMode.ForNotReady() {
		return invalid("work mode %q is not a not-ready mode", r.WorkMode)
	}
	if _, empty := r.Reasons[""]; empty {
		return invalid("a reason with an empty key")
	}
	return nil
}

// Validate checks the request, that it names a target DN, and a forwarding mode.
func (r Forward) Validate() error {
	if err := r.Request.Validate(); err != nil {
		return err
	}
	if r.Target == "" {
		return invalid("no forwarding target (OtherDN)")
	}
	if !r.Mode.Valid() {
		return invalid("forwarding mode %q; expected %s or %s", r.Mode, CallForwarding, SendAllCalls)
	}
	return nil
}

// Validate checks the request, that it names a call, and the DN's role on it.
func (r Mute) Validate() error {
	if err := r.Request.Validate(); err != nil {
		return err
	}
	if r.ConnID == "" {
		return invalid("no ConnID")
	}
	if !r.Role.Valid() {
		return invalid("unknown role %q (ThisDNRole)", r.Role)
	}
	return nil
}

func validAgent(r Request, agent string) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if agent == "" {
		return invalid("no agent (AgentID)")
	}
	return nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrInvalidRequest)
}

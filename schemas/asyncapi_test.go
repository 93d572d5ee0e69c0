package schemas_test

import (
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/schemas"
)

type asyncAPI struct {
	AsyncAPI string `yaml:"asyncapi"`
	Channels map[string]struct {
		Address  string                       `yaml:"address"`
		Messages map[string]map[string]string `yaml:"messages"`
		Bindings struct {
			Kafka struct {
				Topic string `yaml:"topic"`
			} `yaml:"kafka"`
		} `yaml:"bindings"`
	} `yaml:"channels"`
	Operations map[string]struct {
		Action   string              `yaml:"action"`
		Messages []map[string]string `yaml:"messages"`
	} `yaml:"operations"`
	Components struct {
		Messages map[string]struct {
			Name    string `yaml:"name"`
			Payload struct {
				Schema map[string]string `yaml:"schema"`
			} `yaml:"payload"`
		} `yaml:"messages"`
	} `yaml:"components"`
}

// TestAsyncAPIKeepsInStepWithTheSchemas proves schemas/asyncapi.yaml describes the same 14
// messages as the schema set, each with its own schema file as payload. The official parser
// validates the document itself in CI (make asyncapi).
func TestAsyncAPIKeepsInStepWithTheSchemas(t *testing.T) {
	var doc asyncAPI
	if err := yaml.Unmarshal(schemas.AsyncAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	ch, ok := doc.Channels["voiceAgentstate"]
	if !ok || ch.Address != "voice-agentstate" || ch.Bindings.Kafka.Topic != "voice-agentstate" {
		t.Fatalf("channel: %+v", doc.Channels)
	}
	want := slices.Sorted(slices.Values(contract.Events))
	var inChannel, inComponents []string
	for name, ref := range ch.Messages {
		inChannel = append(inChannel, name)
		if ref["$ref"] != "#/components/messages/"+name {
			t.Errorf("channel message %s refers to %q", name, ref["$ref"])
		}
	}
	set, err := contract.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range doc.Components.Messages {
		inComponents = append(inComponents, name)
		file := m.Payload.Schema["$ref"]
		if m.Name != name || file != "./"+name+".schema.json" {
			t.Errorf("message %s: name %q, payload %q", name, m.Name, file)
		}
		if _, err := schemas.FS.Open(file[2:]); err != nil || set.Schema(name) == nil {
			t.Errorf("message %s: payload schema %s is not in the schema set: %v", name, file, err)
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(inChannel)), want) || !slices.Equal(slices.Sorted(slices.Values(inComponents)), want) {
		t.Errorf("messages: channel %v, components %v, want %v", inChannel, inComponents, want)
	}
	op := doc.Operations["publishAgentStateEvents"]
	if op.Action != "send" || len(op.Messages) != len(want) {
		t.Errorf("operation: %+v", op)
	}
}

// Package schemas embeds the JSON Schemas (draft 2020-12) of the voice-agentstate contract: one
// schema per event, the shared definitions they reference, and a topic-level schema that
// dispatches on the event's id for users in other languages.
package schemas

import (
	"bytes"
	"embed"
)

// FS holds every *.schema.json file of the contract at its root.
//
//go:embed *.schema.json
var FS embed.FS

// Topic is the name of the topic-level schema file, which dispatches on id to the event schemas.
const Topic = "voice-agentstate.schema.json"

// Defs is the name of the shared definitions file.
const Defs = "defs.schema.json"

//go:embed asyncapi.yaml
var asyncAPI []byte

// AsyncAPI returns the AsyncAPI 3.0 description of the voice-agentstate channel, whose message
// payloads are the event schemas of FS.
func AsyncAPI() []byte { return bytes.Clone(asyncAPI) }

package broker_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImageEntryScriptNamesSettingsAsApacheKafka: the entry script of make kafka-image turns
// KAFKA_* variables into broker settings as the official apache/kafka image documents (_ is .,
// __ is _, ___ is -), and keeps the JVM's variables out of the broker's configuration.
func TestImageEntryScriptNamesSettingsAsApacheKafka(t *testing.T) {
	cases := []struct{ variable, want string }{
		{"KAFKA_NODE_ID", "node.id"},
		{"KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "listener.security.protocol.map"},
		{"KAFKA_CONTROLLER_QUORUM_VOTERS", "controller.quorum.voters"},
		{"KAFKA_LISTENER_NAME_SASL__SSL_PLAIN", "listener.name.sasl_ssl.plain"},
		{"KAFKA_SOME___DASHED_NAME", "some-dashed.name"},
	}
	for _, c := range cases {
		out, err := exec.Command("bash", "-c", `source "$1"; property "$2"; echo; jvm_variable "$2" && echo jvm || echo broker`, "run",
			"../kafka/image/run", c.variable).CombinedOutput()
		if got := strings.Fields(string(out)); err != nil || len(got) != 2 || got[0] != c.want || got[1] != "broker" {
			t.Errorf("%s: got %q (%v), want %s, a broker setting", c.variable, out, err, c.want)
		}
	}
	for _, v := range []string{"KAFKA_HEAP_OPTS", "KAFKA_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS"} {
		if err := exec.Command("bash", "-c", `source "$1"; jvm_variable "$2"`, "run", "../kafka/image/run", v).Run(); err != nil {
			t.Errorf("%s is taken for a broker setting; it is the JVM's", v)
		}
	}
}

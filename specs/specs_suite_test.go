// Package specs holds the Ginkgo conformance specs of the voice-agentstate contract. Select
// subsets with labels, e.g. ginkgo --label-filter='schema && EventMuteOff' ./specs.
package specs_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSpecs(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "voice-agentstate conformance")
}

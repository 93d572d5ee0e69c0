package diff

import (
	"encoding/json"
	"testing"
)

// TestTimesAreNormalisedButNotTheirUnit: two runs' times differ and are the same to a consumer;
// seconds in milliseconds, or useconds beyond a second, are not.
func TestTimesAreNormalisedButNotTheirUnit(t *testing.T) {
	for _, c := range []struct {
		path, value string
		same        bool
	}{
		{"time/seconds", "1796164359", true},
		{"time/seconds", "1796164359000", false},
		{"time/seconds", "12", false},
		{"time/useconds", "999999", true},
		{"time/useconds", "1000000", false},
	} {
		got := timeValue(c.path, json.Number(c.value))
		if (got == `"<time>"`) != c.same {
			t.Errorf("%s %s: normalised to %s; want it the same as any lawful time: %v", c.path, c.value, got, c.same)
		}
	}
}

package actions

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestSecretNeverPrints(t *testing.T) {
	const value = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	s := NewSecret(value)
	holder := struct {
		Key Secret `json:"key"`
	}{s}

	js, _ := json.Marshal(holder)
	ym, _ := yaml.Marshal(holder)
	outputs := map[string]string{
		"%s": fmt.Sprintf("%s", s), "%v": fmt.Sprintf("%v", s), "%q": fmt.Sprintf("%q", s),
		"%#v": fmt.Sprintf("%#v", holder), "%+v": fmt.Sprintf("%+v", holder),
		"%x": fmt.Sprintf("%x", s), "json": string(js), "yaml": string(ym),
		"error": fmt.Errorf("calling with %v: %w", s, errors.New("boom")).Error(),
	}
	for how, out := range outputs {
		if strings.Contains(out, value) || !strings.Contains(out, Redacted) {
			t.Errorf("%s printed %q", how, out)
		}
	}
	if s.Reveal() != value {
		t.Errorf("Reveal() lost the value")
	}
}

func TestEventsRedactSecrets(t *testing.T) {
	var c Collector
	ctx := WithStep(WithReporter(t.Context(), c.Report), "rotate")
	Messagef(ctx, "new key %s for %s", NewSecret("AKIASECRET"), "ci")
	Warnf(ctx, "old key %v", NewSecret("oldsecret"))

	for _, e := range c.Events() {
		if strings.Contains(e.Text, "SECRET") || strings.Contains(e.Text, "oldsecret") {
			t.Errorf("event leaked a secret: %q", e.Text)
		}
		if e.Step != "rotate" {
			t.Errorf("event step = %q, want rotate", e.Step)
		}
	}
	if got := len(c.Events()); got != 2 {
		t.Fatalf("got %d events, want 2", got)
	}
}

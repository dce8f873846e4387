package actions

import (
	"encoding/json"
	"fmt"
)

// Redacted is what a Secret shows wherever it is printed.
const Redacted = "[redacted]"

// Secret holds a credential in memory. It prints, formats and marshals as Redacted, so a
// secret placed in an event, an error or a log line cannot leak; only Reveal gives the value,
// and only the call that sends it to an API should use it.
type Secret struct{ value string }

// NewSecret wraps value.
func NewSecret(value string) Secret { return Secret{value: value} }

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return s.value }

// Empty reports whether the secret holds nothing.
func (s Secret) Empty() bool { return s.value == "" }

// String implements fmt.Stringer.
func (s Secret) String() string { return Redacted }

// GoString implements fmt.GoStringer, so %#v redacts too.
func (s Secret) GoString() string { return Redacted }

// Format implements fmt.Formatter, so every verb redacts.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(Redacted)) }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(Redacted) }

// MarshalText implements encoding.TextMarshaler, which YAML encoders use.
func (s Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

type jsonDocument struct {
	Version   string          `json:"Version,omitempty"`
	ID        string          `json:"Id,omitempty"`
	Statement []jsonStatement `json:"Statement"`
}

type jsonStatement struct {
	Sid          string                    `json:"Sid,omitempty"`
	Effect       string                    `json:"Effect"`
	Principal    any                       `json:"Principal,omitempty"`
	NotPrincipal any                       `json:"NotPrincipal,omitempty"`
	Action       any                       `json:"Action,omitempty"`
	NotAction    any                       `json:"NotAction,omitempty"`
	Resource     any                       `json:"Resource,omitempty"`
	NotResource  any                       `json:"NotResource,omitempty"`
	Condition    map[string]map[string]any `json:"Condition,omitempty"`
}

type jsonPrincipals struct {
	AWS           any `json:"AWS,omitempty"`
	Federated     any `json:"Federated,omitempty"`
	Service       any `json:"Service,omitempty"`
	CanonicalUser any `json:"CanonicalUser,omitempty"`
}

// String returns the document as canonical, indented JSON: Statement always an array, a
// single value as a string and several as an array, and condition operators and keys sorted.
// Parse reads it back to an equivalent document.
func (d *Document) String() string {
	doc := jsonDocument{Version: d.version, ID: d.id}
	for i := range d.statements {
		doc.Statement = append(doc.Statement, d.statements[i].toJSON())
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Sprintf("encoding policy: %v", err)
	}

	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// Actions returns the actions named by the Action element of Allow statements, each once, in
// the order they appear, for showing what a policy allows.
func (d *Document) Actions() []string {
	var out []string
	for _, s := range d.statements {
		if s.deny || s.notAction {
			continue
		}

		for _, a := range s.actions {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}

	return out
}

// toJSON returns the statement in its canonical JSON shape.
func (s *statement) toJSON() jsonStatement {
	out := jsonStatement{Sid: s.sid, Effect: "Allow"}
	if s.deny {
		out.Effect = "Deny"
	}

	if s.who != nil {
		*pick(&out.Principal, &out.NotPrincipal, s.notWho) = s.who.toJSON()
	}

	*pick(&out.Action, &out.NotAction, s.notAction) = oneOrMany(s.actions)
	if s.resources != nil {
		*pick(&out.Resource, &out.NotResource, s.notResource) = oneOrMany(texts(s.resources))
	}

	out.Condition = conditionsJSON(s.conditions)

	return out
}

// conditionsJSON returns the Condition block, or nil when there is none.
func conditionsJSON(conditions []condition) map[string]map[string]any {
	if len(conditions) == 0 {
		return nil
	}

	out := map[string]map[string]any{}
	for _, c := range conditions {
		if out[c.operator] == nil {
			out[c.operator] = map[string]any{}
		}

		out[c.operator][c.key] = oneOrMany(texts(c.values))
	}

	return out
}

// toJSON returns "*" or the principals by kind.
func (p *principals) toJSON() any {
	if p.any {
		return "*"
	}

	return jsonPrincipals{
		AWS:           oneOrMany(p.aws),
		Federated:     oneOrMany(p.federated),
		Service:       oneOrMany(p.service),
		CanonicalUser: oneOrMany(p.canonicalUser),
	}
}

// pick returns the element or, when not is set, its Not form.
func pick(elem, notElem *any, not bool) *any {
	if not {
		return notElem
	}

	return elem
}

// oneOrMany returns nil for no values, a string for one, and the list for several.
func oneOrMany(list []string) any {
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}

	return list
}

// texts returns the values as written in the policy.
func texts(values []value) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = v.text
	}

	return out
}

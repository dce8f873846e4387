package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// The policy language versions; only the newer one has policy variables.
const (
	version2012 = "2012-10-17"
	version2008 = "2008-10-17"
)

type rawDocument struct {
	Version   string          `json:"Version"`
	ID        string          `json:"Id"`
	Statement json.RawMessage `json:"Statement"`
}

type rawStatement struct {
	Sid          string                                `json:"Sid"`
	Effect       string                                `json:"Effect"`
	Principal    json.RawMessage                       `json:"Principal"`
	NotPrincipal json.RawMessage                       `json:"NotPrincipal"`
	Action       json.RawMessage                       `json:"Action"`
	NotAction    json.RawMessage                       `json:"NotAction"`
	Resource     json.RawMessage                       `json:"Resource"`
	NotResource  json.RawMessage                       `json:"NotResource"`
	Condition    map[string]map[string]json.RawMessage `json:"Condition"`
}

// Parse reads an IAM policy document in any JSON shape AWS accepts: Statement as an object or
// an array, Action/NotAction, Resource/NotResource and Principal/NotPrincipal as a string or an
// array, Principal as "*" or an object of AWS, Federated, Service or CanonicalUser principals,
// and Condition blocks. Its errors say which statement is wrong and why.
func Parse(data []byte) (*Document, error) {
	var raw rawDocument
	if err := decodeStrict(data, &raw); err != nil {
		return nil, fmt.Errorf("parsing policy: %w", err)
	}

	if raw.Version != "" && raw.Version != version2012 && raw.Version != version2008 {
		return nil, fmt.Errorf("policy Version must be %q or %q, got %q", version2012, version2008,
			raw.Version)
	}

	list, err := statementList(raw.Statement)
	if err != nil {
		return nil, err
	}

	d := &Document{version: raw.Version, id: raw.ID}
	for i, r := range list {
		s, err := parseStatement(r, raw.Version == version2012)
		if err != nil {
			return nil, fmt.Errorf("statement %d: %w", i+1, err)
		}

		d.statements = append(d.statements, s)
	}

	return d, checkSids(d.statements)
}

// decodeStrict decodes JSON, refusing elements the policy grammar does not have.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()

	return dec.Decode(v)
}

// statementList accepts a single statement object or an array of them.
func statementList(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, errors.New("policy has no Statement")
	}

	if raw[0] == '{' {
		return []json.RawMessage{raw}, nil
	}

	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, errors.New("policy Statement must be an object or an array of objects")
	}

	if len(list) == 0 {
		return nil, errors.New("policy has no statements")
	}

	return list, nil
}

// parseStatement reads one statement; variables enables policy variables.
func parseStatement(data json.RawMessage, variables bool) (statement, error) {
	var raw rawStatement
	if err := decodeStrict(data, &raw); err != nil {
		return statement{}, fmt.Errorf("reading statement: %w", err)
	}

	if raw.Effect != "Allow" && raw.Effect != "Deny" {
		return statement{}, fmt.Errorf("Effect must be Allow or Deny, got %q", raw.Effect)
	}

	s := statement{sid: raw.Sid, deny: raw.Effect == "Deny"}
	steps := []func(*rawStatement, bool) error{s.parsePrincipal, s.parseAction, s.parseResource,
		s.parseConditions}
	for _, step := range steps {
		if err := step(&raw, variables); err != nil {
			return statement{}, err
		}
	}

	return s, nil
}

// parsePrincipal reads Principal or NotPrincipal, which identity policies leave out.
func (s *statement) parsePrincipal(raw *rawStatement, _ bool) error {
	data, not, err := either(raw.Principal, raw.NotPrincipal, "Principal", false)
	if err != nil || data == nil {
		return err
	}

	name := "Principal"
	if not {
		name = "NotPrincipal"
	}

	s.notWho = not
	s.who, err = parsePrincipals(data, name)

	return err
}

// parseAction reads Action or NotAction and compiles them for case-insensitive matching.
func (s *statement) parseAction(raw *rawStatement, _ bool) error {
	data, not, err := either(raw.Action, raw.NotAction, "Action", true)
	if err != nil {
		return err
	}

	s.notAction = not
	if s.actions, err = stringList(data, "Action"); err != nil {
		return err
	}

	for _, a := range s.actions {
		if a != "*" && strings.Index(a, ":") < 1 {
			return fmt.Errorf("Action %q must be \"*\" or of the form service:action", a)
		}

		s.actionPat = append(s.actionPat, compile(strings.ToLower(a)))
	}

	return nil
}

// parseResource reads Resource or NotResource, which trust policies leave out.
func (s *statement) parseResource(raw *rawStatement, variables bool) error {
	data, not, err := either(raw.Resource, raw.NotResource, "Resource", false)
	if err != nil || data == nil {
		return err
	}

	list, err := stringList(data, "Resource")
	if err != nil {
		return err
	}

	s.notResource, s.resources = not, make([]value, 0, len(list))
	for _, r := range list {
		if r != "*" && !strings.HasPrefix(r, "arn:") {
			return fmt.Errorf("Resource %q must be \"*\" or an ARN", r)
		}

		v, err := parseValue(r, variables)
		if err != nil {
			return fmt.Errorf("Resource %q: %w", r, err)
		}

		s.resources = append(s.resources, v)
	}

	return nil
}

// parseConditions reads the Condition block, one condition per operator and key.
func (s *statement) parseConditions(raw *rawStatement, variables bool) error {
	for _, name := range slices.Sorted(maps.Keys(raw.Condition)) {
		op, set, ifExists, err := parseOperator(name)
		if err != nil {
			return fmt.Errorf("Condition: %w", err)
		}

		block := raw.Condition[name]
		for _, key := range slices.Sorted(maps.Keys(block)) {
			c := condition{operator: name, key: key, lkey: strings.ToLower(key), op: op,
				ifExists: ifExists, set: set}
			if err := c.parseValues(block[key], variables && op.variables); err != nil {
				return fmt.Errorf("Condition %s %s: %w", name, key, err)
			}

			s.conditions = append(s.conditions, c)
		}
	}

	return nil
}

// parseValues reads a condition's values and checks them against its operator.
func (c *condition) parseValues(data json.RawMessage, variables bool) error {
	list, err := conditionValues(data)
	if err != nil {
		return err
	}

	for _, text := range list {
		if c.op.check != nil {
			if err := c.op.check(text); err != nil {
				return err
			}
		}

		v, err := parseValue(text, variables)
		if err != nil {
			return err
		}

		c.values = append(c.values, v)
	}

	return nil
}

// either returns whichever of an element and its Not form is present; not tells which.
func either(elem, notElem json.RawMessage, name string, required bool,
) (data json.RawMessage, not bool, err error) {
	switch {
	case elem != nil && notElem != nil:
		return nil, false, fmt.Errorf("%s and Not%s cannot both be present", name, name)
	case elem != nil:
		return elem, false, nil
	case notElem != nil:
		return notElem, true, nil
	case required:
		return nil, false, fmt.Errorf("%s or Not%s is required", name, name)
	}

	return nil, false, nil
}

// stringList reads a string or a non-empty array of strings.
func stringList(data json.RawMessage, name string) ([]string, error) {
	var one string
	if err := json.Unmarshal(data, &one); err == nil {
		return []string{one}, nil
	}

	var many []string
	if err := json.Unmarshal(data, &many); err != nil || len(many) == 0 {
		return nil, fmt.Errorf("%s must be a string or a non-empty array of strings", name)
	}

	return many, nil
}

// conditionValues reads a condition's value or values: strings, numbers or booleans.
func conditionValues(data json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()

	var v any
	err := dec.Decode(&v)
	if err != nil {
		return nil, fmt.Errorf("reading values: %w", err)
	}

	items, ok := v.([]any)
	if !ok {
		items = []any{v}
	}

	if len(items) == 0 {
		return nil, errors.New("no values")
	}

	out := make([]string, len(items))
	for i, item := range items {
		if out[i], err = conditionValue(item); err != nil {
			return nil, err
		}
	}

	return out, nil
}

// conditionValue turns one decoded JSON condition value into its text.
func conditionValue(item any) (string, error) {
	switch x := item.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case json.Number:
		return x.String(), nil
	}

	return "", errors.New("values must be strings, numbers or booleans")
}

// checkSids refuses two statements with the same Sid.
func checkSids(statements []statement) error {
	seen := map[string]int{}
	for i, s := range statements {
		if s.sid == "" {
			continue
		}

		if first, ok := seen[s.sid]; ok {
			return fmt.Errorf("statement %d: Sid %q is already used by statement %d", i+1, s.sid,
				first)
		}

		seen[s.sid] = i + 1
	}

	return nil
}

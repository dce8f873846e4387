package policy

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// condition is one key under one operator of a Condition block.
type condition struct {
	operator string
	key      string
	// lkey is the key lowercased, for looking it up in the request context.
	lkey     string
	values   []value
	op       operator
	ifExists bool
	set      setQualifier
}

// setQualifier is the ForAnyValue: or ForAllValues: prefix of an operator.
type setQualifier int

const (
	setNone setQualifier = iota
	setAnyValue
	setAllValues
)

// operator is a condition operator without its qualifiers.
type operator struct {
	// match reports whether a request value matches one compiled policy value.
	match func(pattern, got string) bool
	// check validates a policy value when the policy is parsed; nil accepts any string.
	check   func(v string) error
	negated bool
	null    bool
	// variables is set for the operators that accept policy variables in their values.
	variables bool
}

var operators = map[string]operator{
	"StringEquals":              {match: equals, variables: true},
	"StringNotEquals":           {match: equals, negated: true, variables: true},
	"StringEqualsIgnoreCase":    {match: equalsFold, variables: true},
	"StringNotEqualsIgnoreCase": {match: equalsFold, negated: true, variables: true},
	"StringLike":                {match: glob, variables: true},
	"StringNotLike":             {match: glob, negated: true, variables: true},
	"ArnEquals":                 {match: matchARN, variables: true},
	"ArnLike":                   {match: matchARN, variables: true},
	"ArnNotEquals":              {match: matchARN, negated: true, variables: true},
	"ArnNotLike":                {match: matchARN, negated: true, variables: true},
	"NumericEquals":             numeric(func(c int) bool { return c == 0 }, false),
	"NumericNotEquals":          numeric(func(c int) bool { return c == 0 }, true),
	"NumericLessThan":           numeric(func(c int) bool { return c < 0 }, false),
	"NumericLessThanEquals":     numeric(func(c int) bool { return c <= 0 }, false),
	"NumericGreaterThan":        numeric(func(c int) bool { return c > 0 }, false),
	"NumericGreaterThanEquals":  numeric(func(c int) bool { return c >= 0 }, false),
	"DateEquals":                date(func(c int) bool { return c == 0 }, false),
	"DateNotEquals":             date(func(c int) bool { return c == 0 }, true),
	"DateLessThan":              date(func(c int) bool { return c < 0 }, false),
	"DateLessThanEquals":        date(func(c int) bool { return c <= 0 }, false),
	"DateGreaterThan":           date(func(c int) bool { return c > 0 }, false),
	"DateGreaterThanEquals":     date(func(c int) bool { return c >= 0 }, false),
	"Bool":                      {match: equalsFold, check: checkBool},
	"BinaryEquals":              {match: equals, check: checkBase64},
	"IpAddress":                 {match: inNetwork, check: checkNetwork},
	"NotIpAddress":              {match: inNetwork, check: checkNetwork, negated: true},
	"Null":                      {check: checkBool, null: true},
}

// parseOperator splits an operator such as "ForAnyValue:StringLikeIfExists" into its parts.
func parseOperator(name string) (op operator, set setQualifier, ifExists bool, err error) {
	base := name
	if rest, ok := strings.CutPrefix(base, "ForAnyValue:"); ok {
		base, set = rest, setAnyValue
	} else if rest, ok := strings.CutPrefix(base, "ForAllValues:"); ok {
		base, set = rest, setAllValues
	}

	base, ifExists = strings.CutSuffix(base, "IfExists")
	op, ok := operators[base]
	if !ok {
		return operator{}, 0, false, fmt.Errorf("unknown condition operator %q", name)
	}

	if op.null && (ifExists || set != setNone) {
		return operator{}, 0, false, fmt.Errorf("condition operator %q: Null takes no IfExists "+
			"or set qualifier", name)
	}

	return op, set, ifExists, nil
}

// holds reports whether the request satisfies the condition. Several policy values are OR'd.
func (c *condition) holds(ev *evaluation) bool {
	got := ev.lookup(c.lkey)
	if c.op.null {
		return c.nullHolds(ev, len(got) == 0)
	}

	if len(got) == 0 {
		return c.whenAbsent()
	}

	switch c.set {
	case setAnyValue:
		return c.countSatisfied(ev, got) > 0
	case setAllValues:
		return c.countSatisfied(ev, got) == len(got)
	}

	matched := c.countMatches(ev, got) > 0

	return matched != c.op.negated
}

// whenAbsent is the condition's answer when the request lacks the key: false, except for
// IfExists, negated operators and ForAllValues (which holds over an empty set).
func (c *condition) whenAbsent() bool {
	switch c.set {
	case setAllValues:
		return true
	case setAnyValue:
		return c.ifExists
	}

	return c.ifExists || c.op.negated
}

// countSatisfied counts the request values that satisfy the operator on their own.
func (c *condition) countSatisfied(ev *evaluation, got []string) int {
	n := 0
	for _, g := range got {
		if c.matches(ev, g) != c.op.negated {
			n++
		}
	}

	return n
}

// countMatches counts the request values that match one of the policy values.
func (c *condition) countMatches(ev *evaluation, got []string) int {
	n := 0
	for _, g := range got {
		if c.matches(ev, g) {
			n++
		}
	}

	return n
}

// matches reports whether one request value matches any of the policy values.
func (c *condition) matches(ev *evaluation, got string) bool {
	for _, v := range c.values {
		p, ok := v.resolve(ev)
		if ok && c.op.match(p, got) {
			return true
		}
	}

	return false
}

// nullHolds answers the Null operator: "true" asks for the key to be absent, "false" present.
func (c *condition) nullHolds(ev *evaluation, absent bool) bool {
	for _, v := range c.values {
		p, _ := v.resolve(ev)
		if strings.EqualFold(p, "true") == absent {
			return true
		}
	}

	return false
}

func equals(p, got string) bool {
	return plain(p) == got
}

func equalsFold(p, got string) bool {
	return strings.EqualFold(plain(p), got)
}

// numeric builds a Numeric operator from a test on the comparison of request to policy value.
func numeric(test func(int) bool, negated bool) operator {
	parse := func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

	return ordered(parse, test, negated, "a number")
}

// date builds a Date operator from a test on the comparison of request to policy value.
func date(test func(int) bool, negated bool) operator {
	parse := func(s string) (int64, error) {
		t, err := parseTime(s)

		return t.UnixNano(), err
	}

	return ordered(parse, test, negated, "a date")
}

// ordered builds an operator that compares parsed request and policy values.
func ordered[T int64 | float64](parse func(string) (T, error), test func(int) bool,
	negated bool, what string,
) operator {
	match := func(p, got string) bool {
		want, err1 := parse(plain(p))
		have, err2 := parse(got)

		return err1 == nil && err2 == nil && test(compare(have, want))
	}
	check := func(v string) error {
		if _, err := parse(v); err != nil {
			return fmt.Errorf("%q is not %s", v, what)
		}

		return nil
	}

	return operator{match: match, check: check, negated: negated}
}

func compare[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}

	return 0
}

// parseTime reads a date as AWS accepts it in conditions: ISO 8601 or seconds since the epoch.
func parseTime(s string) (time.Time, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), nil
	}

	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}

	return time.Time{}, errors.New("not a date")
}

func checkBool(v string) error {
	if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
		return fmt.Errorf("%q is not true or false", v)
	}

	return nil
}

func checkBase64(v string) error {
	if _, err := base64.StdEncoding.DecodeString(v); err != nil {
		return fmt.Errorf("%q is not base64", v)
	}

	return nil
}

// network reads an IP address or CIDR block.
func network(v string) (netip.Prefix, error) {
	if addr, err := netip.ParseAddr(v); err == nil {
		return netip.PrefixFrom(addr, addr.BitLen()), nil
	}

	prefix, err := netip.ParsePrefix(v)

	return prefix.Masked(), err
}

func checkNetwork(v string) error {
	if _, err := network(v); err != nil {
		return fmt.Errorf("%q is not an IP address or CIDR block", v)
	}

	return nil
}

func inNetwork(p, got string) bool {
	prefix, err := network(plain(p))
	if err != nil {
		return false
	}

	addr, err := netip.ParseAddr(got)

	return err == nil && prefix.Contains(addr.Unmap())
}

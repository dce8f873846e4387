package policy

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Compiled patterns mark their wildcards with two private-use runes, so that a literal * or ?
// (one that came from a policy variable's value, or from ${*} and ${?}) is matched as itself.
const (
	wildMany = '\uE000'
	wildOne  = '\uE001'
)

var (
	compiler  = strings.NewReplacer("*", string(wildMany), "?", string(wildOne))
	decompile = strings.NewReplacer(string(wildMany), "*", string(wildOne), "?")
)

// compile turns policy text into a pattern whose * and ? are wildcards.
func compile(text string) string {
	return compiler.Replace(text)
}

// plain turns a pattern back into the text it was compiled from.
func plain(pattern string) string {
	return decompile.Replace(pattern)
}

// glob reports whether s matches the compiled pattern p, where wildMany matches any run of
// characters and wildOne any single character.
func glob(p, s string) bool {
	star, mark := -1, 0
	pi, si := 0, 0
	for si < len(s) {
		pr, pw := utf8.DecodeRuneInString(p[pi:])
		sr, sw := utf8.DecodeRuneInString(s[si:])

		switch {
		case pi < len(p) && pr == wildMany:
			star, mark = pi+pw, si
			pi += pw
		case pi < len(p) && (pr == wildOne || pr == sr):
			pi, si = pi+pw, si+sw
		case star >= 0:
			_, mw := utf8.DecodeRuneInString(s[mark:])
			mark += mw
			pi, si = star, mark
		default:
			return false
		}
	}

	return strings.Trim(p[pi:], string(wildMany)) == ""
}

// matchARN reports whether s matches the compiled pattern p. When p has the six
// colon-separated parts of an ARN, each part is matched on its own, so a wildcard does not
// reach across a colon.
func matchARN(p, s string) bool {
	if strings.Count(p, ":") < 5 {
		return glob(p, s)
	}

	for range 5 {
		pp, prest, _ := strings.Cut(p, ":")
		sp, srest, ok := strings.Cut(s, ":")
		if !ok || !glob(pp, sp) {
			return false
		}

		p, s = prest, srest
	}

	return glob(p, s)
}

// value is a policy string as a compiled pattern, or, when it holds policy variables, as the
// parts to fill in at evaluation.
type value struct {
	// text is the value as written in the policy.
	text    string
	pattern string
	parts   []part
}

// part is a piece of a value with policy variables: fixed pattern text, or a variable.
type part struct {
	pattern string
	// key is the lowercased condition key of a variable; empty for fixed text.
	key        string
	fallback   string
	hasDefault bool
}

// resolve returns the value's pattern for this request; ok is false when a variable has no
// single value in the request and no default, in which case the value matches nothing.
func (v value) resolve(ev *evaluation) (pattern string, ok bool) {
	if v.parts == nil {
		return v.pattern, true
	}

	var b strings.Builder
	for _, p := range v.parts {
		text, ok := p.resolve(ev)
		if !ok {
			return "", false
		}

		b.WriteString(text)
	}

	return b.String(), true
}

func (p part) resolve(ev *evaluation) (string, bool) {
	if p.key == "" {
		return p.pattern, true
	}

	if got := ev.lookup(p.key); len(got) == 1 {
		return got[0], true
	}

	return p.fallback, p.hasDefault
}

// parseValue compiles a policy string; with variables set, ${key} and ${key, 'default'} are
// policy variables and ${*}, ${?} and ${$} stand for those characters taken literally.
func parseValue(text string, variables bool) (value, error) {
	if !variables || !strings.Contains(text, "${") {
		return value{text: text, pattern: compile(text)}, nil
	}

	v := value{text: text}
	for text != "" {
		before, after, found := strings.Cut(text, "${")
		v.parts = append(v.parts, part{pattern: compile(before)})
		if !found {
			break
		}

		inner, rest, closed := strings.Cut(after, "}")
		if !closed {
			return value{}, fmt.Errorf("policy variable in %q has no closing brace", v.text)
		}

		p, err := parseVariable(inner)
		if err != nil {
			return value{}, err
		}

		v.parts, text = append(v.parts, p), rest
	}

	return v, nil
}

// parseVariable reads what stands between ${ and }.
// TODO: a default value that contains "}" is cut short; AWS reads up to the closing quote.
func parseVariable(inner string) (part, error) {
	switch inner = strings.TrimSpace(inner); inner {
	case "*", "?", "$":
		return part{pattern: inner}, nil
	case "":
		return part{}, errors.New("empty policy variable ${}")
	}

	key, fallback, hasDefault := strings.Cut(inner, ",")
	p := part{key: strings.ToLower(strings.TrimSpace(key)), hasDefault: hasDefault}
	if p.key == "" {
		return part{}, fmt.Errorf("policy variable ${%s} names no key", inner)
	}

	if !hasDefault {
		return p, nil
	}

	quoted := strings.TrimSpace(fallback)
	if len(quoted) < 2 || quoted[0] != '\'' || quoted[len(quoted)-1] != '\'' {
		return part{}, fmt.Errorf("default of policy variable ${%s} must be in single quotes",
			inner)
	}

	p.fallback = strings.ReplaceAll(quoted[1:len(quoted)-1], "''", "'")

	return p, nil
}

package policy

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// principals is a parsed Principal or NotPrincipal element.
type principals struct {
	// any is set for the bare "*" form.
	any           bool
	aws           []string
	federated     []string
	service       []string
	canonicalUser []string
}

// parsePrincipals reads "*" or {"AWS"|"Federated"|"Service"|"CanonicalUser": string|[]string}.
func parsePrincipals(raw json.RawMessage, name string) (*principals, error) {
	var star string
	if json.Unmarshal(raw, &star) == nil {
		if star != "*" {
			return nil, fmt.Errorf("%s must be \"*\" or an object, got %q", name, star)
		}

		return &principals{any: true}, nil
	}

	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || len(m) == 0 {
		return nil, fmt.Errorf("%s must be \"*\" or an object naming AWS, Federated, Service "+
			"or CanonicalUser principals", name)
	}

	p := &principals{}
	for _, kind := range slices.Sorted(maps.Keys(m)) {
		if err := p.add(name, kind, m[kind]); err != nil {
			return nil, err
		}
	}

	return p, nil
}

// add reads the principals of one kind.
func (p *principals) add(name, kind string, raw json.RawMessage) error {
	list, err := stringList(raw, name+" "+kind)
	if err != nil {
		return err
	}

	switch kind {
	case "AWS":
		p.aws = list

		return checkAWSPrincipals(name, list)
	case "Federated":
		p.federated = list
	case "Service":
		p.service = list
	case "CanonicalUser":
		p.canonicalUser = list
	default:
		return fmt.Errorf("%s: unknown principal type %q, want AWS, Federated, Service or "+
			"CanonicalUser", name, kind)
	}

	return nil
}

// checkAWSPrincipals accepts "*", account IDs and ARNs.
func checkAWSPrincipals(name string, list []string) error {
	for _, a := range list {
		if a != "*" && !isAccountID(a) && !strings.HasPrefix(a, "arn:") {
			return fmt.Errorf("%s AWS %q must be \"*\", a 12-digit account ID or an ARN", name, a)
		}
	}

	return nil
}

// match reports whether the caller is among the principals, and whether only through its
// account.
func (p *principals) match(caller Principal) (matched, viaAccount bool) {
	if p.any || p.named(caller) {
		return true, false
	}

	return p.account(caller), true
}

// named reports whether the principals name the caller itself, or everyone with "AWS": "*".
// TODO: a principal given as an assumed-role session ARN (arn:aws:sts::ACCT:assumed-role/R/S)
// never matches, because Principal carries a session as its role's ARN without the session name.
func (p *principals) named(caller Principal) bool {
	for _, a := range p.aws {
		if a == "*" || (caller.AWS != "" && a == caller.AWS) {
			return true
		}
	}

	return (caller.Federated != "" && slices.Contains(p.federated, caller.Federated)) ||
		(caller.Service != "" && slices.Contains(p.service, caller.Service))
}

// account reports whether the principals name the caller's account.
func (p *principals) account(caller Principal) bool {
	acct := caller.Account
	if acct == "" {
		acct = arnAccount(caller.AWS)
	}

	if acct == "" {
		return false
	}

	for _, a := range p.aws {
		if a == acct || (strings.HasSuffix(a, ":root") && arnAccount(a) == acct) {
			return true
		}
	}

	return false
}

// arnAccount returns the account field of an ARN, or "".
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}

	return parts[4]
}

// isAccountID reports whether s is a 12-digit AWS account ID.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}

	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}

	return true
}

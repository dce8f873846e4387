package awssim

import (
	"encoding/json"
	"net/http"
	"strings"
)

// trustStatement is what IAM checks in a trust policy statement beyond the policy grammar.
type trustStatement struct {
	Principal json.RawMessage
	Resource  json.RawMessage
}

// checkTrust checks a role's trust policy as IAM does when it is set: a valid policy whose
// statements name principals, no resources, and only principals of this account that exist.
func (s *Sim) checkTrust(text string) error {
	if _, err := parseDocument(text); err != nil {
		return err
	}

	statements, err := trustStatements(text)
	if err != nil {
		return malformedPolicy("%v", err)
	}

	for _, st := range statements {
		if err := s.checkTrustStatement(st); err != nil {
			return err
		}
	}

	return nil
}

// checkTrustStatement checks one trust policy statement.
func (s *Sim) checkTrustStatement(st trustStatement) error {
	switch {
	case len(st.Principal) == 0:
		return malformedPolicy("Missing required field Principal")
	case len(st.Resource) != 0:
		return malformedPolicy("Has prohibited field Resource")
	}

	for _, arn := range awsPrincipals(st.Principal) {
		if !s.principalExists(arn) {
			return malformedPolicy("Invalid principal in policy: \"AWS\":\"%s\"", arn)
		}
	}

	return nil
}

// malformedPolicy is IAM's answer to a policy it refuses.
func malformedPolicy(format string, args ...any) *apiError {
	return apiErr(http.StatusBadRequest, "MalformedPolicyDocument", format, args...)
}

// trustStatements reads a policy's statements, one object or a list of them.
func trustStatements(text string) ([]trustStatement, error) {
	var doc struct{ Statement json.RawMessage }
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return nil, err
	}

	var one trustStatement
	if json.Unmarshal(doc.Statement, &one) == nil {
		return []trustStatement{one}, nil
	}

	var list []trustStatement
	err := json.Unmarshal(doc.Statement, &list)

	return list, err
}

// awsPrincipals returns the AWS principals a Principal element names.
func awsPrincipals(raw json.RawMessage) []string {
	var p struct{ AWS json.RawMessage }
	if json.Unmarshal(raw, &p) != nil || len(p.AWS) == 0 {
		return nil
	}

	var one string
	if json.Unmarshal(p.AWS, &one) == nil {
		return []string{one}
	}

	var list []string
	json.Unmarshal(p.AWS, &list)

	return list
}

// principalExists reports whether an AWS principal can be named in a trust policy: IAM
// refuses a user or role of this account that does not exist. Other accounts, account
// principals and "*" are not checked.
func (s *Sim) principalExists(arn string) bool {
	prefix := "arn:aws:iam::" + s.opts.AccountID + ":"
	resource, ok := strings.CutPrefix(arn, prefix)
	if !ok {
		return true
	}

	kind, _, _ := strings.Cut(resource, "/")
	switch kind {
	case "user":
		return s.userByARN(arn) != nil
	case "role":
		return s.roleByARN(arn) != nil
	}

	return true
}

// userByARN returns the user with an ARN, or nil.
func (s *Sim) userByARN(arn string) *user {
	for _, u := range s.st.Users {
		if u.ARN == arn {
			return u
		}
	}

	return nil
}

// roleByARN returns the role with an ARN, or nil.
func (s *Sim) roleByARN(arn string) *role {
	for _, r := range s.st.Roles {
		if r.ARN == arn {
			return r
		}
	}

	return nil
}

package awssim

import (
	"fmt"
	"maps"
	"slices"

	"github.com/onramp-dev/onramp/sandbox/policy"
)

// Reasons AWS gives at the end of an AccessDenied message.
const (
	reasonNoAllow = "because no identity-based policy allows the %s action"
	reasonDeny    = "with an explicit deny in an identity-based policy"
)

// authorize checks the caller's identity-based policies for action on resource and returns
// AWS's AccessDenied answer when they do not allow it.
func (s *Sim) authorize(c *call, action, resource string) error {
	switch s.evaluateIdentity(c.caller, action, resource, nil).Decision {
	case policy.Allow:
		return nil
	case policy.Deny:
		return s.denied(c, action, resource, reasonDeny)
	}

	return s.denied(c, action, resource, fmt.Sprintf(reasonNoAllow, action))
}

// denied builds the AccessDenied answer; reason is empty when a resource policy refused.
func (s *Sim) denied(c *call, action, resource, reason string) *apiError {
	msg := fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s",
		c.caller.ARN, action, resource)
	if reason != "" {
		msg += " " + reason
	}

	return &apiError{status: c.svc.codes.deniedStatus, code: c.svc.codes.denied, message: msg}
}

// evaluateIdentity evaluates the caller's identity-based policies.
func (s *Sim) evaluateIdentity(id identity, action, resource string,
	extra map[string][]string,
) policy.Result {
	return policy.EvaluateAll(s.identityPolicies(id), s.policyRequest(id, action, resource, extra))
}

// identityPolicies returns a user's or a role session's role's inline and attached policies.
func (s *Sim) identityPolicies(id identity) []*policy.Document {
	if u, ok := s.st.Users[id.user]; ok && id.user != "" {
		return policyDocs(u.Inline, u.Attached)
	}

	if r, ok := s.st.Roles[id.role]; ok && id.role != "" {
		return policyDocs(r.Inline, r.Attached)
	}

	return nil
}

// policyDocs parses inline policies, which were checked when put, and looks up attached ones.
func policyDocs(inline map[string]string, attached []string) []*policy.Document {
	var docs []*policy.Document
	for _, name := range slices.Sorted(maps.Keys(inline)) {
		if doc, err := policy.Parse([]byte(inline[name])); err == nil {
			docs = append(docs, doc)
		}
	}

	for _, arn := range attached {
		if doc, ok := managed[arn]; ok {
			docs = append(docs, doc)
		}
	}

	return docs
}

// policyRequest describes a call to the policy evaluator, with the global condition keys
// AWS sets for the caller.
func (s *Sim) policyRequest(id identity, action, resource string,
	extra map[string][]string,
) policy.Request {
	ctx := map[string][]string{
		"aws:PrincipalArn":     {s.principalARN(id)},
		"aws:PrincipalAccount": {id.Account},
		"aws:userid":           {id.UserID},
		"aws:CurrentTime":      {s.now().Format("2006-01-02T15:04:05Z")},
		"aws:PrincipalType":    {principalType(id)},
	}

	if id.user != "" {
		ctx["aws:username"] = []string{id.user}
	}

	for key, value := range id.tags {
		ctx["aws:PrincipalTag/"+key] = []string{value}
	}

	maps.Copy(ctx, extra)

	return policy.Request{
		Action:    action,
		Resource:  resource,
		Principal: policy.Principal{AWS: s.principalARN(id), Account: id.Account},
		Context:   ctx,
	}
}

// principalARN is aws:PrincipalArn and the principal resource policies match: the user's
// ARN, or for a role session the role's ARN with its path.
func (s *Sim) principalARN(id identity) string {
	if r, ok := s.st.Roles[id.role]; ok && id.role != "" {
		return r.ARN
	}

	return id.CanonicalARN
}

// principalType is aws:PrincipalType.
func principalType(id identity) string {
	if id.role != "" {
		return "AssumedRole"
	}

	return "User"
}

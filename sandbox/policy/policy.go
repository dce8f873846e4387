// Package policy parses IAM policy documents and answers authorization questions against them
// the way AWS documents its policy evaluation: statements match on principal, action, resource
// and conditions, an explicit Deny wins over any Allow, and nothing is allowed by default.
//
// It serves the sandbox's simulated IAM and STS, for identity-based policies (a user's or a
// role's inline and attached policies) and resource-based ones (a role's trust policy, an ECR
// repository policy).
//
// See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html.
package policy

import (
	"strconv"
	"strings"
)

// Document is a parsed IAM policy, identity-based or resource-based. It is immutable and safe
// for concurrent use; build one with Parse.
type Document struct {
	version    string
	id         string
	statements []statement
}

// Request is one authorization question.
type Request struct {
	// Action is the API action, such as "sts:AssumeRole"; it is matched case-insensitively.
	Action string
	// Resource is the ARN acted on; it is matched case-sensitively, and "*" in a policy matches
	// any resource.
	Resource string
	// Principal is the caller, which resource-based policies match against.
	Principal Principal
	// Context holds the condition keys, such as "aws:PrincipalArn", "aws:username",
	// "token.actions.githubusercontent.com:sub" or "aws:RequestTag/team". Keys are matched
	// case-insensitively; a key with no values counts as absent.
	Context map[string][]string
}

// Principal is the caller of a request.
type Principal struct {
	// AWS is the caller's ARN, arn:aws:iam::ACCT:user/NAME or arn:aws:iam::ACCT:role/NAME (for
	// a role session, the role's ARN), or empty for a caller that is not an IAM identity.
	AWS string
	// Account is the caller's account ID when the caller is an IAM identity; when empty it is
	// read from AWS.
	Account string
	// Federated is the identity provider of a web-identity caller, such as
	// arn:aws:iam::ACCT:oidc-provider/token.actions.githubusercontent.com.
	Federated string
	// Service is the service principal of a calling AWS service, such as ec2.amazonaws.com.
	Service string
}

// Decision is the answer of a policy to a request.
type Decision int

// The decisions, from no statement applying to an explicit deny.
const (
	NotApplicable Decision = iota
	Allow
	Deny
)

// String returns the decision's name.
func (d Decision) String() string {
	switch d {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}

	return "NotApplicable"
}

// Result is a decision and what led to it.
type Result struct {
	Decision Decision
	// ViaAccount is true when every Allow that matched named the caller only through its
	// account ("AWS": "123456789012" or "arn:aws:iam::123456789012:root"), in which case AWS
	// also requires the caller's own identity policies to allow the action.
	ViaAccount bool
	// Statement names the statement that decided, for error messages: its Sid, or its 1-based
	// position such as "2" when it has none. For an Allow it is the first Allow that matched.
	Statement string
}

// Evaluate answers req against this document. Statements without Principal are identity-policy
// statements and apply to any request; statements with Principal or NotPrincipal apply only when
// it matches req.Principal. An explicit Deny wins over any Allow.
func (d *Document) Evaluate(req Request) Result {
	ev := newEvaluation(req)

	var res Result
	for i := range d.statements {
		s := &d.statements[i]

		ok, viaAccount := s.applies(ev)
		if !ok {
			continue
		}

		if s.deny {
			return Result{Decision: Deny, Statement: s.name(i)}
		}

		res = addAllow(res, viaAccount, s.name(i))
	}

	return res
}

// EvaluateAll combines several documents, such as a user's inline and attached policies: any
// Deny wins, then any Allow, else NotApplicable. Nil documents are skipped.
func EvaluateAll(docs []*Document, req Request) Result {
	var res Result
	for _, d := range docs {
		if d == nil {
			continue
		}

		r := d.Evaluate(req)
		switch r.Decision {
		case Deny:
			return r
		case Allow:
			res = addAllow(res, r.ViaAccount, r.Statement)
		}
	}

	return res
}

// addAllow folds one matching Allow into a result that holds no Deny.
func addAllow(res Result, viaAccount bool, name string) Result {
	if res.Decision == Allow {
		res.ViaAccount = res.ViaAccount && viaAccount

		return res
	}

	return Result{Decision: Allow, ViaAccount: viaAccount, Statement: name}
}

// evaluation is one request being answered, with what its statements need ready to use.
type evaluation struct {
	req    Request
	action string
	// context is req.Context with lowercased keys, built when a condition first needs it.
	context map[string][]string
}

func newEvaluation(req Request) *evaluation {
	return &evaluation{req: req, action: strings.ToLower(req.Action)}
}

// lookup returns the request's values for a lowercased condition key.
func (ev *evaluation) lookup(key string) []string {
	if ev.context == nil {
		ev.context = make(map[string][]string, len(ev.req.Context))
		for k, v := range ev.req.Context {
			ev.context[strings.ToLower(k)] = v
		}
	}

	return ev.context[key]
}

// statement is one parsed policy statement.
type statement struct {
	sid  string
	deny bool
	// who is the Principal or, when notWho is set, the NotPrincipal; nil when absent.
	who    *principals
	notWho bool
	// actions as written, and compiled lowercase patterns.
	actions   []string
	actionPat []string
	notAction bool
	// resources is nil when the statement has neither Resource nor NotResource.
	resources   []value
	notResource bool
	conditions  []condition
}

// name returns the Sid, or the 1-based position i+1.
func (s *statement) name(i int) string {
	if s.sid != "" {
		return s.sid
	}

	return strconv.Itoa(i + 1)
}

// applies reports whether the statement matches the request, and whether its principal matched
// only through the caller's account.
func (s *statement) applies(ev *evaluation) (ok, viaAccount bool) {
	if s.who != nil {
		matched, acct := s.who.match(ev.req.Principal)
		if matched == s.notWho {
			return false, false
		}

		viaAccount = acct && !s.notWho
	}

	if !s.matchAction(ev.action) || !s.matchResource(ev) || !s.conditionsHold(ev) {
		return false, false
	}

	return true, viaAccount
}

// matchAction reports whether the lowercased action is covered by Action or NotAction.
func (s *statement) matchAction(action string) bool {
	for _, p := range s.actionPat {
		if glob(p, action) {
			return !s.notAction
		}
	}

	return s.notAction
}

// matchResource reports whether the request's resource is covered by Resource or NotResource.
// A statement with neither, as in a trust policy, covers the resource it is attached to.
func (s *statement) matchResource(ev *evaluation) bool {
	if s.resources == nil {
		return true
	}

	for _, r := range s.resources {
		p, ok := r.resolve(ev)
		if ok && matchARN(p, ev.req.Resource) {
			return !s.notResource
		}
	}

	return s.notResource
}

// conditionsHold reports whether every condition holds: operators and keys are AND'd.
func (s *statement) conditionsHold(ev *evaluation) bool {
	for i := range s.conditions {
		if !s.conditions[i].holds(ev) {
			return false
		}
	}

	return true
}

package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/onramp-dev/onramp/sandbox/policy"
)

const (
	acct     = "123456789012"
	otherAcc = "210987654321"
	userCI   = "arn:aws:iam::123456789012:user/github-actions-service-account"
	userBob  = "arn:aws:iam::123456789012:user/bob"
	roleCI   = "arn:aws:iam::123456789012:role/github-actions-service-account-role"
	oidc     = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
)

func mustParse(t testing.TB, doc string) *policy.Document {
	t.Helper()

	d, err := policy.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, doc)
	}

	return d
}

var (
	caller    = policy.Principal{AWS: userCI, Account: acct}
	bob       = policy.Principal{AWS: userBob}
	stranger  = policy.Principal{AWS: "arn:aws:iam::210987654321:user/eve", Account: otherAcc}
	roleSess  = policy.Principal{AWS: roleCI, Account: acct}
	ec2       = policy.Principal{Service: "ec2.amazonaws.com"}
	githubOIC = policy.Principal{Federated: oidc}
)

const identityDoc = `{
	"Version": "2012-10-17",
	"Statement": [
		{"Sid": "Assume", "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
		 "Resource": "arn:aws:iam::123456789012:role/github-actions-service-account-role"},
		{"Effect": "Allow", "Action": "ecr:Get?uthorizationToken", "Resource": "*"},
		{"Effect": "Allow", "Action": "ecr:*",
		 "Resource": "arn:aws:ecr:*:123456789012:repository/flows/*"}
	]
}`

const denyDoc = `{
	"Version": "2012-10-17",
	"Statement": [
		{"Effect": "Allow", "Action": "*", "Resource": "*"},
		{"Sid": "NoUserDeletes", "Effect": "Deny", "Action": "iam:DeleteUser", "Resource": "*"},
		{"Sid": "OnlyOneRole", "Effect": "Deny", "Action": "sts:AssumeRole",
		 "NotResource": "arn:aws:iam::123456789012:role/github-actions-service-account-role"},
		{"Sid": "NoIAMWrites", "Effect": "Deny", "NotAction": ["iam:Get*", "iam:List*", "sts:*",
		 "ecr:*"], "Resource": "*"}
	]
}`

const trustDoc = `{
	"Version": "2012-10-17",
	"Statement": [
		{"Sid": "User", "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
		 "Principal": {"AWS": "arn:aws:iam::123456789012:user/github-actions-service-account"}},
		{"Sid": "Account", "Effect": "Allow", "Action": "sts:AssumeRole",
		 "Principal": {"AWS": ["210987654321", "arn:aws:iam::123456789012:root"]}},
		{"Sid": "EC2", "Effect": "Allow", "Action": "sts:AssumeRole",
		 "Principal": {"Service": ["ec2.amazonaws.com"]}},
		{"Sid": "Self", "Effect": "Allow", "Action": "sts:AssumeRole",
		 "Principal": {"AWS": "arn:aws:iam::123456789012:role/github-actions-service-account-role"}}
	]
}`

const oidcDoc = `{
	"Version": "2012-10-17",
	"Statement": {
		"Effect": "Allow",
		"Principal": {"Federated":
			"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
		"Action": "sts:AssumeRoleWithWebIdentity",
		"Condition": {
			"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
			"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/iris:*"}
		}
	}
}`

const notPrincipalDoc = `{
	"Version": "2012-10-17",
	"Statement": [
		{"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "ecr:*"},
		{"Sid": "OnlyCI", "Effect": "Deny", "Action": "ecr:PutImage",
		 "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:user/github-actions-service-account"}}
	]
}`

// ghContext is the request context of a GitHub Actions web identity token.
func ghContext(sub, aud string) map[string][]string {
	ctx := map[string][]string{"token.actions.githubusercontent.com:aud": {aud}}
	if sub != "" {
		ctx["token.actions.githubusercontent.com:sub"] = []string{sub}
	}

	return ctx
}

func TestEvaluate(t *testing.T) {
	const main = "repo:acme/iris:ref:refs/heads/main"
	tests := []struct {
		name string
		doc  string
		req  policy.Request
		want policy.Result
	}{
		{"identity allow", identityDoc,
			policy.Request{Action: "sts:AssumeRole", Resource: roleCI, Principal: caller},
			policy.Result{Decision: policy.Allow, Statement: "Assume"}},
		{"action case-insensitive", identityDoc,
			policy.Request{Action: "STS:tagsession", Resource: roleCI},
			policy.Result{Decision: policy.Allow, Statement: "Assume"}},
		{"action ? wildcard, unnamed statement", identityDoc,
			policy.Request{Action: "ecr:GetAuthorizationToken", Resource: "*"},
			policy.Result{Decision: policy.Allow, Statement: "2"}},
		{"other action", identityDoc,
			policy.Request{Action: "sts:AssumeRoleWithWebIdentity", Resource: roleCI},
			policy.Result{}},
		{"resource case-sensitive", identityDoc,
			policy.Request{Action: "sts:AssumeRole", Resource: strings.ToUpper(roleCI)},
			policy.Result{}},
		{"resource wildcards", identityDoc,
			policy.Request{Action: "ecr:PutImage",
				Resource: "arn:aws:ecr:eu-west-1:123456789012:repository/flows/etl"},
			policy.Result{Decision: policy.Allow, Statement: "3"}},
		{"resource wildcard stays in its ARN part", identityDoc,
			policy.Request{Action: "ecr:PutImage",
				Resource: "arn:aws:ecr:eu-west-1:210987654321:repository/flows/etl"},
			policy.Result{}},
		{"explicit deny wins", denyDoc,
			policy.Request{Action: "iam:DeleteUser", Resource: userBob},
			policy.Result{Decision: policy.Deny, Statement: "NoUserDeletes"}},
		{"NotResource deny", denyDoc,
			policy.Request{Action: "sts:AssumeRole", Resource: "arn:aws:iam::123456789012:role/x"},
			policy.Result{Decision: policy.Deny, Statement: "OnlyOneRole"}},
		{"NotResource spares its resource", denyDoc,
			policy.Request{Action: "sts:AssumeRole", Resource: roleCI},
			policy.Result{Decision: policy.Allow, Statement: "1"}},
		{"NotAction deny", denyDoc,
			policy.Request{Action: "iam:CreateUser", Resource: userBob},
			policy.Result{Decision: policy.Deny, Statement: "NoIAMWrites"}},
		{"NotAction spares its actions", denyDoc,
			policy.Request{Action: "iam:ListUsers", Resource: "*"},
			policy.Result{Decision: policy.Allow, Statement: "1"}},
		{"trust names the user", trustDoc,
			policy.Request{Action: "sts:TagSession", Resource: roleCI, Principal: caller},
			policy.Result{Decision: policy.Allow, Statement: "User"}},
		{"trust names the user and its account", trustDoc,
			policy.Request{Action: "sts:AssumeRole", Resource: roleCI, Principal: caller},
			policy.Result{Decision: policy.Allow, Statement: "User"}},
		{"trust names only the account, by root ARN", trustDoc,
			policy.Request{Action: "sts:AssumeRole", Resource: roleCI, Principal: bob},
			policy.Result{Decision: policy.Allow, ViaAccount: true, Statement: "Account"}},
		{"trust names only the account, by ID", trustDoc,
			policy.Request{Action: "sts:AssumeRole", Resource: roleCI, Principal: stranger},
			policy.Result{Decision: policy.Allow, ViaAccount: true, Statement: "Account"}},
		{"trust does not name the caller for this action", trustDoc,
			policy.Request{Action: "sts:TagSession", Resource: roleCI, Principal: bob},
			policy.Result{}},
		{"trust names a role, caller is its session", trustDoc,
			policy.Request{Action: "sts:AssumeRole", Resource: roleCI, Principal: roleSess},
			policy.Result{Decision: policy.Allow, Statement: "Account"}},
		{"trust names a service", trustDoc,
			policy.Request{Action: "sts:AssumeRole", Resource: roleCI, Principal: ec2},
			policy.Result{Decision: policy.Allow, Statement: "EC2"}},
		{"trust has no anonymous caller", trustDoc,
			policy.Request{Action: "sts:AssumeRole", Resource: roleCI},
			policy.Result{}},
		{"github oidc main branch", oidcDoc,
			policy.Request{Action: "sts:AssumeRoleWithWebIdentity", Resource: roleCI,
				Principal: githubOIC, Context: ghContext(main, "sts.amazonaws.com")},
			policy.Result{Decision: policy.Allow, Statement: "1"}},
		{"github oidc environment", oidcDoc,
			policy.Request{Action: "sts:AssumeRoleWithWebIdentity", Resource: roleCI,
				Principal: githubOIC, Context: ghContext("repo:acme/iris:environment:prod",
					"sts.amazonaws.com")},
			policy.Result{Decision: policy.Allow, Statement: "1"}},
		{"github oidc other repository", oidcDoc,
			policy.Request{Action: "sts:AssumeRoleWithWebIdentity", Resource: roleCI,
				Principal: githubOIC, Context: ghContext("repo:acme/iris2:ref:refs/heads/main",
					"sts.amazonaws.com")},
			policy.Result{}},
		{"github oidc wrong audience", oidcDoc,
			policy.Request{Action: "sts:AssumeRoleWithWebIdentity", Resource: roleCI,
				Principal: githubOIC, Context: ghContext(main, "https://github.com/acme")},
			policy.Result{}},
		{"github oidc no sub", oidcDoc,
			policy.Request{Action: "sts:AssumeRoleWithWebIdentity", Resource: roleCI,
				Principal: githubOIC, Context: ghContext("", "sts.amazonaws.com")},
			policy.Result{}},
		{"github oidc other provider", oidcDoc,
			policy.Request{Action: "sts:AssumeRoleWithWebIdentity", Resource: roleCI,
				Principal: policy.Principal{Federated: "arn:aws:iam::123456789012:oidc-provider/x"},
				Context:   ghContext(main, "sts.amazonaws.com")},
			policy.Result{}},
		{"github oidc plain assume", oidcDoc,
			policy.Request{Action: "sts:AssumeRole", Resource: roleCI, Principal: githubOIC,
				Context: ghContext(main, "sts.amazonaws.com")},
			policy.Result{}},
		{"principal star", notPrincipalDoc,
			policy.Request{Action: "ecr:BatchGetImage", Resource: "*", Principal: stranger},
			policy.Result{Decision: policy.Allow, Statement: "Everyone"}},
		{"NotPrincipal denies the others", notPrincipalDoc,
			policy.Request{Action: "ecr:PutImage", Resource: "*", Principal: bob},
			policy.Result{Decision: policy.Deny, Statement: "OnlyCI"}},
		{"NotPrincipal spares its principal", notPrincipalDoc,
			policy.Request{Action: "ecr:PutImage", Resource: "*", Principal: caller},
			policy.Result{Decision: policy.Allow, Statement: "Everyone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, tt.doc).Evaluate(tt.req)
			if got != tt.want {
				t.Errorf("Evaluate = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEvaluateAll(t *testing.T) {
	allowAssume := mustParse(t, identityDoc)
	denyAssume := mustParse(t, `{"Version": "2012-10-17", "Statement": {"Sid": "Stop",
		"Effect": "Deny", "Action": "sts:*", "Resource": "*"}}`)
	account := mustParse(t, `{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
		"Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}}`)
	named := mustParse(t, `{"Version": "2012-10-17", "Statement": {"Sid": "Named",
		"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/bob"},
		"Action": "sts:AssumeRole"}}`)
	req := policy.Request{Action: "sts:AssumeRole", Resource: roleCI, Principal: bob}
	tests := []struct {
		name string
		docs []*policy.Document
		want policy.Result
	}{
		{"none", nil, policy.Result{}},
		{"allow", []*policy.Document{allowAssume},
			policy.Result{Decision: policy.Allow, Statement: "Assume"}},
		{"deny in a later document wins", []*policy.Document{allowAssume, nil, denyAssume},
			policy.Result{Decision: policy.Deny, Statement: "Stop"}},
		{"account only", []*policy.Document{account},
			policy.Result{Decision: policy.Allow, ViaAccount: true, Statement: "1"}},
		{"account and named", []*policy.Document{account, named},
			policy.Result{Decision: policy.Allow, Statement: "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := policy.EvaluateAll(tt.docs, req); got != tt.want {
				t.Errorf("EvaluateAll = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDecisionString(t *testing.T) {
	tests := []struct {
		d    policy.Decision
		want string
	}{
		{policy.NotApplicable, "NotApplicable"},
		{policy.Allow, "Allow"},
		{policy.Deny, "Deny"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.d.String(); got != tt.want {
				t.Errorf("String = %q, want %q", got, tt.want)
			}
		})
	}
}

// benchmarkDoc has 20 statements; the request matches only the last, after its condition.
func benchmarkDoc() string {
	var b strings.Builder
	b.WriteString(`{"Version": "2012-10-17", "Statement": [`)
	for i := range 19 {
		fmt.Fprintf(&b, `{"Effect": "Allow", "Action": ["ecr:Put*", "ecr:Batch*"],
			"Resource": "arn:aws:ecr:*:123456789012:repository/team%d/*"},`, i)
	}

	b.WriteString(`{"Effect": "Allow", "Action": "sts:AssumeRole*",
		"Resource": "arn:aws:iam::123456789012:role/*",
		"Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"},
			"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}]}`)

	return b.String()
}

func BenchmarkEvaluate(b *testing.B) {
	doc := mustParse(b, benchmarkDoc())
	req := policy.Request{Action: "sts:AssumeRoleWithWebIdentity", Resource: roleCI,
		Principal: githubOIC, Context: ghContext("repo:acme/iris:ref:refs/heads/main",
			"sts.amazonaws.com")}

	for b.Loop() {
		if doc.Evaluate(req).Decision != policy.Allow {
			b.Fatal("want Allow")
		}
	}
}

package policy_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/onramp-dev/onramp/sandbox/policy"
)

// statementDoc wraps statement bodies into a policy document.
func statementDoc(statements ...string) string {
	return `{"Version": "2012-10-17", "Statement": [` + strings.Join(statements, ",") + `]}`
}

const okStatement = `{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		wantErr string
	}{
		{"not json", `{"Version": `, "parsing policy: "},
		{"unknown element", `{"Version": "2012-10-17", "Statment": []}`,
			`parsing policy: json: unknown field "Statment"`},
		{"version", `{"Version": "2012-10-18", "Statement": ` + okStatement + `}`,
			`policy Version must be "2012-10-17" or "2008-10-17", got "2012-10-18"`},
		{"no statement", `{"Version": "2012-10-17"}`, "policy has no Statement"},
		{"empty statements", `{"Version": "2012-10-17", "Statement": []}`,
			"policy has no statements"},
		{"statement string", `{"Version": "2012-10-17", "Statement": "x"}`,
			"policy Statement must be an object or an array of objects"},
		{"effect case", statementDoc(okStatement, `{"Effect": "allow", "Action": "s3:*"}`),
			`statement 2: Effect must be Allow or Deny, got "allow"`},
		{"unknown statement element", statementDoc(`{"Efect": "Allow"}`),
			`statement 1: reading statement: json: unknown field "Efect"`},
		{"no action", statementDoc(`{"Effect": "Allow", "Resource": "*"}`),
			"statement 1: Action or NotAction is required"},
		{"action and not action",
			statementDoc(`{"Effect": "Allow", "Action": "s3:*", "NotAction": "iam:*"}`),
			"statement 1: Action and NotAction cannot both be present"},
		{"resource and not resource", statementDoc(`{"Effect": "Allow", "Action": "s3:*",
			"Resource": "*", "NotResource": "arn:aws:s3:::b"}`),
			"statement 1: Resource and NotResource cannot both be present"},
		{"principal and not principal", statementDoc(`{"Effect": "Allow", "Action": "s3:*",
			"Principal": "*", "NotPrincipal": {"AWS": "123456789012"}}`),
			"statement 1: Principal and NotPrincipal cannot both be present"},
		{"action without service", statementDoc(`{"Effect": "Allow", "Action": "AssumeRole"}`),
			`statement 1: Action "AssumeRole" must be "*" or of the form service:action`},
		{"empty action list", statementDoc(`{"Effect": "Allow", "Action": []}`),
			"statement 1: Action must be a string or a non-empty array of strings"},
		{"action number", statementDoc(`{"Effect": "Allow", "Action": 3}`),
			"statement 1: Action must be a string or a non-empty array of strings"},
		{"resource not arn",
			statementDoc(`{"Effect": "Allow", "Action": "iam:*", "Resource": "role/ci"}`),
			`statement 1: Resource "role/ci" must be "*" or an ARN`},
		{"principal string", statementDoc(`{"Effect": "Allow", "Action": "sts:AssumeRole",
			"Principal": "bob"}`), `statement 1: Principal must be "*" or an object, got "bob"`},
		{"principal type", statementDoc(`{"Effect": "Allow", "Action": "sts:AssumeRole",
			"Principal": {"Aws": "123456789012"}}`),
			`statement 1: Principal: unknown principal type "Aws"`},
		{"principal aws value", statementDoc(`{"Effect": "Allow", "Action": "sts:AssumeRole",
			"NotPrincipal": {"AWS": ["123456789012", "bob"]}}`),
			`statement 1: NotPrincipal AWS "bob" must be "*", a 12-digit account ID or an ARN`},
		{"principal empty object", statementDoc(`{"Effect": "Allow", "Action": "sts:AssumeRole",
			"Principal": {}}`), "statement 1: Principal must be \"*\" or an object naming"},
		{"unknown operator", statementDoc(`{"Effect": "Allow", "Action": "s3:*",
			"Condition": {"StringEqual": {"aws:username": "bob"}}}`),
			`statement 1: Condition: unknown condition operator "StringEqual"`},
		{"unknown qualified operator", statementDoc(`{"Effect": "Allow", "Action": "s3:*",
			"Condition": {"ForAnyValue:StringEquel": {"aws:TagKeys": "a"}}}`),
			`unknown condition operator "ForAnyValue:StringEquel"`},
		{"null if exists", statementDoc(`{"Effect": "Allow", "Action": "s3:*",
			"Condition": {"NullIfExists": {"aws:username": "true"}}}`),
			`condition operator "NullIfExists": Null takes no IfExists or set qualifier`},
		{"numeric value", statementDoc(`{"Effect": "Allow", "Action": "s3:*",
			"Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "an hour"}}}`),
			`statement 1: Condition NumericLessThan aws:MultiFactorAuthAge: "an hour" is not ` +
				`a number`},
		{"date value", statementDoc(`{"Effect": "Allow", "Action": "s3:*",
			"Condition": {"DateLessThan": {"aws:CurrentTime": "tomorrow"}}}`),
			`"tomorrow" is not a date`},
		{"bool value", statementDoc(`{"Effect": "Allow", "Action": "s3:*",
			"Condition": {"Bool": {"aws:SecureTransport": "yes"}}}`),
			`"yes" is not true or false`},
		{"ip value", statementDoc(`{"Effect": "Allow", "Action": "s3:*",
			"Condition": {"IpAddress": {"aws:SourceIp": "300.1.1.1"}}}`),
			`"300.1.1.1" is not an IP address or CIDR block`},
		{"binary value", statementDoc(`{"Effect": "Allow", "Action": "s3:*",
			"Condition": {"BinaryEquals": {"k": "not base64!"}}}`), `is not base64`},
		{"condition object value", statementDoc(`{"Effect": "Allow", "Action": "s3:*",
			"Condition": {"StringEquals": {"k": {"a": "b"}}}}`),
			"statement 1: Condition StringEquals k: values must be strings, numbers or booleans"},
		{"condition no values", statementDoc(`{"Effect": "Allow", "Action": "s3:*",
			"Condition": {"StringEquals": {"k": []}}}`),
			"statement 1: Condition StringEquals k: no values"},
		{"duplicate sid", statementDoc(`{"Sid": "A", "Effect": "Allow", "Action": "s3:*"}`,
			okStatement, `{"Sid": "A", "Effect": "Deny", "Action": "s3:*"}`),
			`statement 3: Sid "A" is already used by statement 1`},
		{"unclosed variable", statementDoc(`{"Effect": "Allow", "Action": "iam:*",
			"Resource": "arn:aws:iam::123456789012:user/${aws:username"}`),
			"has no closing brace"},
		{"unquoted default", statementDoc(`{"Effect": "Allow", "Action": "iam:*",
			"Resource": "arn:aws:iam::123456789012:user/${aws:username, ci}"}`),
			"must be in single quotes"},
		{"variable without key", statementDoc(`{"Effect": "Allow", "Action": "iam:*",
			"Resource": "arn:aws:iam::123456789012:user/${, 'ci'}"}`), "names no key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.Parse([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Parse error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseShapes(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		req  policy.Request
		want policy.Decision
	}{
		{"statement object, strings", `{"Version": "2012-10-17", "Statement": {
			"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}`,
			policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}, policy.Allow},
		{"no version", `{"Statement": [{"Effect": "Deny", "Action": ["s3:*"],
			"Resource": ["arn:aws:s3:::a", "arn:aws:s3:::b/*"]}]}`,
			policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}, policy.Deny},
		{"principal star in AWS", `{"Version": "2008-10-17", "Statement": [{"Effect": "Allow",
			"Principal": {"AWS": ["*"]}, "Action": "ecr:*"}]}`,
			policy.Request{Action: "ecr:PutImage", Principal: ec2}, policy.Allow},
		{"condition numbers and booleans", `{"Version": "2012-10-17", "Statement": {
			"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
			"Bool": {"aws:SecureTransport": true}, "NumericLessThan": {"n": [1, 2.5]}}}}`,
			policy.Request{Action: "s3:GetObject", Resource: "x", Context: map[string][]string{
				"aws:SecureTransport": {"true"}, "n": {"2"}}}, policy.Allow},
		{"statement without principal applies to any caller", `{"Version": "2012-10-17",
			"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`,
			policy.Request{Action: "a:b", Resource: "c", Principal: stranger}, policy.Allow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustParse(t, tt.doc).Evaluate(tt.req).Decision; got != tt.want {
				t.Errorf("decision = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestString(t *testing.T) {
	doc := mustParse(t, `{"Statement": {"Condition": {"StringLike": {
		"token.actions.githubusercontent.com:sub": "repo:acme/iris:*"}, "StringEquals": {
		"token.actions.githubusercontent.com:aud": ["sts.amazonaws.com"]}},
		"Action": "sts:AssumeRoleWithWebIdentity", "Effect": "Allow", "Principal": {
		"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
		}}, "Version": "2012-10-17"}`)
	want := `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
        },
        "StringLike": {
          "token.actions.githubusercontent.com:sub": "repo:acme/iris:*"
        }
      }
    }
  ]
}`
	if got := doc.String(); got != want {
		t.Errorf("String =\n%s\nwant\n%s", got, want)
	}
}

func TestStringRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		doc  string
	}{
		{"identity", identityDoc},
		{"deny", denyDoc},
		{"trust", trustDoc},
		{"oidc", oidcDoc},
		{"not principal", notPrincipalDoc},
		{"variables", statementDoc(`{"Sid": "Own", "Effect": "Allow", "Action": "iam:*",
			"Resource": "arn:aws:iam::123456789012:user/${aws:username, 'x'}${*}",
			"Condition": {"ForAllValues:StringLike": {"aws:TagKeys": ["a*", "b?"]}}}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := mustParse(t, tt.doc)
			second := mustParse(t, first.String())
			if first.String() != second.String() {
				t.Fatalf("String changed on reparse:\n%s\n%s", first, second)
			}

			checkSameAnswers(t, first, second)
		})
	}
}

// checkSameAnswers asks both documents the same questions.
func checkSameAnswers(t *testing.T, a, b *policy.Document) {
	t.Helper()

	for _, action := range []string{"sts:AssumeRole", "iam:DeleteUser", "ecr:PutImage"} {
		for _, p := range []policy.Principal{caller, bob, stranger, ec2} {
			req := policy.Request{Action: action, Resource: roleCI, Principal: p}
			if ra, rb := a.Evaluate(req), b.Evaluate(req); ra != rb {
				t.Errorf("%s by %s: %+v before, %+v after", action, p.AWS, ra, rb)
			}
		}
	}
}

func TestActions(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"identity", identityDoc, []string{"sts:AssumeRole", "sts:TagSession",
			"ecr:Get?uthorizationToken", "ecr:*"}},
		{"deny and NotAction left out", denyDoc, []string{"*"}},
		{"repeats once", statementDoc(
			`{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"]}`,
			`{"Effect": "Allow", "Action": "s3:GetObject"}`,
			`{"Effect": "Allow", "NotAction": "iam:*"}`),
			[]string{"s3:GetObject", "s3:PutObject"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustParse(t, tt.doc).Actions(); !slices.Equal(got, tt.want) {
				t.Errorf("Actions = %q, want %q", got, tt.want)
			}
		})
	}
}

func ExampleDocument_Evaluate() {
	doc, err := policy.Parse([]byte(`{
		"Version": "2012-10-17",
		"Statement": {"Effect": "Allow", "Principal": {"AWS": "123456789012"},
			"Action": "sts:AssumeRole"}
	}`))
	if err != nil {
		fmt.Println(err)

		return
	}

	res := doc.Evaluate(policy.Request{
		Action:    "sts:AssumeRole",
		Resource:  "arn:aws:iam::123456789012:role/deploy",
		Principal: policy.Principal{AWS: "arn:aws:iam::123456789012:user/ci"},
	})
	fmt.Println(res.Decision, res.ViaAccount)
	// Output: Allow true
}

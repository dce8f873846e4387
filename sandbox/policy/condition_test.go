package policy_test

import (
	"fmt"
	"testing"

	"github.com/onramp-dev/onramp/sandbox/policy"
)

// conditionDoc is a policy that allows everything under one condition on key "k".
func conditionDoc(t *testing.T, operator, values string) *policy.Document {
	t.Helper()

	return mustParse(t, fmt.Sprintf(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
		"Action": "*", "Resource": "*", "Condition": {%q: {"k": %s}}}}`, operator, values))
}

func TestConditionOperators(t *testing.T) {
	absent := []string(nil)
	tests := []struct {
		operator string
		values   string
		got      []string
		want     bool
	}{
		{"StringEquals", `"a"`, []string{"a"}, true},
		{"StringEquals", `"a"`, []string{"A"}, false},
		{"StringEquals", `"a*"`, []string{"abc"}, false},
		{"StringEquals", `["a", "b"]`, []string{"b"}, true},
		{"StringEquals", `"a"`, absent, false},
		{"StringNotEquals", `"a"`, []string{"b"}, true},
		{"StringNotEquals", `["a", "b"]`, []string{"b"}, false},
		{"StringNotEquals", `"a"`, absent, true},
		{"StringEqualsIgnoreCase", `"Acme"`, []string{"ACME"}, true},
		{"StringEqualsIgnoreCase", `"Acme"`, []string{"Acme2"}, false},
		{"StringNotEqualsIgnoreCase", `"Acme"`, []string{"aCmE"}, false},
		{"StringNotEqualsIgnoreCase", `"Acme"`, []string{"other"}, true},
		{"StringLike", `"repo:acme/*"`, []string{"repo:acme/iris:ref:refs/heads/main"}, true},
		{"StringLike", `"repo:acme/ir?s"`, []string{"repo:acme/iris"}, true},
		{"StringLike", `"repo:acme/ir?s"`, []string{"repo:acme/irs"}, false},
		{"StringLike", `"a*b*c"`, []string{"aXXbYYc"}, true},
		{"StringLike", `"a*b*c"`, []string{"aXXbYYcd"}, false},
		{"StringLike", `"repo:acme/*"`, []string{"REPO:acme/iris"}, false},
		{"StringLike", `"repo:acme/*"`, absent, false},
		{"StringNotLike", `"repo:acme/*"`, []string{"repo:other/x"}, true},
		{"StringNotLike", `"repo:acme/*"`, []string{"repo:acme/x"}, false},
		{"StringNotLike", `"repo:acme/*"`, absent, true},
		{"ArnEquals", `"arn:aws:iam::123456789012:role/ci"`,
			[]string{"arn:aws:iam::123456789012:role/ci"}, true},
		{"ArnEquals", `"arn:aws:iam::123456789012:role/ci"`,
			[]string{"arn:aws:iam::123456789012:role/cd"}, false},
		{"ArnLike", `"arn:aws:iam::*:role/ci-*"`,
			[]string{"arn:aws:iam::123456789012:role/ci-deploy"}, true},
		{"ArnLike", `"arn:aws:iam::*:role/ci"`,
			[]string{"arn:aws:iam::123456789012:extra:role/ci"}, false},
		{"ArnLike", `"arn:aws:iam::*:role/ci"`, []string{"role/ci"}, false},
		{"ArnNotEquals", `"arn:aws:iam::123456789012:role/ci"`,
			[]string{"arn:aws:iam::123456789012:role/cd"}, true},
		{"ArnNotLike", `"arn:aws:iam::*:role/ci-*"`,
			[]string{"arn:aws:iam::123456789012:role/ci-deploy"}, false},
		{"ArnNotLike", `"arn:aws:iam::*:role/ci-*"`, absent, true},
		{"NumericEquals", `10`, []string{"10.0"}, true},
		{"NumericEquals", `"10"`, []string{"11"}, false},
		{"NumericEquals", `10`, []string{"ten"}, false},
		{"NumericNotEquals", `10`, []string{"11"}, true},
		{"NumericNotEquals", `10`, []string{"10"}, false},
		{"NumericLessThan", `10`, []string{"9"}, true},
		{"NumericLessThan", `10`, []string{"10"}, false},
		{"NumericLessThanEquals", `10`, []string{"10"}, true},
		{"NumericLessThanEquals", `10`, []string{"10.5"}, false},
		{"NumericGreaterThan", `10`, []string{"11"}, true},
		{"NumericGreaterThan", `10`, []string{"10"}, false},
		{"NumericGreaterThanEquals", `10`, []string{"10"}, true},
		{"NumericGreaterThanEquals", `10`, []string{"-1"}, false},
		{"DateEquals", `"2030-01-01T00:00:00Z"`, []string{"1893456000"}, true},
		{"DateNotEquals", `"2030-01-01T00:00:00Z"`, []string{"2030-01-01T00:00:01Z"}, true},
		{"DateLessThan", `"2030-01-01T00:00:00Z"`, []string{"2029-12-31T23:59:59Z"}, true},
		{"DateLessThan", `"2030-01-01"`, []string{"2030-01-01T00:00:00Z"}, false},
		{"DateLessThanEquals", `"2030-01-01T00:00:00Z"`, []string{"2030-01-01T00:00:00Z"}, true},
		{"DateGreaterThan", `"2030-01-01T00:00:00Z"`, []string{"2030-01-01T01:00:00+00:00"}, true},
		{"DateGreaterThanEquals", `"2030-01-01T00:00:00Z"`, []string{"2029-01-01T00:00:00Z"},
			false},
		{"Bool", `true`, []string{"true"}, true},
		{"Bool", `"true"`, []string{"false"}, false},
		{"Bool", `"false"`, absent, false},
		{"BinaryEquals", `"QmluYXJ5"`, []string{"QmluYXJ5"}, true},
		{"BinaryEquals", `"QmluYXJ5"`, []string{"QmluYXJ6"}, false},
		{"IpAddress", `"203.0.113.0/24"`, []string{"203.0.113.7"}, true},
		{"IpAddress", `["198.51.100.1", "203.0.113.0/24"]`, []string{"198.51.100.1"}, true},
		{"IpAddress", `"203.0.113.0/24"`, []string{"198.51.100.1"}, false},
		{"NotIpAddress", `"203.0.113.0/24"`, []string{"198.51.100.1"}, true},
		{"NotIpAddress", `"203.0.113.0/24"`, []string{"203.0.113.9"}, false},
		{"Null", `"true"`, absent, true},
		{"Null", `true`, []string{"x"}, false},
		{"Null", `"false"`, []string{"x"}, true},
		{"Null", `"false"`, absent, false},
		{"StringEqualsIfExists", `"a"`, absent, true},
		{"StringEqualsIfExists", `"a"`, []string{"b"}, false},
		{"StringEqualsIfExists", `"a"`, []string{"a"}, true},
		{"NumericLessThanIfExists", `10`, absent, true},
		{"BoolIfExists", `"true"`, []string{"false"}, false},
		{"ForAnyValue:StringEquals", `["a", "b"]`, []string{"c", "a"}, true},
		{"ForAnyValue:StringEquals", `["a", "b"]`, []string{"c"}, false},
		{"ForAnyValue:StringEquals", `"a"`, absent, false},
		{"ForAnyValue:StringEqualsIfExists", `"a"`, absent, true},
		{"ForAnyValue:StringNotEquals", `"a"`, []string{"a", "b"}, true},
		{"ForAnyValue:StringNotEquals", `"a"`, []string{"a"}, false},
		{"ForAllValues:StringEquals", `["a", "b"]`, []string{"b", "a"}, true},
		{"ForAllValues:StringEquals", `["a", "b"]`, []string{"a", "c"}, false},
		{"ForAllValues:StringEquals", `["a", "b"]`, absent, true},
		{"ForAllValues:StringNotLike", `"key1*"`, []string{"key2:audit"}, true},
		{"ForAllValues:StringNotLike", `"key1*"`, []string{"key2:audit", "key1:hr"}, false},
		{"ForAllValues:StringLike", `"Created*"`, []string{"CreatedBy", "CreatedAt"}, true},
		{"StringEquals", `"b"`, []string{"a", "b"}, true},
		{"StringNotEquals", `"b"`, []string{"a", "b"}, false},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s %s %q", tt.operator, tt.values, tt.got)
		t.Run(name, func(t *testing.T) {
			doc := conditionDoc(t, tt.operator, tt.values)
			req := policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
			if tt.got != nil {
				req.Context = map[string][]string{"k": tt.got}
			}

			got := doc.Evaluate(req).Decision == policy.Allow
			if got != tt.want {
				t.Errorf("condition holds = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestConditionLogic(t *testing.T) {
	doc := mustParse(t, `{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
		"Action": "*", "Resource": "*", "Condition": {
			"StringEquals": {"AWS:UserName": ["alice", "bob"], "aws:RequestTag/team": "ml"},
			"Bool": {"aws:MultiFactorAuthPresent": "true"}}}}`)
	full := map[string][]string{
		"aws:username":               {"bob"},
		"AWS:REQUESTTAG/TEAM":        {"ml"},
		"aws:multifactorauthpresent": {"true"},
	}
	tests := []struct {
		name string
		drop string
		set  map[string][]string
		want policy.Decision
	}{
		{name: "all hold, keys in any case", want: policy.Allow},
		{name: "second value of a key", set: map[string][]string{"aws:username": {"alice"}},
			want: policy.Allow},
		{name: "one key of an operator fails", set: map[string][]string{
			"AWS:REQUESTTAG/TEAM": {"web"}}, want: policy.NotApplicable},
		{name: "second operator fails", set: map[string][]string{
			"aws:multifactorauthpresent": {"false"}}, want: policy.NotApplicable},
		{name: "key missing", drop: "aws:username", want: policy.NotApplicable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := map[string][]string{}
			for k, v := range full {
				if k != tt.drop {
					ctx[k] = v
				}
			}

			for k, v := range tt.set {
				ctx[k] = v
			}

			req := policy.Request{Action: "iam:TagUser", Resource: "*", Context: ctx}
			if got := doc.Evaluate(req).Decision; got != tt.want {
				t.Errorf("decision = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPolicyVariables(t *testing.T) {
	const user = "arn:aws:iam::123456789012:user/"
	tests := []struct {
		name     string
		version  string
		resource string
		cond     string
		request  string
		context  map[string][]string
		want     policy.Decision
	}{
		{
			name:     "username",
			resource: user + "${aws:username}",
			request:  user + "alice",
			context:  map[string][]string{"aws:username": {"alice"}},
			want:     policy.Allow,
		},
		{
			name:     "username of someone else",
			resource: user + "${aws:username}",
			request:  user + "bob",
			context:  map[string][]string{"aws:username": {"alice"}},
			want:     policy.NotApplicable,
		},
		{
			name:     "variable key case",
			resource: user + "${AWS:UserName}",
			request:  user + "alice",
			context:  map[string][]string{"aws:username": {"alice"}},
			want:     policy.Allow,
		},
		{
			name:     "no value",
			resource: user + "${aws:username}",
			request:  user + "alice",
			want:     policy.NotApplicable,
		},
		{
			name:     "no value, even before a wildcard",
			resource: user + "${aws:username}*",
			request:  user + "alice",
			want:     policy.NotApplicable,
		},
		{
			name:     "several values",
			resource: user + "${aws:username}",
			request:  user + "alice",
			context:  map[string][]string{"aws:username": {"alice", "bob"}},
			want:     policy.NotApplicable,
		},
		{
			name:     "default",
			resource: user + "${aws:username, 'ci'}",
			request:  user + "ci",
			want:     policy.Allow,
		},
		{
			name:     "value is matched literally",
			resource: user + "${aws:username}",
			request:  user + "alice",
			context:  map[string][]string{"aws:username": {"*"}},
			want:     policy.NotApplicable,
		},
		{
			name:     "escaped star",
			resource: user + "a${*}",
			request:  user + "a*",
			want:     policy.Allow,
		},
		{
			name:     "escaped star is no wildcard",
			resource: user + "a${*}",
			request:  user + "ab",
			want:     policy.NotApplicable,
		},
		{
			name:     "old version has no variables",
			version:  "2008-10-17",
			resource: user + "${aws:username}",
			request:  user + "alice",
			context:  map[string][]string{"aws:username": {"alice"}},
			want:     policy.NotApplicable,
		},
		{
			name:     "condition value",
			resource: "*",
			cond:     `"StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"}`,
			request:  user + "x",
			context: map[string][]string{
				"aws:RequestTag/team": {"ml"}, "aws:PrincipalTag/team": {"ml"},
			},
			want: policy.Allow,
		},
		{
			name:     "condition value differs",
			resource: "*",
			cond:     `"StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"}`,
			request:  user + "x",
			context: map[string][]string{
				"aws:RequestTag/team": {"web"}, "aws:PrincipalTag/team": {"ml"},
			},
			want: policy.NotApplicable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			version := tt.version
			if version == "" {
				version = "2012-10-17"
			}

			doc := mustParse(t, fmt.Sprintf(`{"Version": %q, "Statement": {"Effect": "Allow",
				"Action": "iam:*", "Resource": %q, "Condition": {%s}}}`,
				version, tt.resource, tt.cond))
			req := policy.Request{Action: "iam:GetUser", Resource: tt.request, Context: tt.context}

			if got := doc.Evaluate(req).Decision; got != tt.want {
				t.Errorf("decision = %v, want %v", got, tt.want)
			}
		})
	}
}

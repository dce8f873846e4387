package actions

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func awsAuth(data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{Data: data}
}

func TestParseAWSAuth(t *testing.T) {
	tests := []struct {
		name    string
		data    map[string]string
		want    []Mapping
		wantErr string
	}{
		{
			name: "all three keys",
			data: map[string]string{
				"mapRoles": "- rolearn: arn:aws:iam::111122223333:role/node\n" +
					"  username: system:node:{{EC2PrivateDNSName}}\n" +
					"  groups: [system:bootstrappers, system:nodes]\n",
				"mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n" +
					"  username: alice\n  groups: [system:masters]\n",
				"mapAccounts": "- \"444455556666\"\n",
			},
			want: []Mapping{
				{Source: SourceMapRoles, ARN: "arn:aws:iam::111122223333:role/node",
					Username: "system:node:{{EC2PrivateDNSName}}",
					Groups:   []string{"system:bootstrappers", "system:nodes"}},
				{Source: SourceMapUsers, ARN: "arn:aws:iam::111122223333:user/alice",
					Username: "alice", Groups: []string{"system:masters"}},
				{Source: SourceMapAccounts, ARN: "444455556666"},
			},
		},
		{name: "empty", data: nil, want: []Mapping{}},
		{
			name:    "not a list",
			data:    map[string]string{"mapRoles": "rolearn: x\n"},
			wantErr: "aws-auth mapRoles is not valid YAML",
		},
		{
			name:    "misspelt key",
			data:    map[string]string{"mapUsers": "- usrarn: x\n"},
			wantErr: "unknown field",
		},
		{
			name:    "bad indentation",
			data:    map[string]string{"mapRoles": "- rolearn: x\n groups: [a]\n"},
			wantErr: "mapRoles",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ac, err := ParseAWSAuth(awsAuth(tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to say %q", err, tt.wantErr)
				}
				if !errors.Is(err, ErrInvalidInput) {
					t.Errorf("error is not ErrInvalidInput")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := ac.Mappings(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Mappings() = %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestFlagProblems(t *testing.T) {
	const acct = "arn:aws:iam::111122223333:"
	tests := []struct {
		name string
		mode string
		m    []Mapping
		want []string // a word every problem list of m[0] must contain, "" for none
	}{
		{name: "clean role", mode: ModeConfigMap,
			m: []Mapping{{Source: SourceMapRoles, ARN: acct + "role/deploy", Username: "d"}}},
		{name: "role with path", mode: ModeConfigMap,
			m:    []Mapping{{Source: SourceMapRoles, ARN: acct + "role/ci/deploy", Username: "d"}},
			want: []string{"has a path"}},
		{name: "session ARN", mode: ModeConfigMap,
			m: []Mapping{{Source: SourceMapRoles, ARN: "arn:aws:sts::111122223333:assumed-role/d/s",
				Username: "d"}},
			want: []string{"session ARN"}},
		{name: "role in mapUsers", mode: ModeConfigMap,
			m:    []Mapping{{Source: SourceMapUsers, ARN: acct + "role/deploy", Username: "d"}},
			want: []string{"roles belong in mapRoles"}},
		{name: "masters", mode: ModeConfigMap,
			m: []Mapping{{Source: SourceMapUsers, ARN: acct + "user/a", Username: "a",
				Groups: []string{"system:masters"}}},
			want: []string{"full control"}},
		{name: "duplicate", mode: ModeConfigMap,
			m: []Mapping{{Source: SourceMapRoles, ARN: acct + "role/d", Username: "a"},
				{Source: SourceMapRoles, ARN: acct + "role/d", Username: "b"}},
			want: []string{"more than once"}},
		{name: "ignored in API mode", mode: ModeAPI,
			m:    []Mapping{{Source: SourceMapRoles, ARN: acct + "role/d", Username: "a"}},
			want: []string{"ignores aws-auth"}},
		{name: "shadowed by access entry", mode: ModeAPIAndConfigMap,
			m: []Mapping{{Source: SourceMapRoles, ARN: acct + "role/d", Username: "a"},
				{Source: SourceAccessEntry, ARN: acct + "role/d"}},
			want: []string{"takes precedence"}},
		{name: "bad account", mode: ModeConfigMap,
			m:    []Mapping{{Source: SourceMapAccounts, ARN: "12345"}},
			want: []string{"12-digit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flagProblems(tt.m, tt.mode)
			got := strings.Join(tt.m[0].Problems, "; ")
			if len(tt.want) == 0 && got != "" {
				t.Fatalf("problems = %q, want none", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems = %q, want one saying %q", got, w)
				}
			}
		})
	}
}

package actions

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// BenchmarkParseAndFlag4000 measures onramp's own share of reading a big aws-auth: parsing
// 4,000 mappings and flagging their problems, with no call made. Compare it with
// BenchmarkAccessList5000 in the main package, which adds the calls.
func BenchmarkParseAndFlag4000(b *testing.B) {
	var roles, users strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&roles, "- rolearn: arn:aws:iam::111122223333:role/team-%d\n"+
			"  username: team-%d\n  groups: [developers]\n", i, i)
		fmt.Fprintf(&users, "- userarn: arn:aws:iam::111122223333:user/dev-%d\n"+
			"  username: dev-%d\n  groups: [viewers]\n", i, i)
	}
	cm := &corev1.ConfigMap{Data: map[string]string{
		"mapRoles": roles.String(), "mapUsers": users.String(),
	}}

	for b.Loop() {
		ac, err := ParseAWSAuth(cm)
		if err != nil {
			b.Fatal(err)
		}
		ms := ac.Mappings()
		flagProblems(ms, ModeAPIAndConfigMap)
		if len(ms) != 4000 {
			b.Fatalf("%d mappings, want 4000", len(ms))
		}
	}
}

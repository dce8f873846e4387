package actions

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// describePolicy names an access policy by its short name and scope, as in
// "AmazonEKSViewPolicy (namespaces: flows, dev)".
func describePolicy(policyARN string, scope *ekstypes.AccessScope) string {
	name := lastPart(policyARN)
	if scope == nil || scope.Type != ekstypes.AccessScopeTypeNamespace {
		return name + " (cluster)"
	}

	return fmt.Sprintf("%s (namespaces: %s)", name, strings.Join(scope.Namespaces, ", "))
}

// flagProblems notes what is wrong with each mapping, the mistakes that lock people out or let
// them in unnoticed.
func flagProblems(ms []Mapping, mode string) {
	seen := map[string]int{}
	hasEntry := map[string]bool{}
	for _, m := range ms {
		if m.Source == SourceAccessEntry {
			hasEntry[CanonicalPrincipal(m.ARN)] = true
		} else {
			seen[m.Source+" "+m.ARN]++
		}
	}

	for i := range ms {
		m := &ms[i]
		m.Problems = mappingProblems(*m, mode)
		if m.Source != SourceAccessEntry && seen[m.Source+" "+m.ARN] > 1 {
			m.Problems = append(m.Problems, "mapped more than once in "+m.Source+
				": only one of the entries takes effect; remove the others")
		}
		if m.Source != SourceAccessEntry && hasEntry[CanonicalPrincipal(m.ARN)] &&
			mode == ModeAPIAndConfigMap {
			m.Problems = append(m.Problems, "also has an access entry, which takes "+
				"precedence: this aws-auth entry is not used")
		}
	}
}

func mappingProblems(m Mapping, mode string) []string {
	var ps []string
	if m.Source != SourceAccessEntry && mode == ModeAPI {
		ps = append(ps, "not used: the cluster's authentication mode is API, which ignores "+
			"aws-auth")
	}
	switch m.Source {
	case SourceMapRoles:
		ps = append(ps, roleProblems(m)...)
	case SourceMapUsers:
		ps = append(ps, userProblems(m)...)
	case SourceMapAccounts:
		ps = append(ps, accountProblems(m)...)
	}
	if slices.Contains(m.Groups, "system:masters") {
		ps = append(ps, "grants full control of the cluster (group system:masters)")
	}

	return ps
}

func roleProblems(m Mapping) []string {
	a, err := arn.Parse(m.ARN)
	if err != nil {
		return []string{"rolearn is not an ARN: this entry matches nobody"}
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	switch {
	case a.Service == "sts" && kind == "assumed-role":
		return []string{"rolearn is a session ARN: map the role, " + CanonicalPrincipal(m.ARN)}
	case a.Service != "iam" || kind != "role":
		return []string{"rolearn does not name an IAM role: this entry matches nobody"}
	case strings.Contains(rest, "/"):
		return []string{"rolearn has a path: aws-auth matches roles without their path, so " +
			"this entry matches nobody; use " + CanonicalPrincipal(m.ARN)}
	}

	return nil
}

func userProblems(m Mapping) []string {
	a, err := arn.Parse(m.ARN)
	if err != nil {
		return []string{"userarn is not an ARN: this entry matches nobody"}
	}
	if kind, _, _ := strings.Cut(a.Resource, "/"); a.Service != "iam" || kind != "user" {
		return []string{"userarn does not name an IAM user: roles belong in mapRoles"}
	}

	return nil
}

func accountProblems(m Mapping) []string {
	if len(m.ARN) != 12 || strings.Trim(m.ARN, "0123456789") != "" {
		return []string{"not a 12-digit account ID: this entry matches nobody"}
	}

	return []string{"lets every identity of account " + m.ARN + " authenticate"}
}

// classifyKube adds advice to the Kubernetes errors an operator can act on.
func classifyKube(err error) error {
	switch {
	case apierrors.IsUnauthorized(err):
		return &Hint{Err: err, What: "the cluster does not recognise your identity (401)",
			Do: "your ARN needs an access entry or an aws-auth mapping; ask a cluster admin"}
	case apierrors.IsForbidden(err):
		return &Hint{Err: err, What: err.Error(),
			Do: "your identity is mapped but lacks RBAC permission for this; ask a cluster admin"}
	}

	return err
}

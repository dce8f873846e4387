package kubesim

import (
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Labels and annotations of the real server's bootstrap policy.
const (
	bootstrapLabel   = "kubernetes.io/bootstrapping"
	autoupdateNote   = "rbac.authorization.kubernetes.io/autoupdate"
	aggregateToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin"
	aggregateToEdit  = "rbac.authorization.k8s.io/aggregate-to-edit"
	aggregateToView  = "rbac.authorization.k8s.io/aggregate-to-view"
)

var (
	readOnly  = []string{"get", "list", "watch"}
	readWrite = []string{"create", "delete", "deletecollection", "patch", "update"}
	allVerbs  = []string{"create", "delete", "deletecollection", "get", "list", "patch",
		"update", "watch"}
)

// defaultClusterRoles are the real server's bootstrap ClusterRoles that matter to onramp,
// their rules cut down to the resources the sandbox serves. admin, edit and view get their
// rules by aggregation, as in a real cluster.
func defaultClusterRoles() []*rbacv1.ClusterRole {
	return append([]*rbacv1.ClusterRole{
		policyRole("cluster-admin", nil,
			rbacv1.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{"*"},
				Resources: []string{"*"}},
			rbacv1.PolicyRule{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}),
		aggregated("admin", "", aggregateToAdmin),
		aggregated("edit", aggregateToAdmin, aggregateToEdit),
		aggregated("view", aggregateToEdit, aggregateToView),
		policyRole("system:basic-user", nil,
			rule([]string{"create"}, "authorization.k8s.io", "selfsubjectaccessreviews"),
			rule([]string{"create"}, "authentication.k8s.io", "selfsubjectreviews")),
		policyRole("system:discovery", nil, urlRule("/api", "/api/*", "/apis", "/apis/*",
			"/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/")),
		policyRole("system:public-info-viewer", nil,
			urlRule("/healthz", "/livez", "/readyz", "/version", "/version/")),
	}, aggregatedParts()...)
}

// aggregatedParts are the roles whose rules admin, edit and view take.
func aggregatedParts() []*rbacv1.ClusterRole {
	return []*rbacv1.ClusterRole{
		policyRole("system:aggregate-to-admin", map[string]string{aggregateToAdmin: "true"},
			rule(allVerbs, rbacv1.GroupName, "rolebindings", "roles")),
		policyRole("system:aggregate-to-edit", map[string]string{aggregateToEdit: "true"},
			rule(readOnly, "", "secrets"),
			rule([]string{"impersonate"}, "", "serviceaccounts"),
			rule(readWrite, "", "pods"),
			rule(readWrite, "", "configmaps", "secrets", "serviceaccounts"),
			rule(readWrite, "apps", "deployments")),
		policyRole("system:aggregate-to-view", map[string]string{aggregateToView: "true"},
			rule(readOnly, "", "configmaps", "pods", "serviceaccounts"),
			rule(readOnly, "", "namespaces"),
			rule(readOnly, "", "events"),
			rule(readOnly, "apps", "deployments")),
	}
}

// defaultClusterRoleBindings bind the default roles as a real cluster does.
func defaultClusterRoleBindings() []*rbacv1.ClusterRoleBinding {
	return []*rbacv1.ClusterRoleBinding{
		policyBinding("cluster-admin", groupMasters),
		policyBinding("system:basic-user", groupAuthenticated),
		policyBinding("system:discovery", groupAuthenticated),
		policyBinding("system:public-info-viewer", groupAuthenticated, groupUnauthentic),
	}
}

func policyMeta(name string, labels map[string]string) metav1.ObjectMeta {
	all := map[string]string{bootstrapLabel: "rbac-defaults"}
	for k, v := range labels {
		all[k] = v
	}

	return metav1.ObjectMeta{Name: name, Labels: all,
		Annotations: map[string]string{autoupdateNote: "true"}}
}

func policyRole(name string, labels map[string]string, rules ...rbacv1.PolicyRule,
) *rbacv1.ClusterRole {
	return &rbacv1.ClusterRole{ObjectMeta: policyMeta(name, labels), Rules: rules}
}

// aggregated is a ClusterRole made of the rules of the roles labelled from, and itself
// labelled into, when set, so that a wider role takes its rules in turn.
func aggregated(name, into, from string) *rbacv1.ClusterRole {
	labels := map[string]string{}
	if into != "" {
		labels[into] = "true"
	}
	role := policyRole(name, labels)
	role.AggregationRule = &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{
		{MatchLabels: map[string]string{from: "true"}},
	}}

	return role
}

func policyBinding(role string, groups ...string) *rbacv1.ClusterRoleBinding {
	b := &rbacv1.ClusterRoleBinding{
		ObjectMeta: policyMeta(role, nil),
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole",
			Name: role},
	}
	for _, g := range groups {
		b.Subjects = append(b.Subjects, rbacv1.Subject{Kind: rbacv1.GroupKind,
			APIGroup: rbacv1.GroupName, Name: g})
	}

	return b
}

func rule(verbs []string, group string, resources ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: []string{group}, Resources: resources}
}

func urlRule(urls ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: urls}
}

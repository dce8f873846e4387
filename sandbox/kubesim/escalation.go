package kubesim

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
)

// checkEscalation applies the real server's RBAC escalation prevention to a write of a role
// or binding: a user may only grant permissions they hold, unless they may "escalate" roles or
// "bind" the role in question. user is nil for the sandbox's own writes. The store must be
// locked.
func (s *Server) checkEscalation(rt *resourceType, obj runtime.Object, user *User) error {
	if user == nil || slices.Contains(user.Groups, groupMasters) {
		return nil
	}
	switch o := obj.(type) {
	case *rbacv1.Role:
		return s.checkRole(rt, o.Name, o.Namespace, o.Rules, *user)
	case *rbacv1.ClusterRole:
		return s.checkClusterRole(rt, o, *user)
	case *rbacv1.RoleBinding:
		return s.checkBinding(rt, o.Name, o.Namespace, o.RoleRef, *user)
	case *rbacv1.ClusterRoleBinding:
		return s.checkBinding(rt, o.Name, "", o.RoleRef, *user)
	default:
		return nil
	}
}

func (s *Server) checkClusterRole(rt *resourceType, cr *rbacv1.ClusterRole, user User) error {
	if cr.AggregationRule == nil || s.mayEscalate(rt, cr.Name, "", user) {
		return s.checkRole(rt, cr.Name, "", cr.Rules, user)
	}

	return apierrors.NewForbidden(rt.groupResource(), cr.Name,
		errors.New("must have cluster-admin privileges to use the aggregationRule"))
}

func (s *Server) checkRole(rt *resourceType, name, namespace string,
	rules []rbacv1.PolicyRule, user User,
) error {
	if s.mayEscalate(rt, name, namespace, user) {
		return nil
	}
	if err := s.confirmHeld(user, namespace, rules); err != nil {
		return apierrors.NewForbidden(rt.groupResource(), name, err)
	}

	return nil
}

func (s *Server) mayEscalate(rt *resourceType, name, namespace string, user User) bool {
	allowed, _ := s.decide(attributes{
		user: user, verb: "escalate", resourceRequest: true, group: rbacv1.GroupName,
		resource: rt.plural, name: name, namespace: namespace,
	})

	return allowed
}

func (s *Server) checkBinding(rt *resourceType, name, namespace string, ref rbacv1.RoleRef,
	user User,
) error {
	if s.mayBind(ref, namespace, user) {
		return nil
	}
	rules, err := s.roleRules(ref, namespace)
	if err == nil {
		err = s.confirmHeld(user, namespace, rules)
	}
	if err != nil {
		return apierrors.NewForbidden(rt.groupResource(), name, err)
	}

	return nil
}

func (s *Server) mayBind(ref rbacv1.RoleRef, namespace string, user User) bool {
	resource := "roles"
	if ref.Kind == "ClusterRole" {
		resource = "clusterroles"
	}
	allowed, _ := s.decide(attributes{
		user: user, verb: "bind", resourceRequest: true, group: ref.APIGroup,
		resource: resource, name: ref.Name, namespace: namespace,
	})

	return allowed
}

// confirmHeld returns an error listing the permissions in rules that user does not hold in
// namespace, in the real server's words.
func (s *Server) confirmHeld(user User, namespace string, rules []rbacv1.PolicyRule) error {
	owned, errs := s.rulesFor(user, namespace)
	var missing []rbacv1.PolicyRule
	for _, rule := range rules {
		for _, part := range breakDown(rule) {
			if !covered(owned, part) {
				missing = append(missing, part)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	msg := fmt.Sprintf("user %q (groups=%q) is attempting to grant RBAC permissions not "+
		"currently held:\n%s", user.Name, user.Groups, describeRules(missing))
	if len(errs) > 0 {
		msg += fmt.Sprintf("; resolution errors: %v", errs)
	}

	return errors.New(msg)
}

// breakDown splits a rule into rules of one group, resource, verb and name each.
func breakDown(rule rbacv1.PolicyRule) []rbacv1.PolicyRule {
	var parts []rbacv1.PolicyRule
	for _, verb := range rule.Verbs {
		for _, url := range rule.NonResourceURLs {
			parts = append(parts, rbacv1.PolicyRule{Verbs: []string{verb},
				NonResourceURLs: []string{url}})
		}
		for _, group := range rule.APIGroups {
			for _, resource := range rule.Resources {
				parts = append(parts, namedParts(group, resource, verb, rule.ResourceNames)...)
			}
		}
	}

	return parts
}

func namedParts(group, resource, verb string, names []string) []rbacv1.PolicyRule {
	part := rbacv1.PolicyRule{APIGroups: []string{group}, Resources: []string{resource},
		Verbs: []string{verb}}
	if len(names) == 0 {
		return []rbacv1.PolicyRule{part}
	}
	parts := make([]rbacv1.PolicyRule, 0, len(names))
	for _, name := range names {
		named := part
		named.ResourceNames = []string{name}
		parts = append(parts, named)
	}

	return parts
}

// covered reports whether an owned rule allows everything a broken-down rule grants.
func covered(owned []rbacv1.PolicyRule, part rbacv1.PolicyRule) bool {
	a := attributes{verb: part.Verbs[0]}
	if len(part.NonResourceURLs) > 0 {
		a.path = part.NonResourceURLs[0]
	} else {
		a.resourceRequest = true
		a.group = part.APIGroups[0]
		a.resource, a.subresource, _ = strings.Cut(part.Resources[0], "/")
	}
	if len(part.ResourceNames) > 0 {
		a.name = part.ResourceNames[0]
	}
	for _, rule := range owned {
		if ruleAllows(rule, a) {
			return true
		}
	}

	return false
}

// describeRules lists missing permissions one a line, sorted, merging the verbs of parts that
// differ only in their verb, as the real server's message does.
func describeRules(parts []rbacv1.PolicyRule) string {
	var merged []rbacv1.PolicyRule
	for _, p := range parts {
		i := slices.IndexFunc(merged, func(m rbacv1.PolicyRule) bool { return sameTarget(m, p) })
		if i < 0 {
			merged = append(merged, p)
		} else if !slices.Contains(merged[i].Verbs, p.Verbs[0]) {
			merged[i].Verbs = append(merged[i].Verbs, p.Verbs[0])
		}
	}
	lines := make([]string, 0, len(merged))
	for _, m := range merged {
		lines = append(lines, compactRule(m))
	}
	slices.Sort(lines)

	return strings.Join(slices.Compact(lines), "\n")
}

func sameTarget(a, b rbacv1.PolicyRule) bool {
	return slices.Equal(a.APIGroups, b.APIGroups) && slices.Equal(a.Resources, b.Resources) &&
		slices.Equal(a.ResourceNames, b.ResourceNames) &&
		slices.Equal(a.NonResourceURLs, b.NonResourceURLs)
}

func compactRule(r rbacv1.PolicyRule) string {
	var fields []string
	add := func(name string, values []string) {
		if len(values) > 0 {
			fields = append(fields, fmt.Sprintf("%s:%q", name, values))
		}
	}
	add("APIGroups", r.APIGroups)
	add("Resources", r.Resources)
	add("NonResourceURLs", r.NonResourceURLs)
	add("ResourceNames", r.ResourceNames)
	add("Verbs", r.Verbs)

	return "{" + strings.Join(fields, ", ") + "}"
}

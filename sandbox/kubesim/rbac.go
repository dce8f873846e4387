package kubesim

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
)

// authorize decides a request the way a real server running the RBAC authorizer does: members
// of system:masters may do anything, everyone else what their bindings allow.
func (s *Server) authorize(a attributes) error {
	if slices.Contains(a.user.Groups, groupMasters) {
		return nil
	}
	s.mu.Lock()
	allowed, reason := s.decide(a)
	s.mu.Unlock()
	if allowed {
		return nil
	}

	return forbidden(a, reason)
}

// decide returns whether the stored RBAC policy allows a, with the RBAC authorizer's reason:
// the binding that allowed it, or the errors met on the way to a denial. The store must be
// locked.
func (s *Server) decide(a attributes) (bool, string) {
	var source string
	errs := s.visitRules(a.user, a.namespace, func(from string, rule rbacv1.PolicyRule) bool {
		if ruleAllows(rule, a) {
			source = from

			return false
		}

		return true
	})
	if source != "" {
		return true, "RBAC: allowed by " + source
	}
	if len(errs) > 0 {
		// The real server's authorizer chain names the authorizer before its reason.
		return false, fmt.Sprintf("rbac: RBAC: %v", utilerrors.NewAggregate(errs))
	}

	return false, ""
}

// rulesFor returns every rule that applies to user in namespace, and the errors met resolving
// them. The store must be locked.
func (s *Server) rulesFor(user User, namespace string) ([]rbacv1.PolicyRule, []error) {
	var rules []rbacv1.PolicyRule
	errs := s.visitRules(user, namespace, func(_ string, rule rbacv1.PolicyRule) bool {
		rules = append(rules, rule)

		return true
	})

	return rules, errs
}

// ruleVisitor sees one rule and where it comes from, and returns whether to go on.
type ruleVisitor func(source string, rule rbacv1.PolicyRule) bool

// binding is a RoleBinding or ClusterRoleBinding, as the authorizer reads it.
type binding struct {
	subjects  []rbacv1.Subject
	ref       rbacv1.RoleRef
	namespace string
	describe  func(rbacv1.Subject) string
}

// visitRules calls visit with each rule bound to user, first by ClusterRoleBindings, then by
// the RoleBindings of namespace, until visit returns false. It returns the errors met, such as
// a binding to a missing role.
func (s *Server) visitRules(user User, namespace string, visit ruleVisitor) []error {
	if !s.visitGrants(user, namespace, visit) {
		return nil
	}

	var errs []error
	for _, b := range s.bindings(namespace) {
		more, err := s.visitBinding(user, b, visit)
		if err != nil {
			errs = append(errs, err)
		}
		if !more {
			break
		}
	}

	return errs
}

// visitGrants visits the rules of the grants Options.Grants gives user in namespace, and
// returns whether to go on. A grant naming a missing ClusterRole grants nothing.
func (s *Server) visitGrants(user User, namespace string, visit ruleVisitor) bool {
	if s.grants == nil {
		return true
	}
	for _, g := range s.grants(user) {
		if len(g.Namespaces) > 0 && !slices.Contains(g.Namespaces, namespace) {
			continue
		}
		rules, err := s.roleRules(rbacv1.RoleRef{Kind: "ClusterRole", Name: g.ClusterRole}, "")
		if err != nil {
			continue
		}
		for _, rule := range rules {
			if !visit(g.Name, rule) {
				return false
			}
		}
	}

	return true
}

func (s *Server) bindings(namespace string) []binding {
	var out []binding
	for _, obj := range s.store.list(mustResource("clusterrolebindings"), "") {
		b := obj.(*rbacv1.ClusterRoleBinding)
		out = append(out, binding{b.Subjects, b.RoleRef, "", describeClusterBinding(b)})
	}
	if namespace == "" {
		return out
	}
	for _, obj := range s.store.list(mustResource("rolebindings"), namespace) {
		b := obj.(*rbacv1.RoleBinding)
		out = append(out, binding{b.Subjects, b.RoleRef, namespace, describeBinding(b)})
	}

	return out
}

// visitBinding visits the rules of one binding when it names user, and returns whether to
// go on and the error met resolving its role.
func (s *Server) visitBinding(user User, b binding, visit ruleVisitor) (bool, error) {
	i, ok := appliesTo(user, b.subjects, b.namespace)
	if !ok {
		return true, nil
	}
	rules, err := s.roleRules(b.ref, b.namespace)
	if err != nil {
		return true, err
	}
	for _, rule := range rules {
		if !visit(b.describe(b.subjects[i]), rule) {
			return false, nil
		}
	}

	return true, nil
}

// roleRules returns the rules of the role a binding refers to. A missing role is reported the
// way the real server's informer cache reports it.
func (s *Server) roleRules(ref rbacv1.RoleRef, namespace string) ([]rbacv1.PolicyRule, error) {
	switch ref.Kind {
	case "Role":
		obj, ok := s.store.get(mustResource("roles"), namespace, ref.Name)
		if !ok {
			return nil, apierrors.NewNotFound(rbacv1.Resource("role"), ref.Name)
		}

		return obj.(*rbacv1.Role).Rules, nil
	case "ClusterRole":
		obj, ok := s.store.get(mustResource("clusterroles"), "", ref.Name)
		if !ok {
			return nil, apierrors.NewNotFound(rbacv1.Resource("clusterrole"), ref.Name)
		}

		return obj.(*rbacv1.ClusterRole).Rules, nil
	default:
		return nil, fmt.Errorf("unsupported role reference kind: %q", ref.Kind)
	}
}

// appliesTo returns the index of the first subject that names user, directly, through one of
// its groups, or as a service account.
func appliesTo(user User, subjects []rbacv1.Subject, namespace string) (int, bool) {
	for i, sub := range subjects {
		if subjectIs(user, sub, namespace) {
			return i, true
		}
	}

	return 0, false
}

func subjectIs(user User, sub rbacv1.Subject, namespace string) bool {
	switch sub.Kind {
	case rbacv1.UserKind:
		return user.Name == sub.Name
	case rbacv1.GroupKind:
		return slices.Contains(user.Groups, sub.Name)
	case rbacv1.ServiceAccountKind:
		ns := sub.Namespace
		if ns == "" {
			ns = namespace
		}

		return ns != "" && user.Name == "system:serviceaccount:"+ns+":"+sub.Name
	default:
		return false
	}
}

func describeClusterBinding(b *rbacv1.ClusterRoleBinding) func(rbacv1.Subject) string {
	return func(sub rbacv1.Subject) string {
		return fmt.Sprintf("ClusterRoleBinding %q of %s %q to %s", b.Name, b.RoleRef.Kind,
			b.RoleRef.Name, describeSubject(sub, ""))
	}
}

func describeBinding(b *rbacv1.RoleBinding) func(rbacv1.Subject) string {
	return func(sub rbacv1.Subject) string {
		return fmt.Sprintf("RoleBinding %q of %s %q to %s", b.Name+"/"+b.Namespace,
			b.RoleRef.Kind, b.RoleRef.Name, describeSubject(sub, b.Namespace))
	}
}

func describeSubject(sub rbacv1.Subject, namespace string) string {
	if sub.Kind != rbacv1.ServiceAccountKind {
		return fmt.Sprintf("%s %q", sub.Kind, sub.Name)
	}
	if sub.Namespace != "" {
		namespace = sub.Namespace
	}

	return fmt.Sprintf("%s %q", sub.Kind, sub.Name+"/"+namespace)
}

// ruleAllows reports whether one policy rule allows a request.
func ruleAllows(rule rbacv1.PolicyRule, a attributes) bool {
	if !matchesOrStar(rule.Verbs, a.verb) {
		return false
	}
	if !a.resourceRequest {
		return urlMatches(rule.NonResourceURLs, a.path)
	}

	return matchesOrStar(rule.APIGroups, a.group) && resourceMatches(rule.Resources, a) &&
		(len(rule.ResourceNames) == 0 || slices.Contains(rule.ResourceNames, a.name))
}

func matchesOrStar(list []string, s string) bool {
	return slices.Contains(list, rbacv1.VerbAll) || slices.Contains(list, s)
}

func resourceMatches(resources []string, a attributes) bool {
	full := a.resource
	if a.subresource != "" {
		full += "/" + a.subresource
	}
	for _, r := range resources {
		if r == rbacv1.ResourceAll || r == full {
			return true
		}
		if a.subresource != "" && r == "*/"+a.subresource {
			return true
		}
	}

	return false
}

func urlMatches(urls []string, path string) bool {
	for _, u := range urls {
		if u == rbacv1.NonResourceAll || u == path {
			return true
		}
		if prefix, ok := strings.CutSuffix(u, "*"); ok && strings.HasPrefix(path, prefix) {
			return true
		}
	}

	return false
}

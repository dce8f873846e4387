package kubesim

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
)

// defaultNamespaces exist in every new EKS cluster.
var defaultNamespaces = []string{"default", "kube-node-lease", "kube-public", "kube-system"}

// maxAggregationRounds bounds the passes over chained aggregated roles (view into edit into
// admin); each pass settles one more link.
const maxAggregationRounds = 8

// bootstrap fills a new cluster: its namespaces, each with its default ServiceAccount, and the
// default RBAC policy.
func (s *Server) bootstrap() {
	s.mu.Lock()
	defer s.mu.Unlock()

	for _, name := range defaultNamespaces {
		s.mustCreate(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	}
	for _, role := range defaultClusterRoles() {
		s.mustCreate(role)
	}
	for _, binding := range defaultClusterRoleBindings() {
		s.mustCreate(binding)
	}
}

func (s *Server) mustCreate(obj runtime.Object) {
	rt, err := findKind(obj)
	if err == nil {
		_, err = s.create(rt, obj, nil, false)
	}
	if err != nil {
		panic(fmt.Sprintf("kubesim: creating the default %T: %v", obj, err))
	}
}

// afterWrite plays the cluster's controllers after a write to obj: the service account
// controller keeps a "default" ServiceAccount in every namespace, and the ClusterRole
// aggregation controller keeps aggregated roles up to date. The store must be locked.
func (s *Server) afterWrite(rt *resourceType, obj runtime.Object) {
	switch rt.groupResource().String() {
	case "namespaces":
		s.ensureDefaultServiceAccount(mustMeta(obj).GetName())
	case "serviceaccounts":
		s.ensureDefaultServiceAccount(mustMeta(obj).GetNamespace())
	case "clusterroles.rbac.authorization.k8s.io":
		s.aggregateClusterRoles()
	}
}

func (s *Server) ensureDefaultServiceAccount(namespace string) {
	if _, ok := s.store.get(mustResource("namespaces"), "", namespace); !ok {
		return
	}
	saType := mustResource("serviceaccounts")
	if _, ok := s.store.get(saType, namespace, "default"); ok {
		return
	}
	s.mustCreate(&corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: namespace},
	})
}

func (s *Server) aggregateClusterRoles() {
	for range maxAggregationRounds {
		if !s.aggregateOnce() {
			return
		}
	}
}

// aggregateOnce gives every aggregated ClusterRole the rules of the roles its selectors
// match, and reports whether any changed.
func (s *Server) aggregateOnce() bool {
	crType := mustResource("clusterroles")
	roles := s.store.list(crType, "")
	changed := false
	for _, obj := range roles {
		cr := obj.(*rbacv1.ClusterRole)
		if cr.AggregationRule == nil {
			continue
		}
		rules := aggregateRules(cr, roles)
		if apiequality.Semantic.DeepEqual(rules, cr.Rules) {
			continue
		}
		cr.Rules = rules
		s.store.put(crType, cr)
		changed = true
	}

	return changed
}

func aggregateRules(cr *rbacv1.ClusterRole, roles []runtime.Object) []rbacv1.PolicyRule {
	var rules []rbacv1.PolicyRule
	for _, ls := range cr.AggregationRule.ClusterRoleSelectors {
		sel, err := metav1.LabelSelectorAsSelector(&ls)
		if err != nil {
			continue
		}
		for _, obj := range roles {
			other := obj.(*rbacv1.ClusterRole)
			if other.Name != cr.Name && sel.Matches(labels.Set(other.Labels)) {
				rules = appendNew(rules, other.Rules)
			}
		}
	}

	return rules
}

func appendNew(rules, more []rbacv1.PolicyRule) []rbacv1.PolicyRule {
	for _, r := range more {
		if !containsRule(rules, r) {
			rules = append(rules, r)
		}
	}

	return rules
}

func containsRule(rules []rbacv1.PolicyRule, r rbacv1.PolicyRule) bool {
	for _, have := range rules {
		if apiequality.Semantic.DeepEqual(have, r) {
			return true
		}
	}

	return false
}

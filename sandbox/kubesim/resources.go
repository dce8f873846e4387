package kubesim

import (
	"fmt"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Verb sets the served resources offer, in the order discovery lists them.
// TODO: watch and deletecollection are answered 405 MethodNotAllowed, so informers cannot run
// against the sandbox; onramp reads and writes single objects only.
var (
	crudVerbs   = []string{"create", "delete", "get", "list", "patch", "update"}
	readVerbs   = []string{"get", "list"}
	createVerbs = []string{"create"}
)

// resourceType describes one served resource.
type resourceType struct {
	gvk        schema.GroupVersionKind
	plural     string
	singular   string
	namespaced bool
	shortNames []string
	categories []string
	verbs      []string
	// review marks the review resources, which are answered and never stored.
	review bool
	// prepare sets the defaults and derived fields the real server sets on a create, or on an
	// update of old when old is not nil.
	prepare func(obj, old runtime.Object)
	// validate checks a new object, or an update of old when old is not nil.
	validate func(obj, old runtime.Object) field.ErrorList
	table    tableFormat
}

func (rt *resourceType) groupResource() schema.GroupResource {
	return schema.GroupResource{Group: rt.gvk.Group, Resource: rt.plural}
}

func (rt *resourceType) allows(verb string) bool {
	return slices.Contains(rt.verbs, verb)
}

func (rt *resourceType) newObject() runtime.Object {
	obj, err := kubeScheme.New(rt.gvk)
	if err != nil {
		panic(fmt.Sprintf("kubesim: %s is not in the scheme: %v", rt.gvk, err))
	}

	return obj
}

func (rt *resourceType) newList() runtime.Object {
	gvk := rt.gvk.GroupVersion().WithKind(rt.gvk.Kind + "List")
	obj, err := kubeScheme.New(gvk)
	if err != nil {
		panic(fmt.Sprintf("kubesim: %s is not in the scheme: %v", gvk, err))
	}

	return obj
}

// resourceTypes lists everything the simulated cluster serves.
var resourceTypes = []*resourceType{
	{
		gvk: corev1.SchemeGroupVersion.WithKind("Namespace"), plural: "namespaces",
		singular: "namespace", shortNames: []string{"ns"}, verbs: crudVerbs,
		prepare: prepareNamespace, validate: validateNamespace, table: namespaceTable,
	},
	{
		gvk: corev1.SchemeGroupVersion.WithKind("ConfigMap"), plural: "configmaps",
		singular: "configmap", namespaced: true, shortNames: []string{"cm"}, verbs: crudVerbs,
		prepare: noDefaults, validate: validateConfigMap, table: configMapTable,
	},
	{
		gvk: corev1.SchemeGroupVersion.WithKind("Secret"), plural: "secrets",
		singular: "secret", namespaced: true, verbs: crudVerbs,
		prepare: prepareSecret, validate: validateSecret, table: secretTable,
	},
	{
		gvk: corev1.SchemeGroupVersion.WithKind("ServiceAccount"), plural: "serviceaccounts",
		singular: "serviceaccount", namespaced: true, shortNames: []string{"sa"},
		verbs: crudVerbs, prepare: noDefaults, validate: validateServiceAccount,
		table: plainTable,
	},
	{
		gvk: corev1.SchemeGroupVersion.WithKind("Pod"), plural: "pods", singular: "pod",
		namespaced: true, shortNames: []string{"po"}, categories: []string{"all"},
		verbs: readVerbs, prepare: preparePod, validate: validatePod, table: podTable,
	},
	{
		gvk: corev1.SchemeGroupVersion.WithKind("Event"), plural: "events", singular: "event",
		namespaced: true, shortNames: []string{"ev"}, verbs: readVerbs, prepare: noDefaults,
		validate: validateEvent, table: plainTable,
	},
	{
		gvk: appsv1.SchemeGroupVersion.WithKind("Deployment"), plural: "deployments",
		singular: "deployment", namespaced: true, shortNames: []string{"deploy"},
		categories: []string{"all"}, verbs: crudVerbs, prepare: prepareDeployment,
		validate: validateDeployment, table: deploymentTable,
	},
	{
		gvk:    rbacv1.SchemeGroupVersion.WithKind("ClusterRoleBinding"),
		plural: "clusterrolebindings", singular: "clusterrolebinding", verbs: crudVerbs,
		prepare: prepareClusterRoleBinding, validate: validateClusterRoleBinding,
		table: bindingTable,
	},
	{
		gvk: rbacv1.SchemeGroupVersion.WithKind("ClusterRole"), plural: "clusterroles",
		singular: "clusterrole", verbs: crudVerbs, prepare: noDefaults,
		validate: validateClusterRole, table: roleTable,
	},
	{
		gvk: rbacv1.SchemeGroupVersion.WithKind("RoleBinding"), plural: "rolebindings",
		singular: "rolebinding", namespaced: true, verbs: crudVerbs, prepare: prepareRoleBinding,
		validate: validateRoleBinding, table: bindingTable,
	},
	{
		gvk: rbacv1.SchemeGroupVersion.WithKind("Role"), plural: "roles", singular: "role",
		namespaced: true, verbs: crudVerbs, prepare: noDefaults, validate: validateRole,
		table: roleTable,
	},
	// TODO: selfsubjectrulesreviews ("kubectl auth can-i --list") is not served; onramp asks
	// about single permissions.
	{
		gvk:    authorizationv1.SchemeGroupVersion.WithKind("SelfSubjectAccessReview"),
		plural: "selfsubjectaccessreviews", singular: "selfsubjectaccessreview",
		verbs: createVerbs, review: true,
	},
	{
		gvk:    authenticationv1.SchemeGroupVersion.WithKind("SelfSubjectReview"),
		plural: "selfsubjectreviews", singular: "selfsubjectreview", verbs: createVerbs,
		review: true,
	},
}

// findResource returns the served resource at a group, version and plural name.
func findResource(gv schema.GroupVersion, plural string) (*resourceType, bool) {
	for _, rt := range resourceTypes {
		if rt.gvk.GroupVersion() == gv && rt.plural == plural {
			return rt, true
		}
	}

	return nil, false
}

// findKind returns the served resource of an object's kind.
func findKind(obj runtime.Object) (*resourceType, error) {
	gvks, _, err := kubeScheme.ObjectKinds(obj)
	if err != nil {
		return nil, fmt.Errorf("finding the kind of %T: %w", obj, err)
	}
	for _, rt := range resourceTypes {
		if rt.gvk == gvks[0] && !rt.review {
			return rt, nil
		}
	}

	return nil, fmt.Errorf("finding the resource of %s: not served by the sandbox", gvks[0])
}

// mustResource returns a served resource by plural name, for the store's own use.
func mustResource(plural string) *resourceType {
	for _, rt := range resourceTypes {
		if rt.plural == plural {
			return rt
		}
	}
	panic("kubesim: no resource " + plural)
}

// Package kubesim simulates the Kubernetes API of the sandbox's EKS cluster: a wire-level test
// double that the real client-go and kubectl talk to over HTTP. It serves discovery,
// namespaces, ConfigMaps, Secrets, ServiceAccounts, RBAC, Deployments, Pods and Events (both
// read only) and the self-review APIs, with the real server's resourceVersion conflicts, error
// Statuses, RBAC authorization and escalation checks, and content negotiation (JSON, YAML,
// protobuf and Tables). Its answers are checked against a real kube-apiserver by the
// contract tests in this package.
//
// See https://kubernetes.io/docs/reference/using-api/api-concepts/ for the protocol.
package kubesim

import (
	"fmt"
	"net/http"
	"reflect"
	"sync"
	"time"

	"github.com/onramp-dev/onramp/sandbox/fault"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// DefaultGitVersion is the version /version reports unless Options say otherwise.
const DefaultGitVersion = "v1.33.5-eks-3cfe0ce"

// Options configure a Server.
type Options struct {
	// Authenticator checks bearer tokens; without one, every token is refused.
	Authenticator Authenticator
	// Faults injects failures into resource requests; nil injects none.
	Faults *fault.Injector
	// GitVersion is reported by /version; empty means DefaultGitVersion.
	GitVersion string
	// Grants, when set, gives a user permissions from outside the cluster's RBAC objects, the
	// way EKS access policies do. They add to RBAC; they deny nothing.
	Grants func(u User) []Grant
}

// Grant is a permission a user holds outside RBAC: the rules of a ClusterRole, cluster-wide or,
// when Namespaces is set, only in those namespaces.
type Grant struct {
	// Name says where the grant comes from, as an authorization reason names it.
	Name        string
	ClusterRole string
	Namespaces  []string
}

// Server is the simulated cluster's API server, an http.Handler. The caller serves it over
// TLS. It is safe for concurrent use.
type Server struct {
	auth       Authenticator
	faults     *fault.Injector
	gitVersion string
	grants     func(u User) []Grant
	now        func() time.Time

	mu    sync.Mutex
	store *store
}

// New returns a Server holding a new cluster's namespaces and default RBAC policy.
func New(opts Options) *Server {
	s := &Server{
		auth:       opts.Authenticator,
		faults:     opts.Faults,
		gitVersion: opts.GitVersion,
		grants:     opts.Grants,
		now:        time.Now,
		store:      newStore(),
	}
	if s.gitVersion == "" {
		s.gitVersion = DefaultGitVersion
	}
	s.bootstrap()

	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u, err := s.authenticate(r)
	if err != nil {
		writeError(w, r, unauthorized())

		return
	}
	a := parseRequest(r, u)
	if !a.resourceRequest {
		s.servePath(w, r, a)

		return
	}
	s.serveResource(w, r, a)
}

// serveResource handles a resource request: fault injection where the real server's flow
// control sits, authorization, then the verb.
func (s *Server) serveResource(w http.ResponseWriter, r *http.Request, a attributes) {
	if err := s.faults.Before("kube:" + a.verb + " " + a.resource); err != nil {
		writeError(w, r, faultStatus(err))

		return
	}
	if err := s.authorize(a); err != nil {
		writeError(w, r, err)

		return
	}
	rt, ok := findResource(a.groupVersion(), a.resource)
	if !ok || a.subresource != "" || a.extra || a.verb == "" || lacksNamespace(rt, a) {
		writeError(w, r, notFoundPath())

		return
	}
	s.serveVerb(w, r, rt, a)
}

func (s *Server) serveVerb(w http.ResponseWriter, r *http.Request, rt *resourceType,
	a attributes,
) {
	if !rt.allows(a.verb) {
		writeError(w, r, methodNotSupported(rt, a.verb))

		return
	}
	switch {
	case rt.review:
		s.serveReview(w, r, rt, a)
	case a.verb == "get":
		s.serveGet(w, r, rt, a)
	case a.verb == "list":
		s.serveList(w, r, rt, a)
	case a.verb == "create":
		s.serveCreate(w, r, rt, a)
	case a.verb == "update":
		s.serveUpdate(w, r, rt, a)
	case a.verb == "patch":
		s.servePatch(w, r, rt, a)
	case a.verb == "delete":
		s.serveDelete(w, r, rt, a)
	}
}

// lacksNamespace reports a request for one namespaced object, or a create, outside any
// namespace: the real server has no such route. Lists may span all namespaces.
func lacksNamespace(rt *resourceType, a attributes) bool {
	return rt.namespaced && a.namespace == "" && a.verb != "list" && a.verb != "watch"
}

// Create stores a typed object (a *corev1.ConfigMap, *rbacv1.Role, …) without authorization
// or faults, as the real server would create it: defaults, validation, uid, resourceVersion and
// creationTimestamp. It fills those server-set fields into obj too.
func (s *Server) Create(obj runtime.Object) error {
	rt, err := findKind(obj)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	stored, err := s.create(rt, obj.DeepCopyObject(), nil, false)
	if err != nil {
		return fmt.Errorf("creating %s %q: %w", rt.gvk.Kind, mustMeta(obj).GetName(), err)
	}
	reflect.ValueOf(obj).Elem().Set(reflect.ValueOf(stored).Elem())

	return nil
}

// ConfigMap returns a copy of a stored ConfigMap.
func (s *Server) ConfigMap(namespace, name string) (*corev1.ConfigMap, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()

	obj, ok := s.store.get(mustResource("configmaps"), namespace, name)
	if !ok {
		return nil, false
	}

	return obj.(*corev1.ConfigMap), true
}

// Export returns the whole cluster state as JSON, for Import to restore later.
func (s *Server) Export() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	data, err := s.store.export()
	if err != nil {
		return nil, fmt.Errorf("exporting the cluster state: %w", err)
	}

	return data, nil
}

// Import replaces the cluster state with one that Export wrote.
func (s *Server) Import(data []byte) error {
	st, err := importSnapshot(data)
	if err != nil {
		return fmt.Errorf("importing the cluster state: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	s.store = st

	return nil
}

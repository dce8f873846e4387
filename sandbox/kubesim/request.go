package kubesim

import (
	"net/http"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// attributes describe a request the way the real server's authorizer sees it.
type attributes struct {
	user            User
	verb            string
	resourceRequest bool
	path            string
	group           string
	version         string
	resource        string
	subresource     string
	namespace       string
	name            string
	// extra is set when the path goes on past a subresource.
	extra bool
}

func (a attributes) groupResource() schema.GroupResource {
	return schema.GroupResource{Group: a.group, Resource: a.resource}
}

func (a attributes) groupVersion() schema.GroupVersion {
	return schema.GroupVersion{Group: a.group, Version: a.version}
}

// parseRequest reads the API group, resource, namespace, name and verb from a request's path,
// method and query, following the real server's rules: /api/v1/… and /apis/GROUP/VERSION/…
// with at least a resource are resource requests, everything else is a plain path.
func parseRequest(r *http.Request, u User) attributes {
	a := attributes{user: u, path: r.URL.Path, verb: strings.ToLower(r.Method)}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	parts, ok := a.readGroupVersion(parts)
	if !ok {
		return a
	}
	a.resourceRequest = true
	a.verb = methodVerbs[r.Method]
	if parts[0] == "watch" && len(parts) > 1 {
		a.verb, parts = "watch", parts[1:]
	}
	a.readTarget(a.readNamespace(parts))
	a.fixVerb(r)

	return a
}

func (a *attributes) readGroupVersion(parts []string) ([]string, bool) {
	switch {
	case len(parts) >= 3 && parts[0] == "api":
		a.version = parts[1]

		return parts[2:], true
	case len(parts) >= 4 && parts[0] == "apis":
		a.group, a.version = parts[1], parts[2]

		return parts[3:], true
	default:
		return nil, false
	}
}

// readNamespace takes /namespaces/NAME/… as the namespace of what follows, and keeps
// /namespaces/NAME itself (and its status and finalize subresources) as the namespace object,
// which the real server also authorizes within that namespace.
func (a *attributes) readNamespace(parts []string) []string {
	if parts[0] != "namespaces" || len(parts) < 2 {
		return parts
	}
	a.namespace = parts[1]
	if len(parts) > 2 && parts[2] != "status" && parts[2] != "finalize" {
		return parts[2:]
	}

	return parts
}

func (a *attributes) readTarget(parts []string) {
	a.resource = parts[0]
	if len(parts) > 1 {
		a.name = parts[1]
	}
	if len(parts) > 2 {
		a.subresource = parts[2]
	}
	a.extra = len(parts) > 3
}

var methodVerbs = map[string]string{
	http.MethodGet:    "get",
	http.MethodHead:   "get",
	http.MethodPost:   "create",
	http.MethodPut:    "update",
	http.MethodPatch:  "patch",
	http.MethodDelete: "delete",
}

func (a *attributes) fixVerb(r *http.Request) {
	switch {
	case a.verb == "get" && a.name == "" && isTrue(r.URL.Query().Get("watch")):
		a.verb = "watch"
	case a.verb == "get" && a.name == "":
		a.verb = "list"
	case a.verb == "delete" && a.name == "":
		a.verb = "deletecollection"
	}
}

func isTrue(s string) bool {
	return s == "true" || s == "1"
}

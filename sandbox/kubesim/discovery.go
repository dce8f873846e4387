package kubesim

import (
	"encoding/json"
	"net/http"
	goruntime "runtime"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
)

// servePath answers the requests that are not for a resource: version, health and discovery.
// Like the real server, it authorizes them first (the default policy lets anyone read the
// version and health, and any authenticated user discover the API).
func (s *Server) servePath(w http.ResponseWriter, r *http.Request, a attributes) {
	if err := s.authorize(a); err != nil {
		writeError(w, r, err)

		return
	}
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		http.NotFound(w, r)
	case a.path == "/version" || a.path == "/version/":
		s.serveVersion(w)
	case a.path == "/healthz" || a.path == "/livez" || a.path == "/readyz":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
	case a.path == openAPIPrefix || strings.HasPrefix(a.path, openAPIPrefix+"/"):
		s.serveOpenAPI(w, r, strings.TrimSuffix(a.path, "/"))
	default:
		s.serveDiscovery(w, r, strings.Split(strings.Trim(a.path, "/"), "/"))
	}
}

func (s *Server) serveDiscovery(w http.ResponseWriter, r *http.Request, parts []string) {
	out, err := negotiate(r)
	if err != nil {
		writeError(w, r, err)

		return
	}
	obj, ok := discoveryDocument(r, parts)
	if !ok {
		http.NotFound(w, r)

		return
	}
	writeObject(w, out, http.StatusOK, obj)
}

func discoveryDocument(r *http.Request, parts []string) (runtime.Object, bool) {
	switch {
	case len(parts) == 1 && parts[0] == "api":
		return &metav1.APIVersions{Versions: []string{"v1"},
			ServerAddressByClientCIDRs: []metav1.ServerAddressByClientCIDR{
				{ClientCIDR: "0.0.0.0/0", ServerAddress: r.Host},
			}}, true
	case len(parts) == 2 && parts[0] == "api" && parts[1] == "v1":
		return resourceList(schema.GroupVersion{Version: "v1"}), true
	case len(parts) == 1 && parts[0] == "apis":
		return groupList(), true
	case len(parts) == 2 && parts[0] == "apis":
		group, ok := findGroup(parts[1])

		return group, ok
	case len(parts) == 3 && parts[0] == "apis":
		gv := schema.GroupVersion{Group: parts[1], Version: parts[2]}
		list := resourceList(gv)

		return list, gv.Group != "" && len(list.APIResources) > 0
	default:
		return nil, false
	}
}

// resourceList describes the resources served in one group version.
func resourceList(gv schema.GroupVersion) *metav1.APIResourceList {
	list := &metav1.APIResourceList{GroupVersion: gv.String(),
		APIResources: []metav1.APIResource{}}
	for _, rt := range resourceTypes {
		if rt.gvk.GroupVersion() != gv {
			continue
		}
		list.APIResources = append(list.APIResources, metav1.APIResource{
			Name: rt.plural, SingularName: rt.singular, Namespaced: rt.namespaced,
			Kind: rt.gvk.Kind, Verbs: rt.verbs, ShortNames: rt.shortNames,
			Categories: rt.categories,
		})
	}
	slices.SortFunc(list.APIResources, func(a, b metav1.APIResource) int {
		return strings.Compare(a.Name, b.Name)
	})

	return list
}

// groupList lists the named API groups, each with its one version.
func groupList() *metav1.APIGroupList {
	var names []string
	for _, rt := range resourceTypes {
		if g := rt.gvk.Group; g != "" && !slices.Contains(names, g) {
			names = append(names, g)
		}
	}
	slices.Sort(names)
	list := &metav1.APIGroupList{}
	for _, name := range names {
		group, _ := findGroup(name)
		list.Groups = append(list.Groups, *group)
	}

	return list
}

func findGroup(name string) (*metav1.APIGroup, bool) {
	for _, rt := range resourceTypes {
		if rt.gvk.Group == name && name != "" {
			v := metav1.GroupVersionForDiscovery{GroupVersion: rt.gvk.GroupVersion().String(),
				Version: rt.gvk.Version}

			return &metav1.APIGroup{Name: name, Versions: []metav1.GroupVersionForDiscovery{v},
				PreferredVersion: v}, true
		}
	}

	return nil, false
}

// serveVersion reports the simulated EKS build. Its minor version carries the "+" that EKS's
// builds report.
func (s *Server) serveVersion(w http.ResponseWriter) {
	info := version.Info{
		GitVersion:   s.gitVersion,
		GitCommit:    "3cfe0ce1a9e1a1f0b3c4d5e6f708192a3b4c5d6e",
		GitTreeState: "clean",
		BuildDate:    "2025-09-10T18:03:54Z",
		GoVersion:    goruntime.Version(),
		Compiler:     "gc",
		Platform:     "linux/amd64",
	}
	core, pre, _ := strings.Cut(strings.TrimPrefix(s.gitVersion, "v"), "-")
	parts := strings.SplitN(core, ".", 3)
	if len(parts) >= 2 {
		info.Major, info.Minor = parts[0], parts[1]
	}
	if pre != "" {
		info.Minor += "+"
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(info)
}

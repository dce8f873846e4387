package kubesim

import (
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The sandbox publishes a skeleton of the real server's OpenAPI v3 documents: for each group
// version, the PATCH operations with their query parameters and kinds. That is what kubectl
// reads to learn that the server validates fields itself (fieldValidation), so that
// "kubectl apply" and "kubectl create -f" work without --validate=false.
// TODO: the documents carry no schemas, so "kubectl explain" finds nothing; /openapi/v2 is
// not served at all. Real documents run to megabytes and onramp needs none of them.

const openAPIPrefix = "/openapi/v3"

// serveOpenAPI answers /openapi/v3 with the list of documents, and /openapi/v3/PATH with one.
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request, path string) {
	var doc any
	if path == openAPIPrefix {
		doc = openAPIRoot()
	} else if gv, ok := openAPIGroupVersion(strings.TrimPrefix(path, openAPIPrefix+"/")); ok {
		doc = openAPIDocument(gv, s.gitVersion)
	} else {
		http.NotFound(w, r)

		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(doc)
}

// openAPIRoot lists one document per served group version, each at a URL holding its hash,
// as the real server's discovery of OpenAPI documents does.
func openAPIRoot() map[string]any {
	paths := map[string]any{}
	for _, gv := range servedGroupVersions() {
		data, _ := json.Marshal(openAPIDocument(gv, ""))
		sum := sha512.Sum512(data)
		key := openAPIPath(gv)
		paths[key] = map[string]string{
			"serverRelativeURL": openAPIPrefix + "/" + key + "?hash=" + hex.EncodeToString(sum[:]),
		}
	}

	return map[string]any{"paths": paths}
}

func openAPIPath(gv schema.GroupVersion) string {
	if gv.Group == "" {
		return "api/" + gv.Version
	}

	return "apis/" + gv.String()
}

func openAPIGroupVersion(path string) (schema.GroupVersion, bool) {
	for _, gv := range servedGroupVersions() {
		if openAPIPath(gv) == path {
			return gv, true
		}
	}

	return schema.GroupVersion{}, false
}

func servedGroupVersions() []schema.GroupVersion {
	var gvs []schema.GroupVersion
	for _, rt := range resourceTypes {
		gv := rt.gvk.GroupVersion()
		if len(gvs) == 0 || gvs[len(gvs)-1] != gv {
			gvs = append(gvs, gv)
		}
	}

	return gvs
}

// openAPIDocument describes the PATCH operation of each patchable resource in gv.
func openAPIDocument(gv schema.GroupVersion, version string) map[string]any {
	paths := map[string]any{}
	for _, rt := range resourceTypes {
		if rt.gvk.GroupVersion() != gv || !rt.allows("patch") {
			continue
		}
		paths[objectPath(rt)] = map[string]any{"patch": patchOperation(rt)}
	}

	return map[string]any{
		"openapi":    "3.0.0",
		"info":       map[string]string{"title": "Kubernetes", "version": version},
		"paths":      paths,
		"components": map[string]any{"schemas": map[string]any{}},
	}
}

func objectPath(rt *resourceType) string {
	p := "/" + openAPIPath(rt.gvk.GroupVersion())
	if rt.namespaced {
		p += "/namespaces/{namespace}"
	}

	return p + "/" + rt.plural + "/{name}"
}

func patchOperation(rt *resourceType) map[string]any {
	var params []map[string]any
	for _, name := range []string{"dryRun", "fieldManager", "fieldValidation", "force"} {
		params = append(params, map[string]any{"name": name, "in": "query",
			"schema": map[string]string{"type": "string"}})
	}

	return map[string]any{
		"operationId":         "patch" + rt.gvk.Kind,
		"parameters":          params,
		"responses":           map[string]any{"200": map[string]string{"description": "OK"}},
		"x-kubernetes-action": "patch",
		"x-kubernetes-group-version-kind": map[string]string{
			"group": rt.gvk.Group, "version": rt.gvk.Version, "kind": rt.gvk.Kind,
		},
	}
}

package kubesim

import (
	"net/http/httptest"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		method, target string
		want           attributes
	}{
		{"GET", "/api/v1/namespaces/kube-system/configmaps/aws-auth", attributes{verb: "get",
			resourceRequest: true, version: "v1", resource: "configmaps",
			namespace: "kube-system", name: "aws-auth"}},
		{"GET", "/api/v1/configmaps", attributes{verb: "list", resourceRequest: true,
			version: "v1", resource: "configmaps"}},
		{"GET", "/api/v1/namespaces/team/configmaps?watch=1", attributes{verb: "watch",
			resourceRequest: true, version: "v1", resource: "configmaps", namespace: "team"}},
		{"GET", "/api/v1/watch/namespaces/team/configmaps", attributes{verb: "watch",
			resourceRequest: true, version: "v1", resource: "configmaps", namespace: "team"}},
		{"DELETE", "/api/v1/namespaces/team", attributes{verb: "delete", resourceRequest: true,
			version: "v1", resource: "namespaces", namespace: "team", name: "team"}},
		{"DELETE", "/apis/apps/v1/namespaces/team/deployments", attributes{
			verb: "deletecollection", resourceRequest: true, group: "apps", version: "v1",
			resource: "deployments", namespace: "team"}},
		{"PUT", "/apis/apps/v1/namespaces/team/deployments/w/status", attributes{verb: "update",
			resourceRequest: true, group: "apps", version: "v1", resource: "deployments",
			namespace: "team", name: "w", subresource: "status"}},
		{"GET", "/apis/apps/v1", attributes{verb: "get"}},
		{"POST", "/api", attributes{verb: "post"}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, nil)
			got := parseRequest(r, User{})
			got.path = ""
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRuleAllows(t *testing.T) {
	get := attributes{verb: "get", resourceRequest: true, resource: "configmaps",
		namespace: "kube-system", name: "aws-auth"}
	logs := attributes{verb: "get", resourceRequest: true, resource: "pods",
		subresource: "log", name: "p"}
	version := attributes{verb: "get", path: "/version/"}
	tests := []struct {
		name string
		rule rbacv1.PolicyRule
		a    attributes
		want bool
	}{
		{"exact", rule([]string{"get"}, "", "configmaps"), get, true},
		{"other verb", rule([]string{"list"}, "", "configmaps"), get, false},
		{"other group", rule([]string{"get"}, "apps", "configmaps"), get, false},
		{"star everything", rbacv1.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{"*"},
			Resources: []string{"*"}}, get, true},
		{"named", withNames(rule([]string{"get"}, "", "configmaps"), "aws-auth"), get, true},
		{"other name", withNames(rule([]string{"get"}, "", "configmaps"), "x"), get, false},
		{"subresource", rule([]string{"get"}, "", "pods/log"), logs, true},
		{"resource without subresource", rule([]string{"get"}, "", "pods"), logs, false},
		{"any resource's subresource", rule([]string{"get"}, "", "*/log"), logs, true},
		{"path prefix", urlRule("/version*"), version, true},
		{"path exact", urlRule("/version"), version, false},
		{"paths do not grant resources", urlRule("*"), get, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ruleAllows(tt.rule, tt.a); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func withNames(r rbacv1.PolicyRule, names ...string) rbacv1.PolicyRule {
	r.ResourceNames = names

	return r
}

func TestPullPolicy(t *testing.T) {
	tests := []struct {
		image string
		want  corev1.PullPolicy
	}{
		{"prefecthq/prefect:3-latest", corev1.PullIfNotPresent},
		{"prefecthq/prefect", corev1.PullAlways},
		{"prefecthq/prefect:latest", corev1.PullAlways},
		{"localhost:5000/flows", corev1.PullAlways},
		{"localhost:5000/flows:v2", corev1.PullIfNotPresent},
		{"repo@sha256:0123", corev1.PullIfNotPresent},
	}
	for _, tt := range tests {
		t.Run(tt.image, func(t *testing.T) {
			if got := pullPolicy(tt.image); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		accept    string
		wantType  string
		wantTable bool
		wantErr   bool
	}{
		{"", "application/json", false, false},
		{"application/vnd.kubernetes.protobuf,application/json",
			"application/vnd.kubernetes.protobuf", false, false},
		{"application/json;as=Table;v=v1;g=meta.k8s.io,application/json", "application/json",
			true, false},
		{"application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json",
			"application/json", false, false},
		{"application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
			"application/json", false, false},
		{"application/yaml", "application/yaml", false, false},
		{"*/*", "application/json", false, false},
		{"text/html", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/v1/configmaps", nil)
			r.Header.Set("Accept", tt.accept)
			out, err := negotiate(r)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && (out.info.MediaType != tt.wantType || out.table != tt.wantTable) {
				t.Errorf("got %s table %v, want %s table %v", out.info.MediaType, out.table,
					tt.wantType, tt.wantTable)
			}
		})
	}
}

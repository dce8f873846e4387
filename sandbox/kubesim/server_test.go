package kubesim_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/onramp-dev/onramp/sandbox/fault"
	"github.com/onramp-dev/onramp/sandbox/kubesim"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

func TestFaults(t *testing.T) {
	tests := []struct {
		name      string
		cfg       fault.Config
		wantCheck func(error) bool
		wantRetry string
	}{
		{"throttled", fault.Config{ThrottleRate: 1}, apierrors.IsTooManyRequests, "1"},
		{"unavailable", fault.Config{UnavailableRate: 1}, apierrors.IsServiceUnavailable, ""},
		{"named call fails", fault.Config{FailOp: "kube:update configmaps"},
			apierrors.IsInternalError, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inj := fault.New(fault.Config{})
			_, c := newSandbox(t, kubesim.Options{Faults: inj})
			cm := createConfigMap(t, c.client(t, admin), team0(t, c), "target", nil)
			inj.Set(tt.cfg)
			resp := c.rest(t, admin).Put().Namespace(cm.Namespace).Resource("configmaps").
				Name(cm.Name).Body(cm).MaxRetries(0).Do(context.Background())
			if err := resp.Error(); !tt.wantCheck(err) {
				t.Fatalf("got %v, want the %s error", err, tt.name)
			}
			if got, _ := apierrors.SuggestsClientDelay(resp.Error()); strconv.Itoa(got) !=
				tt.wantRetry && tt.wantRetry != "" {
				t.Errorf("Retry-After suggests %d, want %s", got, tt.wantRetry)
			}
			if n := inj.Calls("kube:update configmaps"); n != 1 {
				t.Errorf("the injector saw %d updates, want 1", n)
			}
		})
	}
}

// team0 creates the namespace a single-cluster test works in.
func team0(t *testing.T, c *cluster) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "work"}}
	_, err := c.client(t, admin).CoreV1().Namespaces().Create(context.Background(), ns,
		metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating the namespace: %v", err)
	}

	return ns.Name
}

func TestNamedFaultFailsOnlyThatCall(t *testing.T) {
	inj := fault.New(fault.Config{FailOp: "kube:update configmaps", FailOnCall: 2})
	_, c := newSandbox(t, kubesim.Options{Faults: inj})
	cs := c.client(t, admin)
	cm := createConfigMap(t, cs, team0(t, c), "target", map[string]string{"n": "0"})
	var errs []error
	for i := 1; i <= 3; i++ {
		cm.Data["n"] = strconv.Itoa(i)
		updated, err := cs.CoreV1().ConfigMaps(cm.Namespace).Update(context.Background(), cm,
			metav1.UpdateOptions{})
		if err == nil {
			cm = updated
		}
		errs = append(errs, err)
	}
	if errs[0] != nil || !apierrors.IsInternalError(errs[1]) || errs[2] != nil {
		t.Fatalf("got %v, want only the second update to fail", errs)
	}
	if !strings.Contains(errs[1].Error(), "kube:update configmaps failed on call 2") {
		t.Errorf("the error %q does not name the injected fault", errs[1])
	}
}

func TestRawAnswers(t *testing.T) {
	_, c := newSandbox(t, kubesim.Options{})
	tests := []struct {
		name       string
		token      string
		method     string
		path       string
		wantCode   int
		wantHeader string
		wantBody   string
	}{
		{"watch is refused", "admin-token", http.MethodGet,
			"/api/v1/namespaces/default/configmaps?watch=true", 405, "application/json",
			`watch is not supported on resources of kind \"configmaps\"`},
		{"unknown resource", "admin-token", http.MethodGet, "/api/v1/widgets", 404,
			"application/json", "the server could not find the requested resource"},
		{"unknown path", "admin-token", http.MethodGet, "/foo", 404, "text/plain",
			"404 page not found"},
		{"anonymous may read the version", "", http.MethodGet, "/version", 200,
			"application/json", `"gitVersion": "v1.33.5-eks-3cfe0ce"`},
		{"anonymous may not discover", "", http.MethodGet, "/api", 403, "application/json",
			`forbidden: User \"system:anonymous\" cannot get path \"/api\"`},
		{"rejected token", "nope", http.MethodGet, "/version", 401, "application/json",
			`"reason": "Unauthorized"`},
		{"health", "admin-token", http.MethodGet, "/readyz", 200, "text/plain", "ok"},
		{"yaml on request", "admin-token", http.MethodGet, "/api/v1/namespaces/default",
			200, "application/yaml", "kind: Namespace"},
		{"not acceptable", "admin-token", http.MethodGet, "/api/v1/namespaces/default",
			406, "application/json", "only the following media types are accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, header, body := rawRequest(t, c, tt.token, tt.method, tt.path)
			if code != tt.wantCode || !strings.HasPrefix(header, tt.wantHeader) ||
				!strings.Contains(body, tt.wantBody) {
				t.Errorf("got %d %s\n%s\nwant %d %s with %q", code, header, body, tt.wantCode,
					tt.wantHeader, tt.wantBody)
			}
		})
	}
}

// rawRequest sends one request with plain net/http; the Accept header follows the test's
// path: YAML for "yaml on request", an unsupported type for "not acceptable".
func rawRequest(t *testing.T, c *cluster, token, method, path string) (int, string, string) {
	t.Helper()
	cfg := c.config(token)
	client, err := rest.HTTPClientFor(&rest.Config{TLSClientConfig: cfg.TLSClientConfig})
	if err != nil {
		t.Fatalf("making an HTTP client: %v", err)
	}
	req, err := http.NewRequest(method, cfg.Host+path, nil)
	if err != nil {
		t.Fatalf("making the request: %v", err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept", acceptFor(t.Name()))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("sending the request: %v", err)
	}
	defer resp.Body.Close()

	body, _ := io.ReadAll(resp.Body)

	return resp.StatusCode, resp.Header.Get("Content-Type"), prettyJSON(body)
}

func acceptFor(name string) string {
	switch {
	case strings.HasSuffix(name, "yaml_on_request"):
		return "application/yaml"
	case strings.HasSuffix(name, "not_acceptable"):
		return "text/html"
	default:
		return "application/json, */*"
	}
}

// prettyJSON spaces a compact JSON answer the way the tests spell what they look for.
func prettyJSON(body []byte) string {
	return strings.ReplaceAll(string(body), `":`, `": `)
}

func TestProtobufIsWhatClientGoSends(t *testing.T) {
	_, c := newSandbox(t, kubesim.Options{})
	var seen []string
	cfg := c.config("admin-token")
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			resp, err := rt.RoundTrip(req)
			if err == nil {
				seen = append(seen, req.Header.Get("Content-Type")+" -> "+
					resp.Header.Get("Content-Type"))
			}

			return resp, err
		})
	}
	cs := kubernetes.NewForConfigOrDie(cfg)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "proto"},
		Data: map[string]string{"k": "v"}}
	got, err := cs.CoreV1().ConfigMaps("default").Create(context.Background(), cm,
		metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating over protobuf: %v", err)
	}
	want := "application/vnd.kubernetes.protobuf -> application/vnd.kubernetes.protobuf"
	if len(seen) != 1 || seen[0] != want || got.Data["k"] != "v" {
		t.Errorf("saw %v and %v, want %q", seen, got.Data, want)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestAggregatedRolesFollowNewRoles(t *testing.T) {
	_, c := newSandbox(t, kubesim.Options{})
	ctx := context.Background()
	setUpTeam(t, c)
	extra := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "secret-reader", Labels: map[string]string{
			"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"},
			Verbs: []string{"list"}}},
	}
	_, err := c.client(t, admin).RbacV1().ClusterRoles().Create(ctx, extra, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating the role: %v", err)
	}
	if _, err := c.client(t, viewer).CoreV1().Secrets(team).List(ctx,
		metav1.ListOptions{}); err != nil {
		t.Errorf("viewer listing secrets through the aggregated view: %v", err)
	}
	role, err := c.client(t, admin).RbacV1().ClusterRoles().Get(ctx, "admin", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading admin: %v", err)
	}
	if !hasRuleFor(role.Rules, "secrets", "list") {
		t.Errorf("admin did not take the rule through edit: %v", role.Rules)
	}
}

func hasRuleFor(rules []rbacv1.PolicyRule, resource, verb string) bool {
	for _, r := range rules {
		for _, res := range r.Resources {
			for _, v := range r.Verbs {
				if res == resource && v == verb {
					return true
				}
			}
		}
	}

	return false
}

package realkube

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
)

// maxAggregationRounds bounds the passes over chained aggregated roles (view into edit into
// admin).
const maxAggregationRounds = 8

// waitReady polls /readyz until the server answers ok, and fails t with the end of the
// server's log when it exits or the deadline passes.
func (s *Server) waitReady(t testing.TB, exited <-chan struct{}, log string) {
	t.Helper()
	deadline := time.Now().Add(readyTimeout)
	for !s.ready() {
		select {
		case <-exited:
			t.Fatalf("kube-apiserver exited before it was ready; its log ends:\n%s",
				tail(log, 30))
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("kube-apiserver not ready after %v; its log ends:\n%s", readyTimeout,
				tail(log, 30))
		}
	}
}

// ready reports whether the server answers /readyz, verifying it with the certificate it
// wrote to its cert dir, which then becomes CAData.
func (s *Server) ready() bool {
	ca, err := os.ReadFile(filepath.Join(s.Dir, "certs", "apiserver.crt"))
	if err != nil {
		return false
	}
	client, ok := clientTrusting(ca)
	if !ok {
		return false
	}
	defer client.CloseIdleConnections()

	req, err := http.NewRequest(http.MethodGet, s.URL+"/readyz", nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+s.AdminToken)
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	s.CAData = ca

	return resp.StatusCode == http.StatusOK
}

func clientTrusting(ca []byte) (*http.Client, bool) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, false
	}

	return &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
	}}, true
}

// aggregateRoles does once what kube-controller-manager's ClusterRole aggregation controller
// does all the time: it gives each aggregated ClusterRole the rules of the roles its selectors
// match. Without it the default admin, edit and view roles grant nothing.
func (s *Server) aggregateRoles(t testing.TB) {
	t.Helper()
	cs, err := kubernetes.NewForConfig(s.Config(s.AdminToken))
	if err != nil {
		t.Fatalf("making a client for the real server: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	for range maxAggregationRounds {
		changed, err := aggregateOnce(ctx, cs)
		if err != nil {
			t.Fatalf("aggregating the cluster roles: %v", err)
		}
		if !changed {
			return
		}
	}
}

func aggregateOnce(ctx context.Context, cs kubernetes.Interface) (bool, error) {
	list, err := cs.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{})
	if err != nil {
		return false, fmt.Errorf("listing clusterroles: %w", err)
	}
	changed := false
	for i := range list.Items {
		cr := &list.Items[i]
		if cr.AggregationRule == nil {
			continue
		}
		rules := aggregatedRules(cr, list.Items)
		if apiequality.Semantic.DeepEqual(rules, cr.Rules) {
			continue
		}
		cr.Rules = rules
		_, err := cs.RbacV1().ClusterRoles().Update(ctx, cr, metav1.UpdateOptions{})
		if err != nil {
			return false, fmt.Errorf("updating clusterrole %s: %w", cr.Name, err)
		}
		changed = true
	}

	return changed, nil
}

func aggregatedRules(cr *rbacv1.ClusterRole, all []rbacv1.ClusterRole) []rbacv1.PolicyRule {
	var rules []rbacv1.PolicyRule
	for _, ls := range cr.AggregationRule.ClusterRoleSelectors {
		sel, err := metav1.LabelSelectorAsSelector(&ls)
		if err != nil {
			continue
		}
		for _, other := range all {
			if other.Name == cr.Name || !sel.Matches(labels.Set(other.Labels)) {
				continue
			}
			for _, r := range other.Rules {
				if !hasRule(rules, r) {
					rules = append(rules, r)
				}
			}
		}
	}

	return rules
}

func hasRule(rules []rbacv1.PolicyRule, r rbacv1.PolicyRule) bool {
	for _, have := range rules {
		if apiequality.Semantic.DeepEqual(have, r) {
			return true
		}
	}

	return false
}

package kubesim_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/onramp-dev/onramp/sandbox/kubesim"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
)

func TestDirectCreate(t *testing.T) {
	srv := kubesim.New(kubesim.Options{})
	tests := []struct {
		name    string
		obj     runtime.Object
		wantErr func(error) bool
	}{
		{"configmap", configMap("kube-system", "aws-auth"), nil},
		{"again", configMap("kube-system", "aws-auth"), apierrors.IsAlreadyExists},
		{"missing namespace", configMap("nowhere", "x"), apierrors.IsNotFound},
		{"invalid", configMap("default", "Not_Valid"), apierrors.IsInvalid},
		{"pod", &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "worker-1", Namespace: "default"},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "w", Image: "busybox"}}}},
			nil},
		{"not served", &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "s",
			Namespace: "default"}}, func(err error) bool { return err != nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := srv.Create(tt.obj)
			if tt.wantErr != nil {
				if !tt.wantErr(err) {
					t.Fatalf("got %v, want an error of its kind", err)
				}

				return
			}
			if err != nil {
				t.Fatalf("creating: %v", err)
			}
			m := tt.obj.(metav1.Object)
			created := m.GetCreationTimestamp()
			if m.GetUID() == "" || m.GetResourceVersion() == "" || created.IsZero() {
				t.Errorf("the server-set fields were not filled in: %+v", tt.obj)
			}
		})
	}
}

func configMap(ns, name string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Data: map[string]string{"mapRoles": "[]"}}
}

func TestConfigMapIsACopy(t *testing.T) {
	srv := kubesim.New(kubesim.Options{})
	if err := srv.Create(configMap("kube-system", "aws-auth")); err != nil {
		t.Fatalf("creating: %v", err)
	}
	cm, ok := srv.ConfigMap("kube-system", "aws-auth")
	if !ok {
		t.Fatal("aws-auth not found")
	}
	cm.Data["mapRoles"] = "changed"
	again, _ := srv.ConfigMap("kube-system", "aws-auth")
	if again.Data["mapRoles"] != "[]" {
		t.Errorf("changing a returned copy changed the store: %v", again.Data)
	}
	if _, ok := srv.ConfigMap("kube-system", "missing"); ok {
		t.Error("a missing configmap was found")
	}
}

func TestExportImport(t *testing.T) {
	srv := kubesim.New(kubesim.Options{})
	cm := configMap("kube-system", "aws-auth")
	if err := srv.Create(cm); err != nil {
		t.Fatalf("creating: %v", err)
	}
	data, err := srv.Export()
	if err != nil {
		t.Fatalf("exporting: %v", err)
	}
	restored, c := newSandbox(t, kubesim.Options{})
	if err := restored.Import(data); err != nil {
		t.Fatalf("importing: %v", err)
	}
	got, ok := restored.ConfigMap("kube-system", "aws-auth")
	if !ok || got.UID != cm.UID || got.ResourceVersion != cm.ResourceVersion {
		t.Fatalf("restored %+v, want %+v", got, cm)
	}
	next := createConfigMap(t, c.client(t, admin), "kube-system", "after-import", nil)
	if rv(t, next.ResourceVersion) <= rv(t, cm.ResourceVersion) {
		t.Errorf("resourceVersion went back to %s after %s", next.ResourceVersion,
			cm.ResourceVersion)
	}
	if err := restored.Import([]byte("{not json")); err == nil {
		t.Error("importing garbage succeeded")
	}
}

func rv(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("resourceVersion %q is not a number: %v", s, err)
	}

	return n
}

func TestResourceVersionIsStoreWide(t *testing.T) {
	_, c := newSandbox(t, kubesim.Options{})
	cs := c.client(t, admin)
	ctx := context.Background()
	cm := createConfigMap(t, cs, "default", "one", nil)
	sec, err := cs.CoreV1().Secrets("default").Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "two"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating the secret: %v", err)
	}
	list, err := cs.CoreV1().ConfigMaps("default").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("listing: %v", err)
	}
	if rv(t, sec.ResourceVersion) != rv(t, cm.ResourceVersion)+1 ||
		list.ResourceVersion != sec.ResourceVersion {
		t.Errorf("configmap %s, secret %s, list %s: want one counter", cm.ResourceVersion,
			sec.ResourceVersion, list.ResourceVersion)
	}
}

func TestPagination(t *testing.T) {
	_, c := newSandbox(t, kubesim.Options{})
	cs := c.client(t, admin)
	for _, name := range []string{"e", "c", "a", "d", "b"} {
		createConfigMap(t, cs, "default", name, nil)
	}
	var names []string
	opts := metav1.ListOptions{Limit: 2}
	for page := 0; page < 5; page++ {
		list, err := cs.CoreV1().ConfigMaps("default").List(context.Background(), opts)
		if err != nil {
			t.Fatalf("listing page %d: %v", page, err)
		}
		for _, cm := range list.Items {
			names = append(names, cm.Name)
		}
		if list.Continue == "" {
			break
		}
		opts.Continue = list.Continue
	}
	if got := strings.Join(names, ","); got != "a,b,c,d,e" {
		t.Errorf("paged through %s, want a,b,c,d,e", got)
	}
}

func TestValidation(t *testing.T) {
	_, c := newSandbox(t, kubesim.Options{})
	cs := c.client(t, admin)
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"deployment without selector", func() error {
			d := deployment(nil, map[string]string{"app": "x"})
			_, err := cs.AppsV1().Deployments("default").Create(ctx, d, metav1.CreateOptions{})

			return err
		}, "spec.selector: Required value"},
		{"selector not matching", func() error {
			d := deployment(map[string]string{"app": "x"}, map[string]string{"app": "y"})
			_, err := cs.AppsV1().Deployments("default").Create(ctx, d, metav1.CreateOptions{})

			return err
		}, "`selector` does not match template `labels`"},
		{"role without verbs", func() error {
			r := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "r"},
				Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}}}}
			_, err := cs.RbacV1().Roles("default").Create(ctx, r, metav1.CreateOptions{})

			return err
		}, "rules[0].verbs: Required value: verbs must contain at least one value"},
		{"binding to a Secret", func() error {
			b := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "b"},
				RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Secret", Name: "x"}}
			_, err := cs.RbacV1().RoleBindings("default").Create(ctx, b, metav1.CreateOptions{})

			return err
		}, `roleRef.kind: Unsupported value: "Secret"`},
		{"docker config without its key", func() error {
			s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "pull"},
				Type: corev1.SecretTypeDockerConfigJson}
			_, err := cs.CoreV1().Secrets("default").Create(ctx, s, metav1.CreateOptions{})

			return err
		}, "data[.dockerconfigjson]: Required value"},
		{"immutable configmap", func() error {
			cm := configMap("default", "frozen")
			cm.Immutable = ptr.To(true)
			got, err := cs.CoreV1().ConfigMaps("default").Create(ctx, cm, metav1.CreateOptions{})
			if err != nil {
				return err
			}
			got.Data["mapRoles"] = "changed"
			_, err = cs.CoreV1().ConfigMaps("default").Update(ctx, got, metav1.UpdateOptions{})

			return err
		}, "data: Forbidden: field is immutable when `immutable` is set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an Invalid error with %q", err, tt.want)
			}
		})
	}
}

func deployment(selector, labels map[string]string) *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d"}}
	if selector != nil {
		d.Spec.Selector = &metav1.LabelSelector{MatchLabels: selector}
	}
	d.Spec.Template.Labels = labels
	d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "c", Image: "busybox:1"}}

	return d
}

func TestNamespaceLifecycle(t *testing.T) {
	_, c := newSandbox(t, kubesim.Options{})
	cs := c.client(t, admin)
	ctx := context.Background()
	ns := team0(t, c)
	_, err := cs.CoreV1().ServiceAccounts(ns).Get(ctx, "default", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the new namespace has no default service account: %v", err)
	}
	createConfigMap(t, cs, ns, "inside", nil)
	if err := cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{}); err != nil {
		t.Fatalf("deleting the namespace: %v", err)
	}
	_, nsErr := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	_, cmErr := cs.CoreV1().ConfigMaps(ns).Get(ctx, "inside", metav1.GetOptions{})
	if !apierrors.IsNotFound(nsErr) || !apierrors.IsNotFound(cmErr) {
		t.Errorf("after deletion: namespace %v, configmap %v, want both not found", nsErr, cmErr)
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		name, gitVersion, wantGit, wantMinor string
	}{
		{"default", "", kubesim.DefaultGitVersion, "33+"},
		{"chosen", "v1.31.4-eks-0a21954", "v1.31.4-eks-0a21954", "31+"},
		{"release", "v1.30.2", "v1.30.2", "30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := newSandbox(t, kubesim.Options{GitVersion: tt.gitVersion})
			v, err := c.client(t, alice).Discovery().ServerVersion()
			if err != nil {
				t.Fatalf("reading the version: %v", err)
			}
			if v.GitVersion != tt.wantGit || v.Major != "1" || v.Minor != tt.wantMinor {
				t.Errorf("got %+v, want %s minor %s", v, tt.wantGit, tt.wantMinor)
			}
		})
	}
}

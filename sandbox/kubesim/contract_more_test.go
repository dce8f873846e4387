package kubesim_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io," +
	"application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

func deleteConfigMap(t *testing.T, c *cluster) any {
	cs := c.client(t, admin)
	ctx := context.Background()
	createConfigMap(t, cs, team, "doomed", nil)
	raw, err := c.rest(t, admin).Delete().Namespace(team).Resource("configmaps").Name("doomed").
		Do(ctx).Raw()
	if err != nil {
		t.Fatalf("deleting: %v", err)
	}
	var done metav1.Status
	if err := json.Unmarshal(raw, &done); err != nil {
		t.Fatalf("reading the answer %s: %v", raw, err)
	}
	if done.Details == nil || done.Details.UID == "" {
		t.Errorf("the answer %s names no uid", raw)
	} else {
		done.Details.UID = ""
	}
	err = cs.CoreV1().ConfigMaps(team).Delete(ctx, "doomed", metav1.DeleteOptions{})
	if !apierrors.IsNotFound(err) {
		t.Fatalf("deleting again: got %v, want not found", err)
	}

	return []metav1.Status{done, statusOf(t, err)}
}

func listWithSelector(t *testing.T, c *cluster) any {
	cs := c.client(t, admin)
	for name, labels := range map[string]map[string]string{
		"sel-a": {"tier": "web"}, "sel-b": {"tier": "db"},
		"sel-c": {"tier": "web", "env": "prod"},
	} {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
		if _, err := cs.CoreV1().ConfigMaps(team).Create(context.Background(), cm,
			metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating %s: %v", name, err)
		}
	}
	list := func(opts metav1.ListOptions) any {
		got, err := cs.CoreV1().ConfigMaps(team).List(context.Background(), opts)
		if err != nil {
			return statusOf(t, err)
		}
		var names []string
		for _, cm := range got.Items {
			names = append(names, cm.Name)
		}

		return names
	}

	return []any{
		list(metav1.ListOptions{LabelSelector: "tier=web"}),
		list(metav1.ListOptions{LabelSelector: "tier in (web,db),env!=prod"}),
		list(metav1.ListOptions{LabelSelector: "tier", FieldSelector: "metadata.name=sel-b"}),
		list(metav1.ListOptions{FieldSelector: "spec.foo=x"}),
	}
}

func deleteNamespace(t *testing.T, c *cluster) any {
	cs := c.client(t, admin)
	ctx := context.Background()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "short-lived"}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating the namespace: %v", err)
	}
	raw, err := c.rest(t, admin).Delete().Resource("namespaces").Name("short-lived").Do(ctx).Raw()
	if err != nil {
		t.Fatalf("deleting the namespace: %v", err)
	}
	var gone corev1.Namespace
	if err := json.Unmarshal(raw, &gone); err != nil {
		t.Fatalf("reading the answer %s: %v", raw, err)
	}
	err = cs.CoreV1().Namespaces().Delete(ctx, kubeSystem, metav1.DeleteOptions{})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("deleting kube-system: got %v, want forbidden", err)
	}

	return map[string]any{"kind": gone.Kind, "phase": gone.Status.Phase,
		"finalizers": gone.Spec.Finalizers, "labels": gone.Labels,
		"terminating": gone.DeletionTimestamp != nil, "kubeSystem": statusOf(t, err)}
}

func deploymentDefaults(t *testing.T, c *cluster) any {
	labels := map[string]string{"app": "prefect-worker"}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "prefect-worker"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{ServiceAccountName: "prefect-worker",
					Containers: []corev1.Container{{
						Name: "worker", Image: "prefecthq/prefect:3-latest",
						Args:  []string{"prefect", "worker", "start", "--pool", "k8s"},
						Env:   []corev1.EnvVar{{Name: "PREFECT_API_URL", Value: "https://x"}},
						Ports: []corev1.ContainerPort{{ContainerPort: 8080}},
					}}},
			},
		},
	}
	got, err := c.client(t, admin).AppsV1().Deployments(team).Create(context.Background(), d,
		metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating the deployment: %v", err)
	}

	return map[string]any{"generation": got.Generation, "spec": got.Spec, "status": got.Status}
}

func roleEscalation(t *testing.T, c *cluster) any {
	rbac := c.client(t, nsAdmin).RbacV1()
	ctx := context.Background()
	held := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "reader"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"},
			Verbs: []string{"get", "list"}}}}
	if _, err := rbac.Roles(team).Create(ctx, held, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating a role within the user's rights: %v", err)
	}
	wider := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "node-reader"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"nodes", "pods"},
			Verbs: []string{"list", "get"}}}}
	_, roleErr := rbac.Roles(team).Create(ctx, wider, metav1.CreateOptions{})
	binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "to-cluster-admin"},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole",
			Name: "cluster-admin"},
		Subjects: []rbacv1.Subject{{Kind: "User", Name: alice}}}
	_, bindErr := rbac.RoleBindings(team).Create(ctx, binding, metav1.CreateOptions{})
	for _, err := range []error{roleErr, bindErr} {
		if !apierrors.IsForbidden(err) {
			t.Fatalf("got %v, want forbidden", err)
		}
	}

	return []metav1.Status{statusOf(t, roleErr), statusOf(t, bindErr)}
}

func dryRunCreate(t *testing.T, c *cluster) any {
	cs := c.client(t, admin)
	ctx := context.Background()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "dry"},
		Data: map[string]string{"k": "v"}}
	got, err := cs.CoreV1().ConfigMaps(team).Create(ctx, cm,
		metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if err != nil {
		t.Fatalf("creating in a dry run: %v", err)
	}
	_, err = cs.CoreV1().ConfigMaps(team).Get(ctx, "dry", metav1.GetOptions{})

	return map[string]any{"data": got.Data, "hasUID": got.UID != "",
		"hasResourceVersion": got.ResourceVersion != "", "stored": !apierrors.IsNotFound(err)}
}

// tableForGet reads configmaps and rolebindings as kubectl get does, ignoring the ages.
func tableForGet(t *testing.T, c *cluster) any {
	var out []any
	for _, resource := range []string{"configmaps", "rolebindings", "deployments"} {
		raw, err := c.rest(t, admin).Get().AbsPath(tablePath(resource)).
			SetHeader("Accept", tableAccept).Do(context.Background()).Raw()
		if err != nil {
			t.Fatalf("getting the %s table: %v", resource, err)
		}
		var table metav1.Table
		if err := json.Unmarshal(raw, &table); err != nil {
			t.Fatalf("reading the table %s: %v", raw, err)
		}
		out = append(out, describeTable(table))
	}

	return out
}

func tablePath(resource string) string {
	switch resource {
	case "rolebindings":
		return "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings"
	case "deployments":
		return "/apis/apps/v1/namespaces/team/deployments"
	default:
		return "/api/v1/namespaces/team/" + resource
	}
}

func describeTable(table metav1.Table) any {
	var columns []any
	var age []int
	for i, col := range table.ColumnDefinitions {
		columns = append(columns, []any{col.Name, col.Type, col.Format, col.Priority})
		if col.Name == "Age" || col.Name == "Created At" {
			age = append(age, i)
		}
	}
	var rows []any
	for _, row := range table.Rows {
		var cells []any
		for i, cell := range row.Cells {
			if !slices.Contains(age, i) {
				cells = append(cells, cell)
			}
		}
		var meta metav1.PartialObjectMetadata
		_ = json.Unmarshal(row.Object.Raw, &meta)
		rows = append(rows, []any{cells, meta.Kind, meta.Name})
	}

	return map[string]any{"kind": table.Kind, "columns": columns, "rows": rows}
}

func discovery(t *testing.T, c *cluster) any {
	disco := c.client(t, admin).Discovery()
	var out []any
	for gv, names := range map[string][]string{
		"v1": {"configmaps", "namespaces", "pods", "secrets",
			"serviceaccounts"},
		"apps/v1": {"deployments"},
		"rbac.authorization.k8s.io/v1": {"clusterrolebindings", "clusterroles",
			"rolebindings", "roles"},
		"authorization.k8s.io/v1":  {"selfsubjectaccessreviews"},
		"authentication.k8s.io/v1": {"selfsubjectreviews"},
	} {
		list, err := disco.ServerResourcesForGroupVersion(gv)
		if err != nil {
			t.Fatalf("discovering %s: %v", gv, err)
		}
		for _, r := range list.APIResources {
			if slices.Contains(names, r.Name) {
				out = append(out, []any{gv, r.Name, r.SingularName, r.Namespaced, r.Kind,
					r.ShortNames, r.Categories})
			}
		}
	}
	slices.SortFunc(out, func(a, b any) int {
		return strings.Compare(a.([]any)[1].(string), b.([]any)[1].(string))
	})

	return out
}

package kubesim_test

import (
	"context"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

const (
	kubeSystem = "kube-system"
	team       = "team"   // viewer may view, nsadmin may administer
	broken     = "broken" // alice is bound to a role that does not exist
	mapRoles   = "- rolearn: arn:aws:iam::111122223333:role/nodes\n" +
		"  username: system:node:{{EC2PrivateDNSName}}\n" +
		"  groups:\n  - system:bootstrappers\n  - system:nodes\n"
)

// setUpTeam creates the namespaces and bindings the cases rely on.
func setUpTeam(t *testing.T, c *cluster) {
	t.Helper()
	cs := c.client(t, admin)
	ctx := context.Background()
	for _, ns := range []string{team, broken} {
		_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{
			ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("%s: creating namespace %s: %v", c.name, ns, err)
		}
	}
	bind(t, c, team, "viewers", "view", rbacv1.Subject{Kind: "User", Name: viewer})
	bind(t, c, team, "admins", "admin", rbacv1.Subject{Kind: "User", Name: nsAdmin})
	bind(t, c, broken, "dangling", "no-such-role", rbacv1.Subject{Kind: "User", Name: alice})
	createConfigMap(t, cs, team, "settings", map[string]string{"color": "blue"})
}

func bind(t *testing.T, c *cluster, ns, name, role string, sub rbacv1.Subject) {
	t.Helper()
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   []rbacv1.Subject{sub},
	}
	_, err := c.client(t, admin).RbacV1().RoleBindings(ns).Create(context.Background(), rb,
		metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("%s: creating rolebinding %s/%s: %v", c.name, ns, name, err)
	}
}

func createConfigMap(t *testing.T, cs kubernetes.Interface, ns, name string,
	data map[string]string,
) *corev1.ConfigMap {
	t.Helper()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: data}
	out, err := cs.CoreV1().ConfigMaps(ns).Create(context.Background(), cm, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating configmap %s/%s: %v", ns, name, err)
	}

	return out
}

// awsAuth returns the aws-auth ConfigMap, creating it first when it does not exist.
func awsAuth(t *testing.T, cs kubernetes.Interface) *corev1.ConfigMap {
	t.Helper()
	cm, err := cs.CoreV1().ConfigMaps(kubeSystem).Get(context.Background(), "aws-auth",
		metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		data := map[string]string{"mapRoles": mapRoles}

		return createConfigMap(t, cs, kubeSystem, "aws-auth", data)
	}
	if err != nil {
		t.Fatalf("reading aws-auth: %v", err)
	}

	return cm
}

func contractCases() []contractCase {
	return []contractCase{
		{"create and read aws-auth", createAndReadAWSAuth},
		{"update with the read resourceVersion", updateWithReadVersion},
		{"update with a stale resourceVersion", updateStale},
		{"get a missing configmap", getMissing},
		{"create an existing configmap", createExisting},
		{"create in a missing namespace", createInMissingNamespace},
		{"create with an invalid name and key", createInvalid},
		{"user without RBAC", userWithoutRBAC},
		{"binding to a missing role", bindingToMissingRole},
		{"view through a RoleBinding", viewThroughRoleBinding},
		{"unauthenticated", unauthenticated},
		{"secret stringData", secretStringData},
		{"self subject access review", selfSubjectAccessReview},
		{"self subject review", selfSubjectReview},
		{"merge and strategic merge patch", patchConfigMap},
		{"patch with a stale resourceVersion", patchStale},
		{"delete", deleteConfigMap},
		{"list with a label selector", listWithSelector},
		{"namespace deletion", deleteNamespace},
		{"deployment defaults", deploymentDefaults},
		{"role escalation", roleEscalation},
		{"dry run create", dryRunCreate},
		{"table for kubectl get", tableForGet},
		{"discovery", discovery},
	}
}

func allContractCases() []contractCase {
	return append(contractCases(), edgeCases()...)
}

func createAndReadAWSAuth(t *testing.T, c *cluster) any {
	cs := c.client(t, admin)
	created := awsAuth(t, cs)
	got, err := cs.CoreV1().ConfigMaps(kubeSystem).Get(context.Background(), "aws-auth",
		metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading aws-auth: %v", err)
	}
	if got.UID == "" || got.ResourceVersion == "" || got.CreationTimestamp.IsZero() {
		t.Errorf("aws-auth lacks server-set fields: %+v", got.ObjectMeta)
	}
	if got.ResourceVersion != created.ResourceVersion || got.UID != created.UID {
		t.Errorf("read %s/%s, created %s/%s", got.UID, got.ResourceVersion, created.UID,
			created.ResourceVersion)
	}

	return map[string]any{"name": got.Name, "namespace": got.Namespace, "data": got.Data}
}

func updateWithReadVersion(t *testing.T, c *cluster) any {
	cs := c.client(t, admin)
	cm := awsAuth(t, cs)
	before := cm.ResourceVersion
	cm.Data["mapUsers"] = "[]\n"
	updated, err := cs.CoreV1().ConfigMaps(kubeSystem).Update(context.Background(), cm,
		metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("updating aws-auth: %v", err)
	}
	if updated.ResourceVersion == before {
		t.Errorf("resourceVersion stayed %s after a change", before)
	}
	again, err := cs.CoreV1().ConfigMaps(kubeSystem).Update(context.Background(), updated,
		metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("updating aws-auth unchanged: %v", err)
	}

	return map[string]any{"data": updated.Data,
		"noOpKeepsVersion": again.ResourceVersion == updated.ResourceVersion}
}

func updateStale(t *testing.T, c *cluster) any {
	cs := c.client(t, admin)
	cm := awsAuth(t, cs)
	fresh := cm.DeepCopy()
	fresh.Data["touched"] = "yes"
	if _, err := cs.CoreV1().ConfigMaps(kubeSystem).Update(context.Background(), fresh,
		metav1.UpdateOptions{}); err != nil {
		t.Fatalf("updating aws-auth: %v", err)
	}
	cm.Data["stale"] = "yes"
	_, err := cs.CoreV1().ConfigMaps(kubeSystem).Update(context.Background(), cm,
		metav1.UpdateOptions{})
	if !apierrors.IsConflict(err) {
		t.Fatalf("got %v, want a conflict", err)
	}

	return statusOf(t, err)
}

func getMissing(t *testing.T, c *cluster) any {
	_, err := c.client(t, admin).CoreV1().ConfigMaps(kubeSystem).Get(context.Background(), "x",
		metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		t.Fatalf("got %v, want not found", err)
	}

	return statusOf(t, err)
}

func createExisting(t *testing.T, c *cluster) any {
	cs := c.client(t, admin)
	awsAuth(t, cs)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "aws-auth"}}
	_, err := cs.CoreV1().ConfigMaps(kubeSystem).Create(context.Background(), cm,
		metav1.CreateOptions{})
	if !apierrors.IsAlreadyExists(err) {
		t.Fatalf("got %v, want already exists", err)
	}

	return statusOf(t, err)
}

func createInMissingNamespace(t *testing.T, c *cluster) any {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "x"}}
	_, err := c.client(t, admin).CoreV1().ConfigMaps("no-such-namespace").Create(
		context.Background(), cm, metav1.CreateOptions{})
	if !apierrors.IsNotFound(err) {
		t.Fatalf("got %v, want not found", err)
	}

	return statusOf(t, err)
}

func createInvalid(t *testing.T, c *cluster) any {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "Bad_Name"},
		Data: map[string]string{"a b": "c"}}
	_, err := c.client(t, admin).CoreV1().ConfigMaps(team).Create(context.Background(), cm,
		metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) {
		t.Fatalf("got %v, want invalid", err)
	}

	return statusOf(t, err)
}

func userWithoutRBAC(t *testing.T, c *cluster) any {
	cs := c.client(t, alice)
	ctx := context.Background()
	_, getErr := cs.CoreV1().ConfigMaps(kubeSystem).Get(ctx, "aws-auth", metav1.GetOptions{})
	_, listErr := cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	for _, err := range []error{getErr, listErr} {
		if !apierrors.IsForbidden(err) {
			t.Fatalf("got %v, want forbidden", err)
		}
	}

	return []metav1.Status{statusOf(t, getErr), statusOf(t, listErr)}
}

func bindingToMissingRole(t *testing.T, c *cluster) any {
	_, err := c.client(t, alice).CoreV1().Secrets(broken).List(context.Background(),
		metav1.ListOptions{})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("got %v, want forbidden", err)
	}

	return statusOf(t, err)
}

func viewThroughRoleBinding(t *testing.T, c *cluster) any {
	cs := c.client(t, viewer)
	ctx := context.Background()
	cm, err := cs.CoreV1().ConfigMaps(team).Get(ctx, "settings", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("viewer reading settings: %v", err)
	}
	cm.Data["color"] = "red"
	_, updateErr := cs.CoreV1().ConfigMaps(team).Update(ctx, cm, metav1.UpdateOptions{})
	_, secretErr := cs.CoreV1().Secrets(team).List(ctx, metav1.ListOptions{})
	_, otherErr := cs.CoreV1().ConfigMaps(kubeSystem).List(ctx, metav1.ListOptions{})
	for _, err := range []error{updateErr, secretErr, otherErr} {
		if !apierrors.IsForbidden(err) {
			t.Fatalf("got %v, want forbidden", err)
		}
	}

	return []metav1.Status{statusOf(t, updateErr), statusOf(t, secretErr), statusOf(t, otherErr)}
}

func unauthenticated(t *testing.T, c *cluster) any {
	ctx := context.Background()
	bad := c.config("not-a-token")
	cs := kubernetes.NewForConfigOrDie(bad)
	_, badErr := cs.CoreV1().ConfigMaps(kubeSystem).Get(ctx, "aws-auth", metav1.GetOptions{})
	if !apierrors.IsUnauthorized(badErr) {
		t.Fatalf("got %v, want unauthorized", badErr)
	}
	anonymous := kubernetes.NewForConfigOrDie(c.config(""))
	_, anonErr := anonymous.CoreV1().ConfigMaps(kubeSystem).Get(ctx, "aws-auth",
		metav1.GetOptions{})
	if !apierrors.IsForbidden(anonErr) {
		t.Fatalf("got %v, want forbidden for system:anonymous", anonErr)
	}

	return []metav1.Status{statusOf(t, badErr), statusOf(t, anonErr)}
}

func secretStringData(t *testing.T, c *cluster) any {
	cs := c.client(t, admin)
	sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "prefect-api-key"},
		StringData: map[string]string{"key": "pnu_secret"},
		Data:       map[string][]byte{"key": []byte("overwritten"), "other": []byte("kept")}}
	created, err := cs.CoreV1().Secrets(team).Create(context.Background(), sec,
		metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating the secret: %v", err)
	}
	got, err := cs.CoreV1().Secrets(team).Get(context.Background(), sec.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading the secret: %v", err)
	}
	if created.StringData != nil || got.StringData != nil {
		t.Errorf("stringData came back: %v, %v", created.StringData, got.StringData)
	}

	return map[string]any{"data": got.Data, "type": got.Type}
}

func selfSubjectAccessReview(t *testing.T, c *cluster) any {
	ask := func(user, ns, verb, resource string) authorizationv1.SubjectAccessReviewStatus {
		review := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.
			SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
			Namespace: ns, Verb: verb, Resource: resource}}}
		out, err := c.client(t, user).AuthorizationV1().SelfSubjectAccessReviews().Create(
			context.Background(), review, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("reviewing %s %s for %s: %v", verb, resource, user, err)
		}

		return out.Status
	}

	return []authorizationv1.SubjectAccessReviewStatus{
		ask(admin, kubeSystem, "update", "configmaps"),
		ask(alice, kubeSystem, "get", "configmaps"),
		ask(alice, broken, "get", "configmaps"),
		ask(viewer, team, "list", "configmaps"),
		ask(viewer, team, "update", "configmaps"),
		ask(nsAdmin, team, "create", "rolebindings"),
	}
}

func selfSubjectReview(t *testing.T, c *cluster) any {
	out, err := c.client(t, viewer).AuthenticationV1().SelfSubjectReviews().Create(
		context.Background(), &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("asking who am I: %v", err)
	}

	return out.Status.UserInfo
}

func patchConfigMap(t *testing.T, c *cluster) any {
	cs := c.client(t, admin)
	ctx := context.Background()
	createConfigMap(t, cs, team, "patched", map[string]string{"a": "1", "b": "2"})
	merge := []byte(`{"data":{"a":null,"c":"3"}}`)
	_, err := cs.CoreV1().ConfigMaps(team).Patch(ctx, "patched", types.MergePatchType, merge,
		metav1.PatchOptions{})
	if err != nil {
		t.Fatalf("merge patching: %v", err)
	}
	strategic := []byte(`{"metadata":{"labels":{"app":"onramp"}},"data":{"d":"4"}}`)
	got, err := cs.CoreV1().ConfigMaps(team).Patch(ctx, "patched", types.StrategicMergePatchType,
		strategic, metav1.PatchOptions{})
	if err != nil {
		t.Fatalf("strategic merge patching: %v", err)
	}

	return map[string]any{"data": got.Data, "labels": got.Labels}
}

func patchStale(t *testing.T, c *cluster) any {
	cs := c.client(t, admin)
	cm := awsAuth(t, cs)
	patch := []byte(`{"metadata":{"resourceVersion":"1"},"data":{"x":"y"}}`)
	if cm.ResourceVersion == "1" {
		t.Fatal("aws-auth is at resourceVersion 1")
	}
	_, err := cs.CoreV1().ConfigMaps(kubeSystem).Patch(context.Background(), "aws-auth",
		types.MergePatchType, patch, metav1.PatchOptions{})
	if !apierrors.IsConflict(err) {
		t.Fatalf("got %v, want a conflict", err)
	}

	return statusOf(t, err)
}

package kubesim_test

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

// edgeCases are the refusals onramp's bad input can run into.
func edgeCases() []contractCase {
	return []contractCase{
		{"update a missing configmap", updateMissing},
		{"bodies that do not fit the URL", mismatchedBodies},
		{"failed JSON patch test", failedJSONPatch},
		{"strict field validation", strictFields},
		{"invalid updates", invalidUpdates},
		{"invalid deployment", invalidDeployment},
		{"delete with a stale precondition", deleteStale},
		{"access review of paths and bad reviews", pathAccessReview},
		{"generated names", generatedNames},
	}
}

func updateMissing(t *testing.T, c *cluster) any {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "never-created"}}
	_, err := c.client(t, admin).CoreV1().ConfigMaps(team).Update(context.Background(), cm,
		metav1.UpdateOptions{})
	if !apierrors.IsNotFound(err) {
		t.Fatalf("got %v, want not found", err)
	}

	return statusOf(t, err)
}

// mismatchedBodies sends raw bodies naming another namespace, name or kind than the URL.
func mismatchedBodies(t *testing.T, c *cluster) any {
	send := func(verb, name, body string) metav1.Status {
		req := c.rest(t, admin).Verb(verb).Namespace(team).Resource("configmaps").
			SetHeader("Content-Type", "application/json").Body([]byte(body))
		if name != "" {
			req = req.Name(name)
		}
		err := req.Do(context.Background()).Error()
		if err == nil {
			t.Fatalf("%s %s succeeded", verb, body)
		}

		return statusOf(t, err)
	}

	return []metav1.Status{
		send("POST", "", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x",`+
			`"namespace":"default"}}`),
		send("PUT", "settings", `{"apiVersion":"v1","kind":"ConfigMap","metadata":`+
			`{"name":"other"}}`),
		send("POST", "", `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}`),
		send("POST", "", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},`+
			`"data":`),
	}
}

func failedJSONPatch(t *testing.T, c *cluster) any {
	patch := []byte(`[{"op":"test","path":"/data/color","value":"green"}]`)
	_, err := c.client(t, admin).CoreV1().ConfigMaps(team).Patch(context.Background(),
		"settings", types.JSONPatchType, patch, metav1.PatchOptions{})
	if !apierrors.IsInvalid(err) {
		t.Fatalf("got %v, want invalid", err)
	}

	return statusOf(t, err)
}

func strictFields(t *testing.T, c *cluster) any {
	body := []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"strict"},` +
		`"data":{"a":"b"},"dta":{"c":"d"}}`)
	err := c.rest(t, admin).Post().Namespace(team).Resource("configmaps").
		Param("fieldValidation", "Strict").SetHeader("Content-Type", "application/json").
		Body(body).Do(context.Background()).Error()
	if !apierrors.IsBadRequest(err) {
		t.Fatalf("got %v, want a bad request", err)
	}
	result := c.rest(t, admin).Post().Namespace(team).Resource("configmaps").
		SetHeader("Content-Type", "application/json").Body(body).Do(context.Background())
	if result.Error() != nil {
		t.Fatalf("creating with an unknown field leniently: %v", result.Error())
	}
	var warnings []string
	for _, w := range result.Warnings() {
		warnings = append(warnings, w.Text)
	}

	return map[string]any{"strict": statusOf(t, err), "warnings": warnings}
}

func invalidUpdates(t *testing.T, c *cluster) any {
	cs := c.client(t, admin)
	ctx := context.Background()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "frozen"},
		Data: map[string]string{"a": "b"}, Immutable: ptr.To(true)}
	cm, err := cs.CoreV1().ConfigMaps(team).Create(ctx, cm, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating the immutable configmap: %v", err)
	}
	cm.Data["a"] = "c"
	_, cmErr := cs.CoreV1().ConfigMaps(team).Update(ctx, cm, metav1.UpdateOptions{})
	sec, err := cs.CoreV1().Secrets(team).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "typed"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating the secret: %v", err)
	}
	sec.Type = corev1.SecretTypeBasicAuth
	_, secErr := cs.CoreV1().Secrets(team).Update(ctx, sec, metav1.UpdateOptions{})
	rb, err := cs.RbacV1().RoleBindings(team).Get(ctx, "viewers", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading the rolebinding: %v", err)
	}
	rb.RoleRef.Name = "edit"
	_, rbErr := cs.RbacV1().RoleBindings(team).Update(ctx, rb, metav1.UpdateOptions{})

	return []metav1.Status{statusOf(t, cmErr), statusOf(t, secErr), statusOf(t, rbErr)}
}

func invalidDeployment(t *testing.T, c *cluster) any {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "broken"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "a"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "b"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}},
			},
		}}
	_, err := c.client(t, admin).AppsV1().Deployments(team).Create(context.Background(), d,
		metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) {
		t.Fatalf("got %v, want invalid", err)
	}

	return statusOf(t, err)
}

func deleteStale(t *testing.T, c *cluster) any {
	configMaps := c.client(t, admin).CoreV1().ConfigMaps(team)
	ctx := context.Background()
	cm, err := configMaps.Get(ctx, "settings", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading settings: %v", err)
	}
	err = configMaps.Delete(ctx, "settings", metav1.DeleteOptions{
		Preconditions: &metav1.Preconditions{ResourceVersion: ptr.To("1")}})
	if !apierrors.IsConflict(err) {
		t.Fatalf("got %v, want a conflict", err)
	}
	status := statusOf(t, err)
	status.Message = strings.ReplaceAll(status.Message, "("+cm.ResourceVersion+")", "(RV)")

	return status
}

func pathAccessReview(t *testing.T, c *cluster) any {
	reviews := c.client(t, alice).AuthorizationV1().SelfSubjectAccessReviews()
	ctx := context.Background()
	path := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.
		SelfSubjectAccessReviewSpec{NonResourceAttributes: &authorizationv1.NonResourceAttributes{
		Path: "/apis/apps", Verb: "get"}}}
	got, err := reviews.Create(ctx, path, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("reviewing a path: %v", err)
	}
	_, badErr := reviews.Create(ctx, &authorizationv1.SelfSubjectAccessReview{},
		metav1.CreateOptions{})
	if !apierrors.IsInvalid(badErr) {
		t.Fatalf("got %v, want invalid", badErr)
	}

	return map[string]any{"path": got.Status, "empty": statusOf(t, badErr)}
}

func generatedNames(t *testing.T, c *cluster) any {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{GenerateName: "aws-auth-backup-"}}
	got, err := c.client(t, admin).CoreV1().ConfigMaps(team).Create(context.Background(), cm,
		metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating with a generated name: %v", err)
	}
	suffix, ok := strings.CutPrefix(got.Name, cm.GenerateName)

	return map[string]any{"prefixed": ok, "suffixLength": len(suffix),
		"generateName": got.GenerateName}
}

package kubesim

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/duration"
)

// tableFormat is how the real server prints a resource for kubectl get: the columns after
// Name, and their cells for one object.
type tableFormat struct {
	columns []metav1.TableColumnDefinition
	cells   func(obj runtime.Object, now time.Time) []any
}

func column(name, kind, format string, priority int32, about string,
) metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: name, Type: kind, Format: format,
		Priority: priority, Description: about}
}

var (
	nameColumn = column("Name", "string", "name", 0, "The name of the object.")
	ageColumn  = column("Age", "string", "", 0, "How long ago the object was created.")
	wideColumn = func(name, about string) metav1.TableColumnDefinition {
		return column(name, "string", "", 1, about)
	}
)

var (
	plainTable = tableFormat{
		columns: []metav1.TableColumnDefinition{ageColumn},
		cells:   func(obj runtime.Object, now time.Time) []any { return []any{age(obj, now)} },
	}
	namespaceTable = tableFormat{
		columns: []metav1.TableColumnDefinition{
			column("Status", "string", "", 0, "The lifecycle phase of the namespace."), ageColumn},
		cells: func(obj runtime.Object, now time.Time) []any {
			return []any{string(obj.(*corev1.Namespace).Status.Phase), age(obj, now)}
		},
	}
	configMapTable = tableFormat{
		columns: []metav1.TableColumnDefinition{
			column("Data", "string", "", 0, "The number of data keys."), ageColumn},
		cells: func(obj runtime.Object, now time.Time) []any {
			cm := obj.(*corev1.ConfigMap)

			return []any{int64(len(cm.Data) + len(cm.BinaryData)), age(obj, now)}
		},
	}
	secretTable = tableFormat{
		columns: []metav1.TableColumnDefinition{
			column("Type", "string", "", 0, "The type of the secret."),
			column("Data", "string", "", 0, "The number of data keys."), ageColumn},
		cells: func(obj runtime.Object, now time.Time) []any {
			sec := obj.(*corev1.Secret)

			return []any{string(sec.Type), int64(len(sec.Data)), age(obj, now)}
		},
	}
	roleTable = tableFormat{
		columns: []metav1.TableColumnDefinition{
			column("Created At", "date", "", 0, "When the role was created.")},
		cells: func(obj runtime.Object, _ time.Time) []any {
			return []any{mustMeta(obj).GetCreationTimestamp().UTC().Format(time.RFC3339)}
		},
	}
	bindingTable = tableFormat{
		columns: []metav1.TableColumnDefinition{
			column("Role", "string", "", 0, "The role bound."), ageColumn,
			wideColumn("Users", "The users bound."), wideColumn("Groups", "The groups bound."),
			wideColumn("ServiceAccounts", "The service accounts bound.")},
		cells: bindingCells,
	}
	deploymentTable = tableFormat{
		columns: []metav1.TableColumnDefinition{
			column("Ready", "string", "", 0, "Ready replicas of the desired ones."),
			column("Up-to-date", "string", "", 0, "Replicas running the latest template."),
			column("Available", "string", "", 0, "Replicas available to serve."), ageColumn,
			wideColumn("Containers", "The containers of the pod template."),
			wideColumn("Images", "The images of the pod template."),
			wideColumn("Selector", "The label selector of the pods.")},
		cells: deploymentCells,
	}
	podTable = tableFormat{
		columns: []metav1.TableColumnDefinition{
			column("Ready", "string", "", 0, "Ready containers of all."),
			column("Status", "string", "", 0, "The pod's phase or reason."),
			column("Restarts", "string", "", 0, "Container restarts."), ageColumn,
			wideColumn("IP", "The pod's IP address."), wideColumn("Node", "The node it runs on."),
			wideColumn("Nominated Node", "The node it is nominated for."),
			wideColumn("Readiness Gates", "Ready gates of all.")},
		cells: podCells,
	}
)

// table prints objects as the real server answers a kubectl get: a meta.k8s.io/v1 Table
// whose rows carry the object's metadata, the whole object, or nothing, as the request's
// includeObject asks.
func (s *Server) table(r *http.Request, rt *resourceType, objs []runtime.Object,
	lm metav1.ListMeta,
) (*metav1.Table, error) {
	include := metav1.IncludeObjectPolicy(r.URL.Query().Get("includeObject"))
	t := &metav1.Table{ListMeta: lm, Rows: []metav1.TableRow{}}
	t.ColumnDefinitions = append([]metav1.TableColumnDefinition{nameColumn}, rt.table.columns...)
	now := s.now()
	for _, obj := range objs {
		row, err := tableRow(rt, obj, now, include)
		if err != nil {
			return nil, apierrors.NewInternalError(err)
		}
		t.Rows = append(t.Rows, row)
	}

	return t, nil
}

func tableRow(rt *resourceType, obj runtime.Object, now time.Time,
	include metav1.IncludeObjectPolicy,
) (metav1.TableRow, error) {
	cells := append([]any{mustMeta(obj).GetName()}, rt.table.cells(obj, now)...)
	row := metav1.TableRow{Cells: cells}
	var rowObj runtime.Object
	switch include {
	case metav1.IncludeNone:
		return row, nil
	case metav1.IncludeObject:
		rowObj = obj
	default:
		rowObj = partialMetadata(obj)
	}
	raw, err := encode(jsonInfo().Serializer, rowObj)
	if err != nil {
		return row, fmt.Errorf("encoding a table row: %w", err)
	}
	row.Object.Raw = raw

	return row, nil
}

func partialMetadata(obj runtime.Object) *metav1.PartialObjectMetadata {
	m := mustMeta(obj)
	p := &metav1.PartialObjectMetadata{}
	p.Name, p.Namespace, p.UID = m.GetName(), m.GetNamespace(), m.GetUID()
	p.ResourceVersion, p.CreationTimestamp = m.GetResourceVersion(), m.GetCreationTimestamp()
	p.Generation, p.Labels, p.Annotations = m.GetGeneration(), m.GetLabels(), m.GetAnnotations()
	p.DeletionTimestamp, p.OwnerReferences = m.GetDeletionTimestamp(), m.GetOwnerReferences()
	p.Finalizers = m.GetFinalizers()

	return p
}

// age prints how old an object is the way kubectl's columns do.
func age(obj runtime.Object, now time.Time) string {
	created := mustMeta(obj).GetCreationTimestamp()
	if created.IsZero() {
		return "<unknown>"
	}

	return duration.HumanDuration(now.Sub(created.Time))
}

func bindingCells(obj runtime.Object, now time.Time) []any {
	var ref rbacv1.RoleRef
	var subjects []rbacv1.Subject
	switch b := obj.(type) {
	case *rbacv1.RoleBinding:
		ref, subjects = b.RoleRef, b.Subjects
	case *rbacv1.ClusterRoleBinding:
		ref, subjects = b.RoleRef, b.Subjects
	}
	var users, groups, sas []string
	for _, sub := range subjects {
		switch sub.Kind {
		case rbacv1.UserKind:
			users = append(users, sub.Name)
		case rbacv1.GroupKind:
			groups = append(groups, sub.Name)
		case rbacv1.ServiceAccountKind:
			sas = append(sas, sub.Namespace+"/"+sub.Name)
		}
	}

	return []any{ref.Kind + "/" + ref.Name, age(obj, now), strings.Join(users, ", "),
		strings.Join(groups, ", "), strings.Join(sas, ", ")}
}

func deploymentCells(obj runtime.Object, now time.Time) []any {
	d := obj.(*appsv1.Deployment)
	var desired int32
	if d.Spec.Replicas != nil {
		desired = *d.Spec.Replicas
	}
	var names, images []string
	for _, c := range d.Spec.Template.Spec.Containers {
		names, images = append(names, c.Name), append(images, c.Image)
	}
	selector := "<none>"
	if sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err == nil {
		selector = sel.String()
	}

	return []any{fmt.Sprintf("%d/%d", d.Status.ReadyReplicas, desired),
		int64(d.Status.UpdatedReplicas), int64(d.Status.AvailableReplicas), age(obj, now),
		strings.Join(names, ","), strings.Join(images, ","), selector}
}

func podCells(obj runtime.Object, now time.Time) []any {
	pod := obj.(*corev1.Pod)
	ready, restarts := 0, int32(0)
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.Ready {
			ready++
		}
		restarts += cs.RestartCount
	}
	status := string(pod.Status.Phase)
	if pod.Status.Reason != "" {
		status = pod.Status.Reason
	}
	ip, node := orNone(pod.Status.PodIP), orNone(pod.Spec.NodeName)

	return []any{fmt.Sprintf("%d/%d", ready, len(pod.Spec.Containers)), status,
		fmt.Sprint(restarts), age(obj, now), ip, node, orNone(pod.Status.NominatedNodeName),
		"<none>"}
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}

	return s
}

package kubesim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
)

// selector is a list request's label and field selectors.
type selector struct {
	labels labels.Selector
	fields fields.Selector
}

func (s *Server) serveList(w http.ResponseWriter, r *http.Request, rt *resourceType,
	a attributes,
) {
	respond(w, r, http.StatusOK, func(out output) (runtime.Object, []string, error) {
		var opts metav1.ListOptions
		err := paramCodec.DecodeParameters(r.URL.Query(), unversioned, &opts)
		if err != nil {
			return nil, nil, apierrors.NewBadRequest(err.Error())
		}
		items, lm, err := s.listPage(rt, scopeNamespace(rt, a), opts)
		if err != nil {
			return nil, nil, err
		}
		if out.table {
			table, err := s.table(r, rt, items, lm)

			return table, nil, err
		}

		return newList(rt, items, lm), nil, nil
	})
}

// newList wraps items in the resource's list kind.
func newList(rt *resourceType, items []runtime.Object, lm metav1.ListMeta) runtime.Object {
	list := rt.newList()
	_ = meta.SetList(list, items)
	access, _ := meta.ListAccessor(list)
	access.SetResourceVersion(lm.ResourceVersion)
	access.SetContinue(lm.Continue)
	access.SetRemainingItemCount(lm.RemainingItemCount)

	return list
}

// listPage selects the objects a list request asks for, one page of them when it sets a limit.
func (s *Server) listPage(rt *resourceType, namespace string, opts metav1.ListOptions,
) ([]runtime.Object, metav1.ListMeta, error) {
	sel, err := parseSelector(rt, opts)
	if err != nil {
		return nil, metav1.ListMeta{}, err
	}
	start, err := decodeContinue(opts.Continue)
	if err != nil {
		return nil, metav1.ListMeta{}, err
	}
	all, rv := s.snapshot(rt, namespace)
	if start.RV != "" {
		rv = start.RV
	}
	var items []runtime.Object
	for _, obj := range all {
		if after(obj, start) && sel.matches(obj) {
			items = append(items, obj)
		}
	}

	return paginate(items, opts.Limit, rv)
}

// snapshot returns the objects of a resource and the resourceVersion they were read at.
func (s *Server) snapshot(rt *resourceType, namespace string) ([]runtime.Object, string) {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.store.list(rt, namespace), s.store.version()
}

func parseSelector(rt *resourceType, opts metav1.ListOptions) (selector, error) {
	ls, err := labels.Parse(opts.LabelSelector)
	if err != nil {
		return selector{}, apierrors.NewBadRequest(err.Error())
	}
	fs, err := fields.ParseSelector(opts.FieldSelector)
	if err != nil {
		return selector{}, apierrors.NewBadRequest(err.Error())
	}
	if err := checkFields(rt, fs); err != nil {
		return selector{}, err
	}

	return selector{labels: ls, fields: fs}, nil
}

func (sl selector) matches(obj runtime.Object) bool {
	m := mustMeta(obj)

	return sl.labels.Matches(labels.Set(m.GetLabels())) && sl.fields.Matches(objectFields(obj))
}

// objectFields are the fields a field selector may name: the metadata ones for most
// resources, and the ones the real server indexes for Namespaces, Secrets and Pods.
func objectFields(obj runtime.Object) fields.Set {
	m := mustMeta(obj)
	set := fields.Set{"metadata.name": m.GetName(), "metadata.namespace": m.GetNamespace()}
	switch o := obj.(type) {
	case *corev1.Namespace:
		delete(set, "metadata.namespace")
		set["status.phase"] = string(o.Status.Phase)
	case *corev1.Secret:
		set["type"] = string(o.Type)
	case *corev1.Event:
		addEventFields(set, o)
	case *corev1.Pod:
		set["spec.nodeName"] = o.Spec.NodeName
		set["spec.restartPolicy"] = string(o.Spec.RestartPolicy)
		set["spec.schedulerName"] = o.Spec.SchedulerName
		set["spec.serviceAccountName"] = o.Spec.ServiceAccountName
		set["status.phase"] = string(o.Status.Phase)
		set["status.podIP"] = o.Status.PodIP
		set["status.nominatedNodeName"] = o.Status.NominatedNodeName
	}

	return set
}

func addEventFields(set fields.Set, ev *corev1.Event) {
	ref := ev.InvolvedObject
	set["involvedObject.kind"], set["involvedObject.namespace"] = ref.Kind, ref.Namespace
	set["involvedObject.name"], set["involvedObject.uid"] = ref.Name, string(ref.UID)
	set["involvedObject.apiVersion"] = ref.APIVersion
	set["involvedObject.resourceVersion"] = ref.ResourceVersion
	set["involvedObject.fieldPath"] = ref.FieldPath
	set["reason"], set["reportingComponent"] = ev.Reason, ev.ReportingController
	set["source"], set["type"] = ev.Source.Component, ev.Type
}

// checkFields refuses a field selector naming a field the resource does not index, in the
// words of the real server: the core resources with their own field labels say it one way,
// all others another.
func checkFields(rt *resourceType, fs fields.Selector) error {
	known := objectFields(rt.newObject())
	for _, req := range fs.Requirements() {
		if _, ok := known[req.Field]; ok {
			continue
		}
		if len(known) > 2 || rt.plural == "namespaces" {
			return apierrors.NewBadRequest("field label not supported: " + req.Field)
		}

		return apierrors.NewBadRequest(fmt.Sprintf("%q is not a known field selector: "+
			"only \"metadata.name\", \"metadata.namespace\"", req.Field))
	}

	return nil
}

// continueToken is the decoded form of a list's continue token: where the previous page ended
// and the resourceVersion the listing started at.
type continueToken struct {
	RV        string `json:"rv"`
	Namespace string `json:"ns"`
	Name      string `json:"name"`
}

func decodeContinue(token string) (continueToken, error) {
	var ct continueToken
	if token == "" {
		return ct, nil
	}
	data, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil {
		err = json.Unmarshal(data, &ct)
	}
	if err != nil {
		return ct, apierrors.NewBadRequest(fmt.Sprintf("continue key is not valid: %v", err))
	}

	return ct, nil
}

func after(obj runtime.Object, start continueToken) bool {
	if start.RV == "" {
		return true
	}
	m := mustMeta(obj)
	if m.GetNamespace() != start.Namespace {
		return m.GetNamespace() > start.Namespace
	}

	return m.GetName() > start.Name
}

func paginate(items []runtime.Object, limit int64, rv string,
) ([]runtime.Object, metav1.ListMeta, error) {
	lm := metav1.ListMeta{ResourceVersion: rv}
	if limit <= 0 || int64(len(items)) <= limit {
		return items, lm, nil
	}
	last := mustMeta(items[limit-1])
	data, err := json.Marshal(continueToken{RV: rv, Namespace: last.GetNamespace(),
		Name: last.GetName()})
	if err != nil {
		return nil, lm, apierrors.NewInternalError(err)
	}
	lm.Continue = base64.RawURLEncoding.EncodeToString(data)
	lm.RemainingItemCount = ptr.To(int64(len(items)) - limit)

	return items[:limit], lm, nil
}

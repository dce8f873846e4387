package kubesim

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// protectedNamespaces may not be deleted, as the real server's namespace admission decides.
var protectedNamespaces = []string{"default", "kube-system", "kube-public"}

func (s *Server) serveDelete(w http.ResponseWriter, r *http.Request, rt *resourceType,
	a attributes,
) {
	respond(w, r, http.StatusOK, func(output) (runtime.Object, []string, error) {
		opts, err := deleteOptions(r)
		if err != nil {
			return nil, nil, err
		}
		obj, err := s.locked(func() (runtime.Object, error) {
			return s.delete(rt, scopeNamespace(rt, a), a.name, opts)
		})

		return obj, nil, err
	})
}

// deleteOptions reads DeleteOptions from the body, or from the query when there is no body.
func deleteOptions(r *http.Request) (metav1.DeleteOptions, error) {
	var opts metav1.DeleteOptions
	if err := paramCodec.DecodeParameters(r.URL.Query(), unversioned, &opts); err != nil {
		return opts, apierrors.NewBadRequest(err.Error())
	}
	data, err := readBody(r)
	if err != nil || len(data) == 0 {
		return opts, err
	}
	info, err := inputInfo(r.Header.Get("Content-Type"))
	if err != nil {
		return opts, err
	}
	gvk := unversioned.WithKind("DeleteOptions")
	obj, _, err := info.Serializer.Decode(data, &gvk, &metav1.DeleteOptions{})
	body, ok := obj.(*metav1.DeleteOptions)
	if err != nil || !ok {
		return opts, apierrors.NewBadRequest(fmt.Sprintf("decoding DeleteOptions: %v", err))
	}

	return *body, nil
}

// delete removes an object and answers the way the real server does: a Status for most
// resources, the terminating object for a namespace.
func (s *Server) delete(rt *resourceType, namespace, name string, opts metav1.DeleteOptions,
) (runtime.Object, error) {
	old, ok := s.store.get(rt, namespace, name)
	if !ok {
		return nil, apierrors.NewNotFound(rt.groupResource(), name)
	}
	if err := checkPreconditions(rt, old, opts.Preconditions); err != nil {
		return nil, err
	}
	dryRun := slices.Contains(opts.DryRun, metav1.DryRunAll)
	if ns, ok := old.(*corev1.Namespace); ok {
		return s.deleteNamespace(rt, ns, dryRun)
	}
	if !dryRun {
		s.store.remove(rt, namespace, name)
		s.afterWrite(rt, old)
	}
	m := mustMeta(old)

	return &metav1.Status{Status: metav1.StatusSuccess, Details: &metav1.StatusDetails{
		Name: name, Group: rt.gvk.Group, Kind: rt.plural, UID: m.GetUID(),
	}}, nil
}

func checkPreconditions(rt *resourceType, old runtime.Object, p *metav1.Preconditions) error {
	if p == nil {
		return nil
	}
	m := mustMeta(old)
	var err error
	switch {
	case p.UID != nil && *p.UID != m.GetUID():
		err = fmt.Errorf("the UID in the precondition (%s) does not match the UID in record "+
			"(%s). The object might have been deleted and then recreated", *p.UID, m.GetUID())
	case p.ResourceVersion != nil && *p.ResourceVersion != m.GetResourceVersion():
		err = fmt.Errorf("the ResourceVersion in the precondition (%s) does not match the "+
			"ResourceVersion in record (%s). The object might have been modified",
			*p.ResourceVersion, m.GetResourceVersion())
	}
	if err == nil {
		return nil
	}
	// The real server names the kind here where other conflicts name the resource.
	gr := schema.GroupResource{Group: rt.gvk.Group, Resource: rt.gvk.Kind}

	return apierrors.NewConflict(gr, m.GetName(), err)
}

// deleteNamespace marks a namespace terminating and answers with it, then removes it and its
// contents at once, as the namespace controller of a real cluster does in the background.
func (s *Server) deleteNamespace(rt *resourceType, ns *corev1.Namespace, dryRun bool,
) (runtime.Object, error) {
	if slices.Contains(protectedNamespaces, ns.Name) {
		return nil, apierrors.NewForbidden(rt.groupResource(), ns.Name,
			errors.New("this namespace may not be deleted"))
	}
	now := metav1.NewTime(s.now().UTC().Truncate(1e9))
	ns.DeletionTimestamp = &now
	ns.Status.Phase = corev1.NamespaceTerminating
	if dryRun {
		return ns, nil
	}
	s.store.put(rt, ns)
	for _, other := range resourceTypes {
		if other.namespaced {
			s.removeAll(other, ns.Name)
		}
	}
	s.store.remove(rt, "", ns.Name)

	return ns, nil
}

func (s *Server) removeAll(rt *resourceType, namespace string) {
	for _, obj := range s.store.list(rt, namespace) {
		s.store.remove(rt, namespace, mustMeta(obj).GetName())
	}
}

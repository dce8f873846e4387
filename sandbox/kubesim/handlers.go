package kubesim

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilrand "k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/apimachinery/pkg/util/uuid"
)

// maxGeneratedBase is the longest generateName prefix kept, leaving room for the suffix.
const maxGeneratedBase = 58

// scopeNamespace is the namespace a request addresses objects of rt in: none for
// cluster-scoped resources.
func scopeNamespace(rt *resourceType, a attributes) string {
	if !rt.namespaced {
		return ""
	}

	return a.namespace
}

// serveFunc runs a request that negotiated out, and returns the object to answer with and
// any warnings.
type serveFunc func(out output) (runtime.Object, []string, error)

// respond negotiates the answer's format, serves the request and writes its outcome: the
// object with code, or the error's Status.
func respond(w http.ResponseWriter, r *http.Request, code int, serve serveFunc) {
	out, err := negotiate(r)
	var obj runtime.Object
	var warnings []string
	if err == nil {
		obj, warnings, err = serve(out)
	}
	if err != nil {
		writeError(w, r, err)

		return
	}
	writeWarnings(w, warnings)
	writeObject(w, out, code, obj)
}

func (s *Server) serveGet(w http.ResponseWriter, r *http.Request, rt *resourceType,
	a attributes,
) {
	respond(w, r, http.StatusOK, func(out output) (runtime.Object, []string, error) {
		s.mu.Lock()
		obj, ok := s.store.get(rt, scopeNamespace(rt, a), a.name)
		s.mu.Unlock()
		if !ok {
			return nil, nil, apierrors.NewNotFound(rt.groupResource(), a.name)
		}
		if !out.table {
			return obj, nil, nil
		}
		lm := metav1.ListMeta{ResourceVersion: mustMeta(obj).GetResourceVersion()}
		table, err := s.table(r, rt, []runtime.Object{obj}, lm)

		return table, nil, err
	})
}

func (s *Server) serveCreate(w http.ResponseWriter, r *http.Request, rt *resourceType,
	a attributes,
) {
	respond(w, r, http.StatusCreated, func(output) (runtime.Object, []string, error) {
		obj, warnings, err := decodeBody(r, rt.gvk)
		if err == nil {
			err = placeInNamespace(obj, rt, a.namespace)
		}
		if err == nil {
			obj, err = s.locked(func() (runtime.Object, error) {
				return s.create(rt, obj, &a.user, isDryRun(r))
			})
		}

		return obj, warnings, err
	})
}

func (s *Server) serveUpdate(w http.ResponseWriter, r *http.Request, rt *resourceType,
	a attributes,
) {
	respond(w, r, http.StatusOK, func(output) (runtime.Object, []string, error) {
		obj, warnings, err := decodeBody(r, rt.gvk)
		if err == nil {
			err = checkTarget(obj, rt, a)
		}
		if err == nil {
			obj, err = s.locked(func() (runtime.Object, error) {
				return s.update(rt, obj, &a.user, isDryRun(r))
			})
		}

		return obj, warnings, err
	})
}

// locked runs f with the store locked.
func (s *Server) locked(f func() (runtime.Object, error)) (runtime.Object, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	return f()
}

// placeInNamespace puts a new object in the request's namespace, refusing a body that names
// another one.
func placeInNamespace(obj runtime.Object, rt *resourceType, namespace string) error {
	m := mustMeta(obj)
	if !rt.namespaced {
		m.SetNamespace("")

		return nil
	}
	if m.GetNamespace() != "" && m.GetNamespace() != namespace {
		return bareStatus(http.StatusBadRequest, metav1.StatusReasonBadRequest,
			"the namespace of the provided object does not match the namespace sent on the request")
	}
	m.SetNamespace(namespace)

	return nil
}

// checkTarget refuses an update whose body names another object than its URL.
func checkTarget(obj runtime.Object, rt *resourceType, a attributes) error {
	if name := mustMeta(obj).GetName(); name != a.name {
		return bareStatus(http.StatusBadRequest, metav1.StatusReasonBadRequest, fmt.Sprintf(
			"the name of the object (%s) does not match the name on the URL (%s)", name, a.name))
	}

	return placeInNamespace(obj, rt, scopeNamespace(rt, a))
}

func isDryRun(r *http.Request) bool {
	return slices.Contains(r.URL.Query()["dryRun"], metav1.DryRunAll)
}

// writeWarnings sends warnings the way the real server does, as Warning headers that
// client-go shows.
func writeWarnings(w http.ResponseWriter, warnings []string) {
	for _, msg := range warnings {
		w.Header().Add("Warning", fmt.Sprintf("299 - %q", msg))
	}
}

// create stores a new object as the real server does: the namespace must exist, then the
// server-set fields, defaults and validation, then the name must be free. user is nil for the
// sandbox's own writes, which skip the RBAC escalation check.
func (s *Server) create(rt *resourceType, obj runtime.Object, user *User, dryRun bool,
) (runtime.Object, error) {
	m := mustMeta(obj)
	if err := s.admitNamespace(rt, m.GetNamespace()); err != nil {
		return nil, err
	}
	s.fillCreated(m)
	rt.prepare(obj, nil)
	if err := s.checkEscalation(rt, obj, user); err != nil {
		return nil, err
	}
	if errs := rt.validate(obj, nil); len(errs) > 0 {
		return nil, apierrors.NewInvalid(rt.gvk.GroupKind(), m.GetName(), errs)
	}
	if m.GetResourceVersion() != "" {
		return nil, apierrors.NewInternalError(errors.New(
			"resourceVersion should not be set on objects to be created"))
	}
	if _, ok := s.store.get(rt, m.GetNamespace(), m.GetName()); ok {
		return nil, apierrors.NewAlreadyExists(rt.groupResource(), m.GetName())
	}

	return obj, s.commit(rt, obj, dryRun)
}

// admitNamespace refuses to create a namespaced object in a namespace that does not exist.
func (s *Server) admitNamespace(rt *resourceType, namespace string) error {
	if !rt.namespaced {
		return nil
	}
	nsType := mustResource("namespaces")
	if _, ok := s.store.get(nsType, "", namespace); !ok {
		return apierrors.NewNotFound(nsType.groupResource(), namespace)
	}

	return nil
}

// fillCreated sets the fields the server owns on a new object.
// TODO: managedFields are not kept (they are dropped on create and carried over on update);
// server-side apply would need them, and kubectl hides them by default.
func (s *Server) fillCreated(m metav1.Object) {
	if m.GetName() == "" && m.GetGenerateName() != "" {
		base := m.GetGenerateName()
		m.SetName(base[:min(len(base), maxGeneratedBase)] + utilrand.String(5))
	}
	m.SetUID(uuid.NewUUID())
	m.SetCreationTimestamp(metav1.NewTime(s.now().UTC().Truncate(1e9)))
	m.SetGeneration(0)
	m.SetDeletionTimestamp(nil)
	m.SetDeletionGracePeriodSeconds(nil)
	m.SetSelfLink("")
	m.SetManagedFields(nil)
}

// update replaces a stored object; a resourceVersion in obj must still be the stored one.
func (s *Server) update(rt *resourceType, obj runtime.Object, user *User, dryRun bool,
) (runtime.Object, error) {
	m := mustMeta(obj)
	old, ok := s.store.get(rt, m.GetNamespace(), m.GetName())
	if !ok {
		return nil, apierrors.NewNotFound(rt.groupResource(), m.GetName())
	}
	if rv := m.GetResourceVersion(); rv != "" && rv != mustMeta(old).GetResourceVersion() {
		return nil, staleConflict(rt.groupResource(), m.GetName())
	}

	return s.replace(rt, old, obj, user, dryRun)
}

// replace validates and stores obj in place of old. An update that changes nothing is not
// written, so the resourceVersion stays, as in the real server.
func (s *Server) replace(rt *resourceType, old, obj runtime.Object, user *User, dryRun bool,
) (runtime.Object, error) {
	m, om := mustMeta(obj), mustMeta(old)
	keepServerFields(m, om)
	rt.prepare(obj, old)
	if err := s.checkEscalation(rt, obj, user); err != nil {
		return nil, err
	}
	if errs := rt.validate(obj, old); len(errs) > 0 {
		return nil, apierrors.NewInvalid(rt.gvk.GroupKind(), m.GetName(), errs)
	}
	obj.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
	old.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
	if apiequality.Semantic.DeepEqual(obj, old) {
		return old, nil
	}

	return obj, s.commit(rt, obj, dryRun)
}

func keepServerFields(m, old metav1.Object) {
	if m.GetUID() == "" {
		m.SetUID(old.GetUID())
	}
	m.SetResourceVersion(old.GetResourceVersion())
	m.SetCreationTimestamp(old.GetCreationTimestamp())
	m.SetGeneration(old.GetGeneration())
	m.SetDeletionTimestamp(old.GetDeletionTimestamp())
	m.SetDeletionGracePeriodSeconds(old.GetDeletionGracePeriodSeconds())
	m.SetSelfLink("")
	m.SetManagedFields(old.GetManagedFields())
}

// commit stores obj unless the request is a dry run, and lets the simulated controllers react.
func (s *Server) commit(rt *resourceType, obj runtime.Object, dryRun bool) error {
	if dryRun {
		return nil
	}
	obj.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
	s.store.put(rt, obj)
	s.afterWrite(rt, obj)

	return nil
}

package kubesim

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// objectKey names a stored object the way etcd keys order them: by resource, then namespace,
// then name.
type objectKey struct {
	resource  string
	namespace string
	name      string
}

func keyFor(rt *resourceType, namespace, name string) objectKey {
	return objectKey{resource: rt.groupResource().String(), namespace: namespace, name: name}
}

// store holds the cluster's objects and its resourceVersion counter. It is not safe for
// concurrent use; the Server guards it.
type store struct {
	rv      int64
	objects map[objectKey]runtime.Object
}

func newStore() *store {
	return &store{objects: map[objectKey]runtime.Object{}}
}

// get returns a copy of a stored object.
func (st *store) get(rt *resourceType, namespace, name string) (runtime.Object, bool) {
	obj, ok := st.objects[keyFor(rt, namespace, name)]
	if !ok {
		return nil, false
	}

	return obj.DeepCopyObject(), true
}

// list returns copies of the objects of a resource, in one namespace or in all when namespace
// is empty, in key order.
func (st *store) list(rt *resourceType, namespace string) []runtime.Object {
	resource := rt.groupResource().String()
	var keys []objectKey
	for k := range st.objects {
		if k.resource == resource && (namespace == "" || k.namespace == namespace) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, compareKeys)
	objs := make([]runtime.Object, 0, len(keys))
	for _, k := range keys {
		objs = append(objs, st.objects[k].DeepCopyObject())
	}

	return objs
}

func compareKeys(a, b objectKey) int {
	return cmp.Or(cmp.Compare(a.resource, b.resource), cmp.Compare(a.namespace, b.namespace),
		cmp.Compare(a.name, b.name))
}

// put stores a copy of obj under the next resourceVersion, which it also sets on obj.
func (st *store) put(rt *resourceType, obj runtime.Object) {
	st.rv++
	m := mustMeta(obj)
	m.SetResourceVersion(strconv.FormatInt(st.rv, 10))
	st.objects[keyFor(rt, m.GetNamespace(), m.GetName())] = obj.DeepCopyObject()
}

func (st *store) remove(rt *resourceType, namespace, name string) {
	st.rv++
	delete(st.objects, keyFor(rt, namespace, name))
}

// version is the resourceVersion of the latest write, which lists report.
func (st *store) version() string {
	return strconv.FormatInt(st.rv, 10)
}

func mustMeta(obj runtime.Object) metav1.Object {
	m, err := meta.Accessor(obj)
	if err != nil {
		panic(fmt.Sprintf("kubesim: %T has no object metadata: %v", obj, err))
	}

	return m
}

// snapshot is the file format of Export and Import.
type snapshot struct {
	ResourceVersion int64             `json:"resourceVersion"`
	Objects         []json.RawMessage `json:"objects"`
}

// export encodes every object, with its apiVersion and kind, in key order.
func (st *store) export() ([]byte, error) {
	keys := make([]objectKey, 0, len(st.objects))
	for k := range st.objects {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	snap := snapshot{ResourceVersion: st.rv, Objects: make([]json.RawMessage, 0, len(keys))}
	for _, k := range keys {
		data, err := encode(jsonInfo().Serializer, st.objects[k])
		if err != nil {
			return nil, fmt.Errorf("encoding %s %s/%s: %w", k.resource, k.namespace, k.name, err)
		}
		snap.Objects = append(snap.Objects, data)
	}

	return json.MarshalIndent(snap, "", "  ")
}

// importSnapshot decodes what export wrote into a new store.
func importSnapshot(data []byte) (*store, error) {
	var snap snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		return nil, fmt.Errorf("reading the cluster state: %w", err)
	}
	st := newStore()
	st.rv = snap.ResourceVersion
	for i, raw := range snap.Objects {
		obj, rt, err := decodeStored(raw)
		if err != nil {
			return nil, fmt.Errorf("reading object %d of the cluster state: %w", i, err)
		}
		m := mustMeta(obj)
		obj.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
		st.objects[keyFor(rt, m.GetNamespace(), m.GetName())] = obj
	}

	return st, nil
}

func decodeStored(raw []byte) (runtime.Object, *resourceType, error) {
	obj, _, err := codecs.UniversalDeserializer().Decode(raw, nil, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("decoding: %w", err)
	}
	rt, err := findKind(obj)
	if err != nil {
		return nil, nil, err
	}

	return obj, rt, nil
}

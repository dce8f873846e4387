package kubesim

import (
	"encoding/json"
	"mime"
	"net/http"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
)

// patchRequest is a patch as the request carries it.
type patchRequest struct {
	kind       types.PatchType
	data       []byte
	validation string
	dryRun     bool
	user       *User
}

func (s *Server) servePatch(w http.ResponseWriter, r *http.Request, rt *resourceType,
	a attributes,
) {
	respond(w, r, http.StatusOK, func(output) (runtime.Object, []string, error) {
		p, err := readPatch(r, a)
		if err != nil {
			return nil, nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()

		return s.patch(rt, scopeNamespace(rt, a), a.name, p)
	})
}

func readPatch(r *http.Request, a attributes) (patchRequest, error) {
	kind, err := patchKind(r.Header.Get("Content-Type"))
	if err != nil {
		return patchRequest{}, err
	}
	data, err := readBody(r)
	if err != nil {
		return patchRequest{}, err
	}

	return patchRequest{kind: kind, data: data, dryRun: isDryRun(r), user: &a.user,
		validation: r.URL.Query().Get("fieldValidation")}, nil
}

// patchKind accepts JSON patches, JSON merge patches and strategic merge patches.
func patchKind(contentType string) (types.PatchType, error) {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", unsupportedMediaType()
	}
	switch kind := types.PatchType(mediaType); kind {
	case types.JSONPatchType, types.MergePatchType, types.StrategicMergePatchType:
		return kind, nil
	case types.ApplyYAMLPatchType, types.ApplyCBORPatchType:
		// TODO: server-side apply needs managed fields, which the sandbox does not keep; onramp
		// updates objects with read-modify-write instead.
		return "", newStatus(http.StatusUnsupportedMediaType,
			metav1.StatusReasonUnsupportedMediaType, "server-side apply is not simulated")
	default:
		return "", unsupportedMediaType()
	}
}

// patch applies a patch to the stored object and stores the result like an update: a
// resourceVersion the patch sets must still be the stored one.
func (s *Server) patch(rt *resourceType, namespace, name string, p patchRequest,
) (runtime.Object, []string, error) {
	old, ok := s.store.get(rt, namespace, name)
	if !ok {
		return nil, nil, apierrors.NewNotFound(rt.groupResource(), name)
	}
	patched, err := applyPatch(rt, old, p)
	if err != nil {
		return nil, nil, err
	}
	obj, warnings, err := decodeInto(jsonInfo(), patched, rt.gvk, rt.newObject(), p.validation)
	if err != nil {
		return nil, nil, err
	}
	if mustMeta(obj).GetResourceVersion() != mustMeta(old).GetResourceVersion() {
		return nil, nil, staleConflict(rt.groupResource(), name)
	}
	obj, err = s.replace(rt, old, obj, p.user, p.dryRun)

	return obj, warnings, err
}

func applyPatch(rt *resourceType, old runtime.Object, p patchRequest) ([]byte, error) {
	current, err := encode(jsonInfo().Serializer, old)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	switch p.kind {
	case types.JSONPatchType:
		return applyJSONPatch(current, p.data)
	case types.MergePatchType:
		return mergePatch(current, p.data)
	default:
		out, err := strategicpatch.StrategicMergePatch(current, p.data, rt.newObject())
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}

		return out, nil
	}
}

func mergePatch(current, patch []byte) ([]byte, error) {
	if !json.Valid(patch) {
		return nil, apierrors.NewBadRequest("invalid JSON patch")
	}
	out, err := jsonpatch.MergePatch(current, patch)
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}

	return out, nil
}

// applyJSONPatch applies an RFC 6902 patch; a patch that cannot apply, such as a failed test
// operation, is refused as Invalid with the real server's generic message.
func applyJSONPatch(current, data []byte) ([]byte, error) {
	patch, err := jsonpatch.DecodePatch(data)
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	out, err := patch.Apply(current)
	if err != nil {
		return nil, newStatus(http.StatusUnprocessableEntity, metav1.StatusReasonInvalid,
			"the server rejected our request due to an error in our request")
	}

	return out, nil
}

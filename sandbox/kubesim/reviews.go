package kubesim

import (
	"net/http"
	"slices"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// serveReview answers the self-review APIs, which are created and never stored:
// SelfSubjectAccessReview (may I?) and SelfSubjectReview (who am I?).
func (s *Server) serveReview(w http.ResponseWriter, r *http.Request, rt *resourceType,
	a attributes,
) {
	respond(w, r, http.StatusCreated, func(output) (runtime.Object, []string, error) {
		obj, _, err := decodeBody(r, rt.gvk)
		if err == nil {
			obj, err = s.review(obj, a.user)
		}

		return obj, nil, err
	})
}

func (s *Server) review(obj runtime.Object, user User) (runtime.Object, error) {
	switch o := obj.(type) {
	case *authorizationv1.SelfSubjectAccessReview:
		return s.accessReview(o, user)
	case *authenticationv1.SelfSubjectReview:
		return s.whoAmI(user), nil
	default:
		return nil, apierrors.NewBadRequest("not a review")
	}
}

// accessReview answers whether the caller may do what the review's spec describes.
func (s *Server) accessReview(review *authorizationv1.SelfSubjectAccessReview, user User,
) (runtime.Object, error) {
	spec := review.Spec
	if (spec.ResourceAttributes == nil) == (spec.NonResourceAttributes == nil) {
		errs := field.ErrorList{field.Invalid(field.NewPath("spec"), nil,
			"exactly one of nonResourceAttributes or resourceAttributes must be specified")}
		// The real server leaves the kind out of this refusal.
		gk := schema.GroupKind{Group: authorizationv1.GroupName}

		return nil, apierrors.NewInvalid(gk, "", errs)
	}
	a := reviewAttributes(spec, user)
	allowed, reason := true, ""
	if !slices.Contains(user.Groups, groupMasters) {
		s.mu.Lock()
		allowed, reason = s.decide(a)
		s.mu.Unlock()
	}
	out := &authorizationv1.SelfSubjectAccessReview{Spec: spec}
	out.Status = authorizationv1.SubjectAccessReviewStatus{Allowed: allowed, Reason: reason}

	return out, nil
}

func reviewAttributes(spec authorizationv1.SelfSubjectAccessReviewSpec, user User) attributes {
	if n := spec.NonResourceAttributes; n != nil {
		return attributes{user: user, verb: n.Verb, path: n.Path}
	}
	ra := spec.ResourceAttributes

	return attributes{user: user, verb: ra.Verb, resourceRequest: true, group: ra.Group,
		version: ra.Version, resource: ra.Resource, subresource: ra.Subresource,
		namespace: ra.Namespace, name: ra.Name}
}

// whoAmI describes the caller as the authenticator saw it.
func (s *Server) whoAmI(user User) runtime.Object {
	info := authenticationv1.UserInfo{Username: user.Name, UID: user.UID, Groups: user.Groups}
	if len(user.Extra) > 0 {
		info.Extra = map[string]authenticationv1.ExtraValue{}
		for k, v := range user.Extra {
			info.Extra[k] = v
		}
	}
	review := &authenticationv1.SelfSubjectReview{Status: authenticationv1.SelfSubjectReviewStatus{
		UserInfo: info,
	}}
	review.CreationTimestamp = metav1.NewTime(s.now().UTC().Truncate(1e9))

	return review
}

package kubesim

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/onramp-dev/onramp/sandbox/fault"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// conflictMessage is the real server's explanation of a stale resourceVersion.
const conflictMessage = "the object has been modified; please apply your changes to the " +
	"latest version and try again"

// newStatus returns a failure Status with empty details, the shape of the real server's
// generic errors.
func newStatus(code int, reason metav1.StatusReason, msg string) *apierrors.StatusError {
	return &apierrors.StatusError{ErrStatus: metav1.Status{
		Status:  metav1.StatusFailure,
		Code:    int32(code),
		Reason:  reason,
		Message: msg,
		Details: &metav1.StatusDetails{},
	}}
}

// bareStatus returns a failure Status without details, the shape of the real server's
// BadRequest and Unauthorized answers.
func bareStatus(code int, reason metav1.StatusReason, msg string) *apierrors.StatusError {
	return &apierrors.StatusError{ErrStatus: metav1.Status{
		Status:  metav1.StatusFailure,
		Code:    int32(code),
		Reason:  reason,
		Message: msg,
	}}
}

func notFoundPath() error {
	return newStatus(http.StatusNotFound, metav1.StatusReasonNotFound,
		"the server could not find the requested resource")
}

func staleConflict(gr schema.GroupResource, name string) error {
	return apierrors.NewConflict(gr, name, errors.New(conflictMessage))
}

// faultStatus turns an error of the fault injector into the answer a real cluster gives when
// it is overloaded, down, or failing.
func faultStatus(err error) error {
	switch {
	case errors.Is(err, fault.ErrThrottled):
		return apierrors.NewTooManyRequests("Too many requests, please try again later.", 1)
	case errors.Is(err, fault.ErrUnavailable):
		return apierrors.NewServiceUnavailable(err.Error())
	default: // a *fault.Injected failure of one named call
		return apierrors.NewInternalError(err)
	}
}

// asStatus returns the Status an error is answered with; errors that carry none become
// InternalError, as in the real server.
func asStatus(err error) metav1.Status {
	var api apierrors.APIStatus
	if errors.As(err, &api) {
		return api.Status()
	}

	return apierrors.NewInternalError(err).Status()
}

// writeError answers with the Status of err in the format the client accepts.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := asStatus(err)
	out, nerr := negotiate(r)
	if nerr != nil {
		out = output{info: jsonInfo()}
	}
	out.table = false
	if d := status.Details; d != nil && d.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(d.RetryAfterSeconds)))
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	writeObject(w, out, statusCode(status), &status)
}

func statusCode(s metav1.Status) int {
	if s.Code < 100 || s.Code > 599 {
		return http.StatusInternalServerError
	}

	return int(s.Code)
}

// htmlEscaper keeps a refusal from looking like HTML, as the real server's does.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// forbidden builds the real server's refusal for attributes a, with the authorizer's reason
// appended when there is one.
func forbidden(a attributes, reason string) error {
	msg := htmlEscaper.Replace(forbiddenMessage(a))
	if reason != "" {
		msg = fmt.Sprintf("%s: %s", msg, reason)
	}
	gr := schema.GroupResource{Group: a.group, Resource: a.resource}

	return apierrors.NewForbidden(gr, a.name, errors.New(msg))
}

func forbiddenMessage(a attributes) string {
	if !a.resourceRequest {
		return fmt.Sprintf("User %q cannot %s path %q", a.user.Name, a.verb, a.path)
	}
	resource := a.resource
	if a.subresource != "" {
		resource += "/" + a.subresource
	}
	if a.namespace != "" {
		return fmt.Sprintf("User %q cannot %s resource %q in API group %q in the namespace %q",
			a.user.Name, a.verb, resource, a.group, a.namespace)
	}

	return fmt.Sprintf("User %q cannot %s resource %q in API group %q at the cluster scope",
		a.user.Name, a.verb, resource, a.group)
}

func methodNotSupported(rt *resourceType, verb string) error {
	return apierrors.NewMethodNotSupported(rt.groupResource(), verb)
}

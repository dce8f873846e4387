package awssim

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/onramp-dev/onramp/sandbox/fault"
)

// apiError is an error answer in AWS's terms: an HTTP status, an error code and a message.
type apiError struct {
	status  int
	code    string
	message string
	// fields are extra members of a JSON error body, such as EKS's clusterName.
	fields map[string]string
}

// Error implements error.
func (e *apiError) Error() string {
	return e.code + ": " + e.message
}

// apiErr builds an apiError with a formatted message.
func apiErr(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// with adds a member to the error's JSON body.
func (e *apiError) with(name, value string) *apiError {
	if e.fields == nil {
		e.fields = map[string]string{}
	}

	e.fields[name] = value

	return e
}

// asAPIError turns any error from an operation into an answer; an error that is not already
// an *apiError is the Sim's own fault and becomes a 500.
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}

	return apiErr(http.StatusInternalServerError, "InternalFailure",
		"The request processing has failed because of an unknown error, exception or failure.")
}

// codes are the error codes a protocol family uses for the answers every service shares.
type codes struct {
	missingAuth  string
	incomplete   string
	unknownKey   string
	badSignature string
	expiredToken string
	throttled    string
	unavailable  string
	denied       string
	deniedStatus int
	internal     string
}

// queryCodes are the shared error codes of IAM and STS.
var queryCodes = codes{
	missingAuth:  "MissingAuthenticationToken",
	incomplete:   "IncompleteSignature",
	unknownKey:   "InvalidClientTokenId",
	badSignature: "SignatureDoesNotMatch",
	expiredToken: "ExpiredToken",
	throttled:    "Throttling",
	unavailable:  "ServiceUnavailable",
	denied:       "AccessDenied",
	deniedStatus: http.StatusForbidden,
	internal:     "InternalFailure",
}

// jsonCodes are the shared error codes of ECR and EKS.
var jsonCodes = codes{
	missingAuth:  "MissingAuthenticationTokenException",
	incomplete:   "IncompleteSignatureException",
	unknownKey:   "UnrecognizedClientException",
	badSignature: "InvalidSignatureException",
	expiredToken: "ExpiredTokenException",
	throttled:    "ThrottlingException",
	unavailable:  "ServiceUnavailableException",
	denied:       "AccessDeniedException",
	deniedStatus: http.StatusForbidden,
	internal:     "ServerException",
}

// faultError turns an error from the fault injector into the service's answer.
func faultError(svc *service, err error) *apiError {
	var injected *fault.Injected

	switch {
	case errors.Is(err, fault.ErrThrottled):
		return apiErr(http.StatusBadRequest, svc.codes.throttled, "Rate exceeded")
	case errors.Is(err, fault.ErrUnavailable):
		return apiErr(http.StatusServiceUnavailable, svc.codes.unavailable,
			"Service is unavailable. Please try again later.")
	case errors.As(err, &injected):
		return apiErr(http.StatusInternalServerError, svc.codes.internal,
			"The request processing has failed because of an unknown error, exception or "+
				"failure (%s).", injected.Error())
	}

	return asAPIError(err)
}

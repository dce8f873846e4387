// Package sigv4 verifies AWS Signature Version 4 on requests that reach the sandbox's simulated
// AWS services, both header-signed API calls and presigned URLs such as EKS bearer tokens.
//
// The expected signature is recomputed with the AWS SDK's own signer on a copy of the request
// that carries only the headers the client signed, so the sandbox accepts exactly what the SDK
// produces and nothing it would not.
//
// See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-request.html.
package sigv4

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Key is what the verifier knows of one access key the sandbox issued.
type Key struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}

// Lookup finds the key for an access key ID; ok is false when the sandbox never issued it.
type Lookup func(accessKeyID string) (Key, bool)

// Scope is what a verified request was signed for.
type Scope struct {
	AccessKeyID string
	// Date is the credential scope's date, as YYYYMMDD.
	Date    string
	Region  string
	Service string
	// SignedAt is the request's X-Amz-Date.
	SignedAt time.Time
}

// ErrMissingAuth reports a request with no Authorization header or no X-Amz-Signature.
var ErrMissingAuth = errors.New("request is missing authentication")

// ErrMalformed reports an unparsable Authorization header, credential scope or date.
var ErrMalformed = errors.New("malformed signature")

// ErrUnknownKey reports an access key ID the sandbox never issued.
var ErrUnknownKey = errors.New("unknown access key")

// ErrBadSessionToken reports a security token that is missing, differs from the key's, or is
// sent for a key that has none.
var ErrBadSessionToken = errors.New("invalid security token")

// ErrSignatureMismatch reports a signature that differs from the one the key would produce.
var ErrSignatureMismatch = errors.New("signature does not match")

// ErrRequestExpired reports a header-signed request signed more than 15 minutes away from now.
var ErrRequestExpired = errors.New("signature expired")

// ErrPresignExpired reports a presigned URL used after X-Amz-Date plus X-Amz-Expires, or one
// whose X-Amz-Expires is over a week.
var ErrPresignExpired = errors.New("presigned request expired")

// maxSkew is how far from the server's clock a header-signed request may have been signed.
const maxSkew = 15 * time.Minute

// maxExpires is the longest validity, in seconds, that a presigned URL may ask for.
const maxExpires = 604800

// VerifyRequest checks a header-signed request (Authorization: AWS4-HMAC-SHA256
// Credential=…, SignedHeaders=…, Signature=…). body is the full request body, already read by
// the caller.
func VerifyRequest(r *http.Request, body []byte, lookup Lookup, now time.Time) (Scope, error) {
	s, err := parseHeaderAuth(r)
	if err != nil {
		return Scope{}, err
	}

	key, err := checkKey(s, r.Header.Get(headerToken), lookup)
	if err != nil {
		return Scope{}, err
	}

	if err := checkSkew(s.scope.SignedAt, now); err != nil {
		return Scope{}, err
	}

	hash, err := payloadHash(r, body)
	if err != nil {
		return Scope{}, err
	}

	want, err := resignHeader(r, s, key, hash)
	if err != nil {
		return Scope{}, err
	}

	return s.scope, compare(s.signature, want)
}

// VerifyPresigned checks a query-string-signed (presigned) request, as used by EKS tokens: a
// presigned sts:GetCallerIdentity GET whose signed headers include x-k8s-aws-id. A URL without
// X-Amz-Expires is held to the 15 minutes allowed to header-signed requests.
func VerifyPresigned(r *http.Request, lookup Lookup, now time.Time) (Scope, error) {
	s, err := parseQueryAuth(r)
	if err != nil {
		return Scope{}, err
	}

	key, err := checkKey(s, r.URL.Query().Get(headerToken), lookup)
	if err != nil {
		return Scope{}, err
	}

	if err := checkPresignWindow(s, now); err != nil {
		return Scope{}, err
	}

	want, err := resignQuery(r, s, key)
	if err != nil {
		return Scope{}, err
	}

	return s.scope, compare(s.signature, want)
}

// SignedHeaders returns the lowercased header names a request signed, read from its
// Authorization header or else from its X-Amz-SignedHeaders query parameter. It returns nil
// when the request names none.
func SignedHeaders(r *http.Request) []string {
	list := r.URL.Query().Get(queryHeaders)
	if auth, ok := authFields(r.Header.Get("Authorization")); ok {
		list = auth["SignedHeaders"]
	}

	if list == "" {
		return nil
	}

	return splitHeaders(list)
}

// checkKey looks the access key up and checks the security token the request carries.
func checkKey(s signed, token string, lookup Lookup) (Key, error) {
	key, ok := lookup(s.scope.AccessKeyID)
	if !ok {
		return Key{}, fmt.Errorf("%w: %s", ErrUnknownKey, s.scope.AccessKeyID)
	}

	if !hmac.Equal([]byte(token), []byte(key.SessionToken)) {
		return Key{}, fmt.Errorf("%w for access key %s", ErrBadSessionToken, key.AccessKeyID)
	}

	return key, nil
}

// checkSkew refuses a header-signed request signed too long before or after now.
func checkSkew(signedAt, now time.Time) error {
	if signedAt.Before(now.Add(-maxSkew)) {
		return fmt.Errorf("%w: %s is now earlier than %s (%s - 15 min.)", ErrRequestExpired,
			stamp(signedAt), stamp(now.Add(-maxSkew)), stamp(now))
	}

	if signedAt.After(now.Add(maxSkew)) {
		return fmt.Errorf("%w: signature not yet current: %s is still later than %s (%s + 15 min.)",
			ErrRequestExpired, stamp(signedAt), stamp(now.Add(maxSkew)), stamp(now))
	}

	return nil
}

// checkPresignWindow refuses a presigned request used outside its validity window.
func checkPresignWindow(s signed, now time.Time) error {
	if s.expires > maxExpires {
		return fmt.Errorf("%w: X-Amz-Expires must be less than a week (in seconds) that is %d",
			ErrPresignExpired, maxExpires)
	}

	if s.scope.SignedAt.After(now.Add(maxSkew)) {
		return fmt.Errorf("%w: request is not valid yet (X-Amz-Date %s)", ErrPresignExpired,
			stamp(s.scope.SignedAt))
	}

	end := s.scope.SignedAt.Add(time.Duration(s.expires) * time.Second)
	if now.After(end) {
		return fmt.Errorf("%w: valid until %s, now %s", ErrPresignExpired, stamp(end), stamp(now))
	}

	return nil
}

// compare checks the presented signature against the expected one in constant time.
func compare(got, want string) error {
	if !hmac.Equal([]byte(got), []byte(want)) {
		return ErrSignatureMismatch
	}

	return nil
}

// stamp formats t the way X-Amz-Date does.
func stamp(t time.Time) string {
	return t.UTC().Format(amzDateFormat)
}

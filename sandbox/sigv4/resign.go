package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// unsignedPayload is the X-Amz-Content-Sha256 value of a request that does not sign its body.
const unsignedPayload = "UNSIGNED-PAYLOAD"

// payloadHash returns the payload hash the client signed: X-Amz-Content-Sha256 when it is
// sent, which must then match the body, else the SHA-256 of the body.
func payloadHash(r *http.Request, body []byte) (string, error) {
	sum := sha256.Sum256(body)
	actual := hex.EncodeToString(sum[:])

	claimed := r.Header.Get(headerPayload)
	if claimed == "" {
		return actual, nil
	}

	if claimed != actual && claimed != unsignedPayload {
		return "", fmt.Errorf("%w: %s does not match the body", ErrSignatureMismatch,
			headerPayload)
	}

	return claimed, nil
}

// resignHeader returns the signature the key gives the request's signed parts.
func resignHeader(r *http.Request, s signed, key Key, hash string) (string, error) {
	req := signingCopy(r, s.headers, r.URL.RawQuery)

	err := v4.NewSigner().SignHTTP(r.Context(), credentials(key), req, hash, s.scope.Service,
		s.scope.Region, s.scope.SignedAt, withoutInjection)
	if err != nil {
		return "", fmt.Errorf("signing the request copy: %w", err)
	}

	f, _ := authFields(req.Header.Get("Authorization"))

	return f["Signature"], nil
}

// resignQuery returns the signature the key gives the presigned request's signed parts.
func resignQuery(r *http.Request, s signed, key Key) (string, error) {
	hash, err := payloadHash(r, nil)
	if err != nil {
		return "", err
	}

	q := r.URL.Query()
	q.Del(querySignature)
	req := signingCopy(r, s.headers, q.Encode())

	uri, _, err := v4.NewSigner().PresignHTTP(r.Context(), credentials(key), req, hash,
		s.scope.Service, s.scope.Region, s.scope.SignedAt, withoutInjection)
	if err != nil {
		return "", fmt.Errorf("presigning the request copy: %w", err)
	}

	u, err := url.Parse(uri)
	if err != nil {
		return "", fmt.Errorf("reading the presigned copy: %w", err)
	}

	return u.Query().Get(querySignature), nil
}

// withoutInjection stops the signer from adding a session token or moving headers into the
// query: the copy already carries exactly what the client signed, where the client put it.
func withoutInjection(o *v4.SignerOptions) {
	o.DisableSessionToken = true
	o.DisableHeaderHoisting = true
}

// credentials turns a sandbox key into the SDK's credentials.
func credentials(key Key) aws.Credentials {
	return aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey}
}

// signingCopy builds the request the client signed: its method, path and the given query, its
// host, and only the headers it named as signed. On the server side Host and Content-Length
// live outside r.Header, so they come from the request's own fields.
// TODO: a signer that signs User-Agent, Expect or Transfer-Encoding is refused, because the
// SDK's signer never includes those headers; every SDK client leaves them unsigned.
func signingCopy(r *http.Request, names []string, rawQuery string) *http.Request {
	u := &url.URL{Scheme: scheme(r), Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath,
		RawQuery: rawQuery}
	req := &http.Request{Method: r.Method, URL: u, Host: r.Host, Header: http.Header{}}

	for _, name := range names {
		switch name {
		case "host":
		case "content-length":
			req.ContentLength = contentLength(r)
		default:
			req.Header[textproto.CanonicalMIMEHeaderKey(name)] = headerValues(r, name)
		}
	}

	return req.WithContext(r.Context())
}

// scheme returns the request's URL scheme, which decides whether a port in Host is the default.
func scheme(r *http.Request) string {
	switch {
	case r.URL.Scheme != "":
		return r.URL.Scheme
	case r.TLS != nil:
		return "https"
	}

	return "http"
}

// contentLength returns the length the client declared for its body.
func contentLength(r *http.Request) int64 {
	n, err := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64)
	if err != nil {
		return r.ContentLength
	}

	return n
}

// headerValues returns a signed header's values, or one empty value when the client signed a
// header it did not send.
func headerValues(r *http.Request, name string) []string {
	values := r.Header.Values(name)
	if len(values) == 0 {
		return []string{""}
	}

	return values
}

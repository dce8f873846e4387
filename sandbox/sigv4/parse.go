package sigv4

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	algorithm       = "AWS4-HMAC-SHA256"
	terminator      = "aws4_request"
	amzDateFormat   = "20060102T150405Z"
	scopeDateFormat = "20060102"
	headerDate      = "X-Amz-Date"
	headerToken     = "X-Amz-Security-Token"
	headerPayload   = "X-Amz-Content-Sha256"
	queryAlgorithm  = "X-Amz-Algorithm"
	queryCredential = "X-Amz-Credential"
	queryExpires    = "X-Amz-Expires"
	queryHeaders    = "X-Amz-SignedHeaders"
	querySignature  = "X-Amz-Signature"
)

// signed is what a request claims about its own signature.
type signed struct {
	scope     Scope
	headers   []string
	signature string
	// expires is the presigned URL's X-Amz-Expires in seconds; unused for header signing.
	expires int64
}

// parseHeaderAuth reads the signature claims of a header-signed request.
func parseHeaderAuth(r *http.Request) (signed, error) {
	value := r.Header.Get("Authorization")
	if value == "" {
		return signed{}, fmt.Errorf("%w: no Authorization header", ErrMissingAuth)
	}

	f, ok := authFields(value)
	if !ok {
		return signed{}, malformed("authorization header must start with %q", algorithm+" ")
	}

	date := r.Header.Get(headerDate)
	err := require("Credential", f["Credential"], "SignedHeaders", f["SignedHeaders"],
		"Signature", f["Signature"], headerDate+" header", date)
	if err != nil {
		return signed{}, err
	}

	return parseClaims(f["Credential"], f["SignedHeaders"], f["Signature"], date)
}

// parseQueryAuth reads the signature claims of a presigned request.
func parseQueryAuth(r *http.Request) (signed, error) {
	q := r.URL.Query()
	if q.Get(querySignature) == "" {
		return signed{}, fmt.Errorf("%w: no %s parameter", ErrMissingAuth, querySignature)
	}

	if q.Get(queryAlgorithm) != algorithm {
		return signed{}, malformed("%s must be %s", queryAlgorithm, algorithm)
	}

	err := require(queryCredential, q.Get(queryCredential), queryHeaders, q.Get(queryHeaders),
		headerDate, q.Get(headerDate))
	if err != nil {
		return signed{}, err
	}

	s, err := parseClaims(q.Get(queryCredential), q.Get(queryHeaders), q.Get(querySignature),
		q.Get(headerDate))
	if err != nil {
		return signed{}, err
	}

	s.expires, err = parseExpires(q)

	return s, err
}

// authFields splits an Authorization header's value into its named fields. ok is false when
// the value does not use the SigV4 algorithm.
func authFields(value string) (fields map[string]string, ok bool) {
	rest, ok := strings.CutPrefix(value, algorithm+" ")
	if !ok {
		return nil, false
	}

	fields = map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		name, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[name] = v
	}

	return fields, true
}

// require reports the first of the name/value pairs whose value is empty.
func require(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return malformed("missing %s", pairs[i])
		}
	}

	return nil
}

// parseClaims checks and combines the parts common to both ways of signing.
func parseClaims(credential, headers, signature, date string) (signed, error) {
	scope, err := parseCredential(credential)
	if err != nil {
		return signed{}, err
	}

	scope.SignedAt, err = time.Parse(amzDateFormat, date)
	if err != nil {
		return signed{}, malformed("X-Amz-Date %q is not in the form YYYYMMDDTHHMMSSZ", date)
	}

	if stamp(scope.SignedAt)[:len(scopeDateFormat)] != scope.Date {
		return signed{}, malformed("credential scope date %s does not match X-Amz-Date %s",
			scope.Date, date)
	}

	list := splitHeaders(headers)
	if !slices.Contains(list, "host") {
		return signed{}, malformed("host must be a signed header")
	}

	return signed{scope: scope, headers: list, signature: signature}, nil
}

// parseCredential reads "AKID/YYYYMMDD/region/service/aws4_request".
func parseCredential(credential string) (Scope, error) {
	parts := strings.Split(credential, "/")
	if len(parts) != 5 || parts[4] != terminator || slices.Contains(parts, "") {
		return Scope{}, malformed("credential %q is not of the form "+
			"ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/%s", credential, terminator)
	}

	if _, err := time.Parse(scopeDateFormat, parts[1]); err != nil {
		return Scope{}, malformed("credential scope date %q is not in the form YYYYMMDD", parts[1])
	}

	return Scope{AccessKeyID: parts[0], Date: parts[1], Region: parts[2], Service: parts[3]}, nil
}

// parseExpires reads X-Amz-Expires, in seconds; a URL without it gets the 15 minutes allowed
// to header-signed requests.
func parseExpires(q url.Values) (int64, error) {
	value := q.Get(queryExpires)
	if value == "" {
		return int64(maxSkew / time.Second), nil
	}

	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil || n < 0 {
		return 0, malformed("%s %q is not a number of seconds", queryExpires, value)
	}

	return n, nil
}

// splitHeaders splits a SignedHeaders list into lowercased names.
func splitHeaders(list string) []string {
	return strings.Split(strings.ToLower(list), ";")
}

// malformed wraps ErrMalformed with a description.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

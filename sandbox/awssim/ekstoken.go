package awssim

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/onramp-dev/onramp/sandbox/sigv4"
)

// ErrEKSToken reports an EKS bearer token the cluster does not accept.
var ErrEKSToken = errors.New("invalid EKS token")

// eksTokenPrefix starts every EKS bearer token.
const eksTokenPrefix = "k8s-aws-v1."

// eksTokenLife is how long after its X-Amz-Date an EKS token is accepted, whatever its
// X-Amz-Expires says: STS holds presigned GetCallerIdentity URLs to 15 minutes.
const eksTokenLife = 15 * time.Minute

// clusterHeader is the signed header that binds a token to one cluster.
const clusterHeader = "x-k8s-aws-id"

// tokenParams are the query parameters an EKS token's URL may carry, lowercased.
var tokenParams = []string{"action", "version", "x-amz-algorithm", "x-amz-credential",
	"x-amz-date", "x-amz-expires", "x-amz-security-token", "x-amz-signature",
	"x-amz-signedheaders"}

// VerifyEKSToken checks an EKS bearer token for a cluster, as the cluster's authenticator
// does: "k8s-aws-v1." and the unpadded base64url of a presigned sts:GetCallerIdentity URL
// that signs the x-k8s-aws-id header, verified with that header set to the cluster's name and
// no older than 15 minutes. Once SetEndpoint has named the Sim's address, the URL must point
// there, as EKS accepts only URLs of STS itself. It returns the caller the URL was signed by.
func (s *Sim) VerifyEKSToken(token, cluster string) (Caller, error) {
	req, signedAt, err := tokenRequest(token, cluster)
	if err != nil {
		return Caller{}, fmt.Errorf("%w: %w", ErrEKSToken, err)
	}
	if host := s.endpointHost(); host != "" && req.URL.Host != host {
		return Caller{}, fmt.Errorf("%w: the token's URL points at %s, not at STS (%s)",
			ErrEKSToken, req.URL.Host, host)
	}

	now := s.opts.Now()
	if now.Sub(signedAt) > eksTokenLife {
		return Caller{}, fmt.Errorf("%w: X-Amz-Date %s is more than 15 minutes old: %w",
			ErrEKSToken, signedAt.Format(time.RFC3339), sigv4.ErrPresignExpired)
	}

	// STS ignores X-Amz-Expires here, so the signature is checked as of its own date; a
	// token dated in the future is still refused.
	if signedAt.After(now) {
		signedAt = now
	}

	scope, err := sigv4.VerifyPresigned(req, s.lookupKey, signedAt)
	if err != nil {
		return Caller{}, fmt.Errorf("%w: %w", ErrEKSToken, err)
	}

	return s.tokenCaller(scope)
}

// tokenCaller returns the caller behind a verified token.
func (s *Sim) tokenCaller(scope sigv4.Scope) (Caller, error) {
	if scope.Service != "sts" {
		return Caller{}, fmt.Errorf("%w: signed for service %s, not sts", ErrEKSToken,
			scope.Service)
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	id, err := s.identify(scope.AccessKeyID, services["sts"], scope.Region)
	if err != nil {
		return Caller{}, fmt.Errorf("%w: %w", ErrEKSToken, err)
	}

	return id.Caller, nil
}

// tokenRequest decodes a token into the GET request it presigned, with the cluster header
// set, after checking the URL is a presigned GetCallerIdentity.
func tokenRequest(token, cluster string) (*http.Request, time.Time, error) {
	encoded, ok := strings.CutPrefix(token, eksTokenPrefix)
	if !ok {
		return nil, time.Time{}, fmt.Errorf("token does not start with %q", eksTokenPrefix)
	}

	raw, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("decoding the token: %w", err)
	}

	u, err := url.Parse(string(raw))
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("reading the token's URL: %w", err)
	}

	signedAt, err := checkTokenURL(u)
	if err != nil {
		return nil, time.Time{}, err
	}

	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("building the token's request: %w", err)
	}

	req.Header.Set(clusterHeader, cluster)

	return req, signedAt, nil
}

// checkTokenURL checks the URL's path and parameters and returns its X-Amz-Date.
func checkTokenURL(u *url.URL) (time.Time, error) {
	q := u.Query()
	if u.Path != "" && u.Path != "/" {
		return time.Time{}, fmt.Errorf("unexpected path %q", u.Path)
	}

	for name := range q {
		if !slices.Contains(tokenParams, strings.ToLower(name)) {
			return time.Time{}, fmt.Errorf("unexpected query parameter %q", name)
		}
	}

	if q.Get("Action") != "GetCallerIdentity" {
		return time.Time{}, fmt.Errorf("action %q is not GetCallerIdentity", q.Get("Action"))
	}

	headers := strings.Split(strings.ToLower(q.Get("X-Amz-SignedHeaders")), ";")
	if !slices.Contains(headers, clusterHeader) {
		return time.Time{}, fmt.Errorf("the %s header is not signed", clusterHeader)
	}

	signedAt, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		return time.Time{}, fmt.Errorf("reading X-Amz-Date: %w", err)
	}

	return signedAt, nil
}

// SetEndpoint tells the Sim the URL it is served at, so that VerifyEKSToken can refuse tokens
// presigned for another host.
func (s *Sim) SetEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return fmt.Errorf("endpoint %q is not a URL with a host", endpoint)
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	s.host = u.Host

	return nil
}

func (s *Sim) endpointHost() string {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.host
}

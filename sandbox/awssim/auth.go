package awssim

import (
	"errors"
	"net/http"
	"strings"

	"github.com/onramp-dev/onramp/sandbox/sigv4"
)

// Caller is who signed a request, as STS's GetCallerIdentity and an EKS token review see it.
type Caller struct {
	// ARN is the caller's ARN as STS reports it: a user's ARN, or for a role session
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
	ARN string
	// CanonicalARN is the ARN that aws-auth and EKS access entries match on: a user's ARN, or
	// for a role session the role's ARN without its path.
	CanonicalARN string
	Account      string
	// UserID is the user's ID, or for a role session ROLEID:SESSION.
	UserID string
	// SessionName is the role session's name; empty for a user.
	SessionName string
}

// identity is an authenticated caller with what the Sim needs to authorize it.
type identity struct {
	Caller
	// user is the IAM user's name for a user's key.
	user string
	// role is the role's name for a role session.
	role string
	// tags are a role session's tags.
	tags map[string]string
}

// Messages AWS gives for authentication failures.
const (
	msgInvalidToken = "The security token included in the request is invalid."
	msgExpiredToken = "The security token included in the request is expired"
	msgSignature    = "The request signature we calculated does not match the signature you " +
		"provided. Check your AWS Secret Access Key and signing method. Consult the service " +
		"documentation for details."
)

// authenticate verifies the request's signature and returns its caller.
func (s *Sim) authenticate(r *http.Request, body []byte, svc *service) (identity, error) {
	scope, err := sigv4.VerifyRequest(r, body, s.lookupKey, s.opts.Now())
	if err != nil {
		return identity{}, authError(svc, err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	return s.identify(scope.AccessKeyID, svc, scope.Region)
}

// authError turns a signature verification failure into the service's answer.
func authError(svc *service, err error) *apiError {
	c := svc.codes

	switch {
	case errors.Is(err, sigv4.ErrMissingAuth):
		return apiErr(http.StatusForbidden, c.missingAuth,
			"Request is missing Authentication Token")
	case errors.Is(err, sigv4.ErrUnknownKey), errors.Is(err, sigv4.ErrBadSessionToken):
		return apiErr(http.StatusForbidden, c.unknownKey, msgInvalidToken)
	case errors.Is(err, sigv4.ErrSignatureMismatch):
		return apiErr(http.StatusForbidden, c.badSignature, msgSignature)
	case errors.Is(err, sigv4.ErrRequestExpired):
		return apiErr(http.StatusForbidden, c.badSignature, "Signature expired: %s",
			strings.TrimPrefix(err.Error(), sigv4.ErrRequestExpired.Error()+": "))
	}

	return apiErr(http.StatusBadRequest, c.incomplete, "%v", err)
}

// lookupKey is the sigv4.Lookup over the keys the Sim issued. A key that is inactive or still
// propagating is unknown, as it is on AWS. An expired session is found, so that the caller
// learns its token expired rather than that it is invalid.
func (s *Sim) lookupKey(id string) (sigv4.Key, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()

	if k, ok := s.st.Keys[id]; ok && s.keyUsable(k) {
		return sigv4.Key{AccessKeyID: k.ID, SecretAccessKey: k.Secret}, true
	}

	if ss, ok := s.st.Sessions[id]; ok {
		return sigv4.Key{AccessKeyID: ss.ID, SecretAccessKey: ss.Secret, SessionToken: ss.Token},
			true
	}

	return sigv4.Key{}, false
}

// keyUsable reports whether an access key authenticates now.
func (s *Sim) keyUsable(k *accessKey) bool {
	return k.Status == statusActive && !s.opts.Now().Before(k.ReadyAt)
}

// identify returns the caller behind a verified access key and records the key's use.
func (s *Sim) identify(keyID string, svc *service, region string) (identity, error) {
	if k, ok := s.st.Keys[keyID]; ok {
		k.LastUsed, k.LastService, k.LastRegion = s.now(), svc.name, region

		id, ok := s.userIdentity(k.User)
		if !ok {
			return identity{}, apiErr(http.StatusForbidden, svc.codes.unknownKey, msgInvalidToken)
		}

		return id, nil
	}

	ss, ok := s.st.Sessions[keyID]
	if !ok {
		return identity{}, apiErr(http.StatusForbidden, svc.codes.unknownKey, msgInvalidToken)
	}

	if !s.opts.Now().Before(ss.Expires) {
		return identity{}, apiErr(http.StatusForbidden, svc.codes.expiredToken, msgExpiredToken)
	}

	return s.sessionIdentity(ss), nil
}

// userIdentity returns the identity of an IAM user; ok is false when the user is gone.
func (s *Sim) userIdentity(name string) (id identity, ok bool) {
	u, ok := s.st.Users[name]
	if !ok {
		return identity{}, false
	}

	c := Caller{ARN: u.ARN, CanonicalARN: u.ARN, Account: s.opts.AccountID, UserID: u.ID}

	return identity{Caller: c, user: u.Name}, true
}

// sessionIdentity returns the identity of a role session.
func (s *Sim) sessionIdentity(ss *session) identity {
	c := Caller{
		ARN:          s.assumedRoleARN(ss.Role, ss.Name),
		CanonicalARN: s.iamARN("role/" + ss.Role),
		Account:      s.opts.AccountID,
		UserID:       ss.RoleID + ":" + ss.Name,
		SessionName:  ss.Name,
	}

	return identity{Caller: c, role: ss.Role, tags: ss.Tags}
}

// assumedRoleARN is the STS ARN of a role session; it never carries the role's path.
func (s *Sim) assumedRoleARN(role, sessionName string) string {
	return "arn:aws:sts::" + s.opts.AccountID + ":assumed-role/" + role + "/" + sessionName
}

// iamARN is the ARN of an IAM resource in this account, such as "user/ci" or "role/x".
func (s *Sim) iamARN(resource string) string {
	return "arn:aws:iam::" + s.opts.AccountID + ":" + resource
}

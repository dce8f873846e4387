package kubesim

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ErrUnauthenticated is wrapped by the errors an Authenticator returns for tokens it rejects.
var ErrUnauthenticated = errors.New("unauthenticated")

// Well-known identities and groups of a Kubernetes cluster.
const (
	anonymousUser      = "system:anonymous"
	groupAuthenticated = "system:authenticated"
	groupUnauthentic   = "system:unauthenticated"
	groupMasters       = "system:masters"
)

// User is an authenticated Kubernetes identity.
type User struct {
	Name   string
	UID    string
	Groups []string
	Extra  map[string][]string
}

// Authenticator turns a bearer token into the identity it stands for.
type Authenticator interface {
	// AuthenticateToken returns the token's user, or an error wrapping ErrUnauthenticated.
	AuthenticateToken(ctx context.Context, token string) (User, error)
}

// AuthenticatorFunc adapts a function to an Authenticator.
type AuthenticatorFunc func(ctx context.Context, token string) (User, error)

// AuthenticateToken implements Authenticator.
func (f AuthenticatorFunc) AuthenticateToken(ctx context.Context, token string) (User, error) {
	return f(ctx, token)
}

// authenticate finds the request's user. Like a real kube-apiserver with anonymous requests
// enabled (the default, and EKS's setting), a request without a bearer token is served as
// system:anonymous, while a token that does not authenticate is refused.
func (s *Server) authenticate(r *http.Request) (User, error) {
	token, ok := bearerToken(r.Header.Get("Authorization"))
	if !ok {
		return User{Name: anonymousUser, Groups: []string{groupUnauthentic}}, nil
	}
	if s.auth == nil {
		return User{}, ErrUnauthenticated
	}
	u, err := s.auth.AuthenticateToken(r.Context(), token)
	if err != nil {
		return User{}, err
	}
	if !slices.Contains(u.Groups, groupAuthenticated) {
		u.Groups = append(slices.Clone(u.Groups), groupAuthenticated)
	}

	return u, nil
}

func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)

	return token, token != ""
}

func unauthorized() error {
	return bareStatus(http.StatusUnauthorized, metav1.StatusReasonUnauthorized, "Unauthorized")
}

package awssim

import (
	"encoding/json"
	"fmt"
	"time"
)

// state is everything the account holds. Its fields are exported for Export and Import only;
// it is guarded by Sim.mu.
type state struct {
	AccountID string                    `json:"accountId"`
	Region    string                    `json:"region"`
	Users     map[string]*user          `json:"users"`
	Roles     map[string]*role          `json:"roles"`
	Keys      map[string]*accessKey     `json:"accessKeys"`
	Sessions  map[string]*session       `json:"sessions"`
	Providers map[string]*oidcProvider  `json:"oidcProviders"`
	Repos     map[string]*repository    `json:"repositories"`
	Logins    map[string]*registryLogin `json:"registryLogins"`
	Clusters  map[string]*cluster       `json:"clusters"`
}

// user is an IAM user.
type user struct {
	Name     string            `json:"name"`
	Path     string            `json:"path"`
	ID       string            `json:"id"`
	ARN      string            `json:"arn"`
	Created  time.Time         `json:"created"`
	Inline   map[string]string `json:"inlinePolicies"`
	Attached []string          `json:"attachedPolicies"`
}

// role is an IAM role; ReadyAt is when AssumeRole starts to find it.
type role struct {
	Name        string            `json:"name"`
	Path        string            `json:"path"`
	ID          string            `json:"id"`
	ARN         string            `json:"arn"`
	Description string            `json:"description,omitempty"`
	MaxSession  int               `json:"maxSessionDuration"`
	Created     time.Time         `json:"created"`
	ReadyAt     time.Time         `json:"readyAt"`
	Trust       string            `json:"trustPolicy"`
	Inline      map[string]string `json:"inlinePolicies"`
	Attached    []string          `json:"attachedPolicies"`
	LastUsed    time.Time         `json:"lastUsed,omitzero"`
}

// accessKey is a user's long-term key; ReadyAt is when authentication starts to accept it.
type accessKey struct {
	ID          string    `json:"id"`
	Secret      string    `json:"secret"`
	User        string    `json:"user"`
	Status      string    `json:"status"`
	Created     time.Time `json:"created"`
	ReadyAt     time.Time `json:"readyAt"`
	LastUsed    time.Time `json:"lastUsed,omitzero"`
	LastService string    `json:"lastService,omitempty"`
	LastRegion  string    `json:"lastRegion,omitempty"`
}

// session is a set of temporary credentials from AssumeRole.
type session struct {
	ID       string            `json:"id"`
	Secret   string            `json:"secret"`
	Token    string            `json:"token"`
	Role     string            `json:"role"`
	RoleID   string            `json:"roleId"`
	Name     string            `json:"name"`
	Expires  time.Time         `json:"expires"`
	Tags     map[string]string `json:"tags,omitempty"`
	SourceID string            `json:"sourceIdentity,omitempty"`
}

// oidcProvider is an IAM OpenID Connect identity provider.
type oidcProvider struct {
	ARN         string    `json:"arn"`
	URL         string    `json:"url"`
	ClientIDs   []string  `json:"clientIds"`
	Thumbprints []string  `json:"thumbprints"`
	Created     time.Time `json:"created"`
}

// repository is an ECR repository.
type repository struct {
	Name       string    `json:"name"`
	ARN        string    `json:"arn"`
	Created    time.Time `json:"created"`
	TagMutable string    `json:"imageTagMutability"`
	ScanOnPush bool      `json:"scanOnPush"`
	Encryption string    `json:"encryptionType"`
	PolicyText string    `json:"policyText,omitempty"`
}

// registryLogin is a password handed out by GetAuthorizationToken.
type registryLogin struct {
	CallerARN string    `json:"callerArn"`
	Expires   time.Time `json:"expires"`
}

// cluster is an EKS cluster and its access entries, keyed by principal ARN.
type cluster struct {
	Cluster
	ARN     string                  `json:"arn"`
	Created time.Time               `json:"created"`
	Entries map[string]*AccessEntry `json:"accessEntries"`
}

// newState returns an empty account.
func newState() *state {
	return &state{
		Users:     map[string]*user{},
		Roles:     map[string]*role{},
		Keys:      map[string]*accessKey{},
		Sessions:  map[string]*session{},
		Providers: map[string]*oidcProvider{},
		Repos:     map[string]*repository{},
		Logins:    map[string]*registryLogin{},
		Clusters:  map[string]*cluster{},
	}
}

// Export returns the whole account as JSON, secrets included, so that a sandbox can be saved
// to a file and resumed.
func (s *Sim) Export() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	s.st.AccountID, s.st.Region = s.opts.AccountID, s.opts.Region
	data, err := json.MarshalIndent(s.st, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the account state: %w", err)
	}

	return data, nil
}

// Import replaces the whole account with one saved by Export, which must be of the Sim's
// account and region since every ARN holds them.
func (s *Sim) Import(data []byte) error {
	st := newState()
	if err := json.Unmarshal(data, st); err != nil {
		return fmt.Errorf("decoding the account state: %w", err)
	}

	if st.AccountID != s.opts.AccountID || st.Region != s.opts.Region {
		return fmt.Errorf("importing the account state: it is of account %s in %s, not %s in %s",
			st.AccountID, st.Region, s.opts.AccountID, s.opts.Region)
	}

	st.fill()

	s.mu.Lock()
	defer s.mu.Unlock()

	s.st = st

	return nil
}

// fill replaces the nil maps a hand-written or older state file may leave.
func (st *state) fill() {
	empty := newState()
	fillMap(&st.Users, empty.Users)
	fillMap(&st.Roles, empty.Roles)
	fillMap(&st.Keys, empty.Keys)
	fillMap(&st.Sessions, empty.Sessions)
	fillMap(&st.Providers, empty.Providers)
	fillMap(&st.Repos, empty.Repos)
	fillMap(&st.Logins, empty.Logins)
	fillMap(&st.Clusters, empty.Clusters)

	for _, u := range st.Users {
		fillMap(&u.Inline, map[string]string{})
	}

	for _, r := range st.Roles {
		fillMap(&r.Inline, map[string]string{})
	}

	for _, c := range st.Clusters {
		fillMap(&c.Entries, map[string]*AccessEntry{})
	}
}

// fillMap sets *m to empty when it is nil.
func fillMap[M ~map[K]V, K comparable, V any](m *M, empty M) {
	if *m == nil {
		*m = empty
	}
}

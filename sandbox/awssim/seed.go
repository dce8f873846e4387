package awssim

import (
	"errors"
	"fmt"
)

// ErrRegistryLogin reports a registry login that no ECR authorization token granted.
var ErrRegistryLogin = errors.New("registry login refused")

// CreateUser adds an IAM user at a path ("/" when empty) and returns its ARN.
func (s *Sim) CreateUser(name, path string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	u, err := s.createUser(name, path)
	if err != nil {
		return "", fmt.Errorf("creating user %s: %w", name, err)
	}

	return u.ARN, nil
}

// IssueAccessKey creates an access key for a user, as CreateAccessKey does: it authenticates
// only once Options.KeyDelay has passed.
func (s *Sim) IssueAccessKey(user string) (Credentials, error) {
	return s.issueKey(user, false)
}

// IssueReadyAccessKey creates an access key for a user that authenticates at once, for the
// administrator a sandbox starts with.
func (s *Sim) IssueReadyAccessKey(user string) (Credentials, error) {
	return s.issueKey(user, true)
}

// issueKey creates an access key for a user.
func (s *Sim) issueKey(user string, ready bool) (Credentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	k, err := s.createKey(user, ready)
	if err != nil {
		return Credentials{}, fmt.Errorf("issuing an access key to %s: %w", user, err)
	}

	return Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret}, nil
}

// AttachUserPolicy attaches an AWS managed policy, by ARN, to a user.
func (s *Sim) AttachUserPolicy(user, policyARN string) error {
	return s.attachTo(userKind, user, policyARN)
}

// AttachRolePolicy attaches an AWS managed policy, by ARN, to a role.
func (s *Sim) AttachRolePolicy(role, policyARN string) error {
	return s.attachTo(roleKind, role, policyARN)
}

// attachTo attaches a managed policy to a user or role.
func (s *Sim) attachTo(kind holderKind, name, policyARN string) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	h, err := s.findHolder(kind, name)
	if err == nil {
		err = h.attach(policyARN)
	}

	if err != nil {
		return fmt.Errorf("attaching %s to %s %s: %w", policyARN, kind.noun, name, err)
	}

	return nil
}

// PutUserPolicy sets an inline policy of a user.
func (s *Sim) PutUserPolicy(user, name, document string) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	h, err := s.findHolder(userKind, user)
	if err == nil {
		_, err = parseDocument(document)
	}

	if err == nil {
		err = h.put(name, document)
	}

	if err != nil {
		return fmt.Errorf("putting policy %s on user %s: %w", name, user, err)
	}

	return nil
}

// CreateRole adds a role at a path ("/" when empty) with a trust policy and returns its ARN.
// Unlike a role created through IAM, it can be assumed at once: it stands for a role the
// account had before the sandbox started.
func (s *Sim) CreateRole(name, path, trustPolicy string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	r, err := s.createRole(roleSpec{name: name, path: path, trust: trustPolicy, ready: true})
	if err != nil {
		return "", fmt.Errorf("creating role %s: %w", name, err)
	}

	return r.ARN, nil
}

// CheckRegistryLogin checks a docker login to the account's registry, as the registry does:
// user must be AWS and password one that GetAuthorizationToken handed out and that has not
// expired. It returns the ARN of the caller that asked for the token.
func (s *Sim) CheckRegistryLogin(user, password string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	if user != "AWS" {
		return "", fmt.Errorf("%w: user must be AWS, not %q", ErrRegistryLogin, user)
	}

	l, ok := s.st.Logins[password]
	if !ok {
		return "", fmt.Errorf("%w: the password is not an authorization token", ErrRegistryLogin)
	}

	if !s.now().Before(l.Expires) {
		return "", fmt.Errorf("%w: the authorization token expired at %s", ErrRegistryLogin,
			l.Expires.Format("2006-01-02T15:04:05Z"))
	}

	return l.CallerARN, nil
}

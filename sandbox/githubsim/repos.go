package githubsim

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Repo describes a repository to add to the sandbox.
type Repo struct {
	Owner, Name string
	// DefaultBranch is the branch workflows run on by default; empty means "main".
	DefaultBranch string
	// Branches are further branches a workflow may be dispatched on.
	Branches []string
	Private  bool
	// Permissions maps a login to its role: admin, maintain, write, triage or read. The owner
	// is an admin unless listed.
	Permissions map[string]string
	// Workflows are the files under .github/workflows.
	Workflows []Workflow
	// Environments are the names of the repository's deployment environments.
	Environments []string
}

// user is an account and the tokens that authenticate as it.
type user struct {
	Login  string   `json:"login"`
	ID     int64    `json:"id"`
	Tokens []string `json:"tokens"`
}

// repo is a stored repository.
type repo struct {
	ID            int64             `json:"id"`
	Owner         string            `json:"owner"`
	OwnerID       int64             `json:"owner_id"`
	Name          string            `json:"name"`
	DefaultBranch string            `json:"default_branch"`
	Branches      []string          `json:"branches,omitempty"`
	Private       bool              `json:"private"`
	Permissions   map[string]string `json:"permissions,omitempty"`
	Created       time.Time         `json:"created"`
	Secrets       secretStore       `json:"secrets"`
	Environments  []*environment    `json:"environments"`
	Workflows     []*workflow       `json:"workflows"`
	Runs          []*run            `json:"runs"`
}

// environment is a deployment environment with its own secrets and key pair.
type environment struct {
	ID      int64       `json:"id"`
	Name    string      `json:"name"`
	Created time.Time   `json:"created"`
	Secrets secretStore `json:"secrets"`
}

// validName is what GitHub accepts as a login or repository name.
var validName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// AddUser registers login, if new, and lets token authenticate as it.
func (s *Server) AddUser(login, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()

	u := s.st.userByLogin(login)
	if u == nil {
		u = &user{Login: login, ID: s.st.nextID()}
		s.st.Users = append(s.st.Users, u)
	}
	u.Tokens = append(u.Tokens, token)
}

// AddRepo adds a repository with its workflows and environments, each with a new key pair.
func (s *Server) AddRepo(r Repo) error {
	if err := checkRepo(r); err != nil {
		return fmt.Errorf("adding repository %s/%s: %w", r.Owner, r.Name, err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	if s.st.repoByName(r.Owner, r.Name) != nil {
		return fmt.Errorf("adding repository %s/%s: it exists already", r.Owner, r.Name)
	}
	rp, err := s.newRepo(r)
	if err != nil {
		return fmt.Errorf("adding repository %s/%s: %w", r.Owner, r.Name, err)
	}
	s.st.Repos = append(s.st.Repos, rp)

	return nil
}

func checkRepo(r Repo) error {
	if !validName.MatchString(r.Owner) || !validName.MatchString(r.Name) {
		return errors.New("owner and name must be letters, digits, '-', '_' or '.'")
	}
	for login, role := range r.Permissions {
		if levels[role] == levelNone {
			return fmt.Errorf("role %q of %s is not admin, maintain, write, triage or read",
				role, login)
		}
	}
	if err := checkWorkflows(r.Workflows); err != nil {
		return err
	}

	return checkUnique("environment", r.Environments)
}

func checkUnique(kind string, names []string) error {
	seen := map[string]bool{}
	for _, n := range names {
		key := strings.ToLower(n)
		if n == "" || seen[key] {
			return fmt.Errorf("%s name %q is empty or repeated", kind, n)
		}
		seen[key] = true
	}

	return nil
}

func (s *Server) newRepo(r Repo) (*repo, error) {
	rp := &repo{
		ID: s.st.nextID(), Owner: r.Owner, Name: r.Name, DefaultBranch: r.DefaultBranch,
		Branches: r.Branches, Private: r.Private, Permissions: r.Permissions, Created: s.now(),
	}
	if rp.DefaultBranch == "" {
		rp.DefaultBranch = "main"
	}
	rp.OwnerID = s.ownerID(r.Owner)
	var err error
	if rp.Secrets, err = newSecretStore(); err != nil {
		return nil, err
	}
	for _, name := range r.Environments {
		if err := s.addEnvironment(rp, name); err != nil {
			return nil, err
		}
	}
	for _, wf := range r.Workflows {
		rp.Workflows = append(rp.Workflows, s.newWorkflow(wf))
	}

	return rp, nil
}

// ownerID is the owner's user ID, or a new ID for an owner that is not a user (an organization).
func (s *Server) ownerID(login string) int64 {
	if u := s.st.userByLogin(login); u != nil {
		return u.ID
	}
	for _, rp := range s.st.Repos {
		if strings.EqualFold(rp.Owner, login) {
			return rp.OwnerID
		}
	}

	return s.st.nextID()
}

func (s *Server) addEnvironment(rp *repo, name string) error {
	store, err := newSecretStore()
	if err != nil {
		return err
	}
	env := &environment{ID: s.st.nextID(), Name: name, Created: s.now(), Secrets: store}
	rp.Environments = append(rp.Environments, env)

	return nil
}

// level is the permission login has on the repository.
func (rp *repo) level(login string) level {
	for l, role := range rp.Permissions {
		if strings.EqualFold(l, login) {
			return levels[role]
		}
	}
	switch {
	case strings.EqualFold(rp.Owner, login):
		return levelAdmin
	case !rp.Private:
		return levelRead
	}

	return levelNone
}

func (rp *repo) environment(name string) *environment {
	for _, env := range rp.Environments {
		if strings.EqualFold(env.Name, name) {
			return env
		}
	}

	return nil
}

// hasBranch reports whether ref names one of the repository's branches.
func (rp *repo) hasBranch(ref string) bool {
	ref = strings.TrimPrefix(ref, "refs/heads/")
	if ref == rp.DefaultBranch {
		return true
	}
	for _, b := range rp.Branches {
		if b == ref {
			return true
		}
	}

	return false
}

// userJSON is the user object inside GitHub's answers.
type userJSON struct {
	Login       string          `json:"login"`
	ID          int64           `json:"id"`
	NodeID      string          `json:"node_id"`
	Type        string          `json:"type"`
	SiteAdmin   bool            `json:"site_admin"`
	URL         string          `json:"url"`
	Permissions map[string]bool `json:"permissions,omitempty"`
}

// repoJSON is GitHub's repository object, with the caller's permissions.
type repoJSON struct {
	ID            int64           `json:"id"`
	NodeID        string          `json:"node_id"`
	Name          string          `json:"name"`
	FullName      string          `json:"full_name"`
	Private       bool            `json:"private"`
	Visibility    string          `json:"visibility"`
	Owner         userJSON        `json:"owner"`
	URL           string          `json:"url"`
	DefaultBranch string          `json:"default_branch"`
	CreatedAt     time.Time       `json:"created_at"`
	UpdatedAt     time.Time       `json:"updated_at"`
	Permissions   map[string]bool `json:"permissions"`
}

func (s *Server) getUser(c *call) {
	c.reply(http.StatusOK, c.userJSON(c.user.Login, c.user.ID, "User"))
}

func (c *call) userJSON(login string, id int64, kind string) userJSON {
	return userJSON{
		Login: login, ID: id, NodeID: nodeID(kind, id), Type: kind,
		URL: c.baseURL() + "/users/" + login,
	}
}

func (s *Server) getRepo(c *call) {
	rp := c.repo
	ownerKind := "Organization"
	if s.st.userByLogin(rp.Owner) != nil {
		ownerKind = "User"
	}
	visibility := "public"
	if rp.Private {
		visibility = "private"
	}
	c.reply(http.StatusOK, repoJSON{
		ID: rp.ID, NodeID: nodeID("Repository", rp.ID), Name: rp.Name,
		FullName: rp.Owner + "/" + rp.Name, Private: rp.Private, Visibility: visibility,
		Owner: c.userJSON(rp.Owner, s.actorID(rp, rp.Owner), ownerKind), URL: c.repoURL(),
		DefaultBranch: rp.DefaultBranch, CreatedAt: rp.Created, UpdatedAt: rp.Created,
		Permissions: permissionFlags(rp.level(c.user.Login)),
	})
}

// repoURL is the API URL of the call's repository.
func (c *call) repoURL() string {
	return c.baseURL() + "/repos/" + c.repo.Owner + "/" + c.repo.Name
}

// permissionFlags is the permissions object GitHub puts on repositories and collaborators.
func permissionFlags(l level) map[string]bool {
	return map[string]bool{
		"admin": l >= levelAdmin, "maintain": l >= levelMaintain, "push": l >= levelWrite,
		"triage": l >= levelTriage, "pull": l >= levelRead,
	}
}

// permissionJSON is the answer of GET .../collaborators/{username}/permission.
type permissionJSON struct {
	Permission string   `json:"permission"`
	RoleName   string   `json:"role_name"`
	User       userJSON `json:"user"`
}

func (s *Server) getPermission(c *call) {
	u := s.st.userByLogin(c.r.PathValue("username"))
	if u == nil {
		c.notFound()

		return
	}
	l := c.repo.level(u.Login)
	uj := c.userJSON(u.Login, u.ID, "User")
	uj.Permissions = permissionFlags(l)
	c.reply(http.StatusOK, permissionJSON{Permission: legacyPermission(l), RoleName: roleName(l),
		User: uj})
}

// legacyPermission folds the five roles into the admin, write, read or none that the
// permission field reports.
func legacyPermission(l level) string {
	switch {
	case l >= levelAdmin:
		return "admin"
	case l >= levelWrite:
		return "write"
	case l >= levelRead:
		return "read"
	}

	return "none"
}

func roleName(l level) string {
	for name, v := range levels {
		if v == l {
			return name
		}
	}

	return "none"
}

// environmentJSON is GitHub's environment object.
type environmentJSON struct {
	ID              int64     `json:"id"`
	NodeID          string    `json:"node_id"`
	Name            string    `json:"name"`
	URL             string    `json:"url"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	ProtectionRules []any     `json:"protection_rules"`
}

func (s *Server) listEnvironments(c *call) {
	envs := paginate(c, c.repo.Environments)
	out := make([]environmentJSON, 0, len(envs))
	for _, env := range envs {
		out = append(out, environmentJSON{
			ID: env.ID, NodeID: nodeID("Environment", env.ID), Name: env.Name,
			URL: c.repoURL() + "/environments/" + env.Name, CreatedAt: env.Created,
			UpdatedAt: env.Created, ProtectionRules: []any{},
		})
	}
	c.reply(http.StatusOK, map[string]any{
		"total_count": len(c.repo.Environments), "environments": out,
	})
}

// nodeID builds a GraphQL node ID in GitHub's older format: base64 of "0", the type's length,
// ":", the type and the ID.
func nodeID(kind string, id int64) string {
	raw := fmt.Sprintf("0%d:%s%d", len(kind), kind, id)

	return base64.StdEncoding.EncodeToString([]byte(raw))
}

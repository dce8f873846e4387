package awssim

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/onramp-dev/onramp/sandbox/policy"
)

// Session duration limits of a role, in seconds.
const (
	defaultMaxSession = 3600
	longestMaxSession = 43200
)

// roleXML is IAM's Role; AssumeRolePolicyDocument is URL-encoded, as IAM sends it.
type roleXML struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               isoTime
	AssumeRolePolicyDocument string
	Description              string `xml:",omitempty"`
	MaxSessionDuration       int
	RoleLastUsed             *roleLastUsedXML `xml:",omitempty"`
}

// roleLastUsedXML is IAM's RoleLastUsed.
type roleLastUsedXML struct {
	LastUsedDate *isoTime `xml:",omitempty"`
	Region       string   `xml:",omitempty"`
}

// toXML returns the role as IAM answers it; lastUsed adds RoleLastUsed, which only GetRole
// reports.
func (r *role) toXML(lastUsed bool, region string) roleXML {
	x := roleXML{Path: r.Path, RoleName: r.Name, RoleId: r.ID, Arn: r.ARN,
		CreateDate: isoTime(r.Created), AssumeRolePolicyDocument: encodeDocument(r.Trust),
		Description: r.Description, MaxSessionDuration: r.MaxSession}
	if lastUsed {
		x.RoleLastUsed = &roleLastUsedXML{}
	}

	if lastUsed && !r.LastUsed.IsZero() {
		x.RoleLastUsed = &roleLastUsedXML{LastUsedDate: optionalTime(r.LastUsed), Region: region}
	}

	return x
}

// encodeDocument URL-encodes a policy document the way IAM returns documents.
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// parseDocument parses a policy document, answering MalformedPolicyDocument when it is not
// one.
func parseDocument(text string) (*policy.Document, error) {
	doc, err := policy.Parse([]byte(text))
	if err != nil {
		return nil, apiErr(http.StatusBadRequest, "MalformedPolicyDocument", "%v", err)
	}

	return doc, nil
}

// roleSpec is what CreateRole asks for; ready skips KeyDelay, for roles that a sandbox starts
// with.
type roleSpec struct {
	name, path, trust, description string
	maxSession                     int
	ready                          bool
}

// createRole adds a role after checking its name, path and trust policy.
func (s *Sim) createRole(spec roleSpec) (*role, error) {
	if err := s.checkRoleSpec(spec); err != nil {
		return nil, err
	}

	if s.findRole(spec.name) != nil {
		return nil, conflict("EntityAlreadyExists", "Role with name %s already exists.",
			spec.name)
	}

	now := s.now()
	r := &role{Name: spec.name, Path: orRoot(spec.path), ID: newID("AROA", 17),
		Description: spec.description, MaxSession: spec.maxSession, Created: now,
		ReadyAt: now.Add(s.opts.KeyDelay), Trust: spec.trust, Inline: map[string]string{}}
	if r.MaxSession == 0 {
		r.MaxSession = defaultMaxSession
	}

	if spec.ready {
		r.ReadyAt = now
	}

	r.ARN = s.iamARN("role" + r.Path + r.Name)
	s.st.Roles[r.Name] = r

	return r, nil
}

// checkRoleSpec validates a CreateRole request.
func (s *Sim) checkRoleSpec(spec roleSpec) error {
	if err := validName("roleName", spec.name, 64); err != nil {
		return err
	}

	if err := validPath(spec.path); err != nil {
		return err
	}

	if spec.maxSession != 0 &&
		(spec.maxSession < defaultMaxSession || spec.maxSession > longestMaxSession) {
		return validationError("maxSessionDuration", strconv.Itoa(spec.maxSession),
			"Member must have value between 3600 and 43200")
	}

	return s.checkTrust(spec.trust)
}

// findRole returns the role with a name, compared without case as IAM does, or nil.
func (s *Sim) findRole(name string) *role {
	for key, r := range s.st.Roles {
		if strings.EqualFold(key, name) {
			return r
		}
	}

	return nil
}

// getRole returns a role by exact name or IAM's NoSuchEntity.
func (s *Sim) getRole(name string) (*role, error) {
	r, ok := s.st.Roles[name]
	if !ok {
		return nil, noSuchEntity("The role with name %s cannot be found.", name)
	}

	return r, nil
}

// roleARN returns an existing role's ARN, or the ARN it would have at the root path.
func (s *Sim) roleARN(name string) string {
	if r, ok := s.st.Roles[name]; ok {
		return r.ARN
	}

	return s.iamARN("role/" + name)
}

// iamCreateRole serves CreateRole.
func (s *Sim) iamCreateRole(c *call) (any, error) {
	spec := roleSpec{name: c.form.Get("RoleName"), path: c.form.Get("Path"),
		trust: c.form.Get("AssumeRolePolicyDocument"), description: c.form.Get("Description")}
	if v := c.form.Get("MaxSessionDuration"); v != "" {
		spec.maxSession, _ = strconv.Atoi(v)
	}

	if err := validName("roleName", spec.name, 64); err != nil {
		return nil, err
	}

	arn := s.iamARN("role" + orRoot(spec.path) + spec.name)
	if err := s.authorize(c, "iam:CreateRole", arn); err != nil {
		return nil, err
	}

	r, err := s.createRole(spec)
	if err != nil {
		return nil, err
	}

	return struct{ Role roleXML }{r.toXML(false, "")}, nil
}

// roleCall checks a role operation's RoleName and authorization and returns the role.
func (s *Sim) roleCall(c *call, action string) (*role, error) {
	name := c.form.Get("RoleName")
	if err := validName("roleName", name, 64); err != nil {
		return nil, err
	}

	if err := s.authorize(c, action, s.roleARN(name)); err != nil {
		return nil, err
	}

	return s.getRole(name)
}

// iamGetRole serves GetRole.
func (s *Sim) iamGetRole(c *call) (any, error) {
	r, err := s.roleCall(c, "iam:GetRole")
	if err != nil {
		return nil, err
	}

	return struct{ Role roleXML }{r.toXML(true, s.opts.Region)}, nil
}

// iamDeleteRole serves DeleteRole, which AWS refuses while the role has policies.
func (s *Sim) iamDeleteRole(c *call) (any, error) {
	r, err := s.roleCall(c, "iam:DeleteRole")
	if err != nil {
		return nil, err
	}

	switch {
	case len(r.Inline) > 0:
		return nil, conflict("DeleteConflict", "Cannot delete entity, must delete policies first.")
	case len(r.Attached) > 0:
		return nil, conflict("DeleteConflict",
			"Cannot delete entity, must detach all policies first.")
	}

	delete(s.st.Roles, r.Name)

	return nil, nil
}

// iamListRoles serves ListRoles.
func (s *Sim) iamListRoles(c *call) (any, error) {
	if err := s.authorize(c, "iam:ListRoles", s.iamARN("role/")); err != nil {
		return nil, err
	}

	prefix := orRoot(c.form.Get("PathPrefix"))
	var roles []roleXML
	for _, name := range sortedKeys(s.st.Roles) {
		if r := s.st.Roles[name]; strings.HasPrefix(r.Path, prefix) {
			roles = append(roles, r.toXML(false, ""))
		}
	}

	page, marker, err := paginate(roles, c.form.Get("Marker"), c.form.Get("MaxItems"))
	if err != nil {
		return nil, err
	}

	return struct {
		Roles       []roleXML `xml:"Roles>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{page, marker != "", marker}, nil
}

// iamUpdateAssumeRolePolicy serves UpdateAssumeRolePolicy.
func (s *Sim) iamUpdateAssumeRolePolicy(c *call) (any, error) {
	r, err := s.roleCall(c, "iam:UpdateAssumeRolePolicy")
	if err != nil {
		return nil, err
	}

	trust := c.form.Get("PolicyDocument")
	if err := s.checkTrust(trust); err != nil {
		return nil, err
	}

	r.Trust = trust

	return nil, nil
}

package awssim

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// iamOps are IAM's operations.
func iamOps() map[string]handler {
	return map[string]handler{
		"CreateUser":                  (*Sim).iamCreateUser,
		"GetUser":                     (*Sim).iamGetUser,
		"DeleteUser":                  (*Sim).iamDeleteUser,
		"ListUsers":                   (*Sim).iamListUsers,
		"CreateRole":                  (*Sim).iamCreateRole,
		"GetRole":                     (*Sim).iamGetRole,
		"DeleteRole":                  (*Sim).iamDeleteRole,
		"ListRoles":                   (*Sim).iamListRoles,
		"UpdateAssumeRolePolicy":      (*Sim).iamUpdateAssumeRolePolicy,
		"AttachRolePolicy":            (*Sim).iamAttachRolePolicy,
		"DetachRolePolicy":            (*Sim).iamDetachRolePolicy,
		"ListAttachedRolePolicies":    (*Sim).iamListAttachedRolePolicies,
		"PutRolePolicy":               (*Sim).iamPutRolePolicy,
		"GetRolePolicy":               (*Sim).iamGetRolePolicy,
		"DeleteRolePolicy":            (*Sim).iamDeleteRolePolicy,
		"ListRolePolicies":            (*Sim).iamListRolePolicies,
		"AttachUserPolicy":            (*Sim).iamAttachUserPolicy,
		"DetachUserPolicy":            (*Sim).iamDetachUserPolicy,
		"ListAttachedUserPolicies":    (*Sim).iamListAttachedUserPolicies,
		"PutUserPolicy":               (*Sim).iamPutUserPolicy,
		"GetUserPolicy":               (*Sim).iamGetUserPolicy,
		"DeleteUserPolicy":            (*Sim).iamDeleteUserPolicy,
		"ListUserPolicies":            (*Sim).iamListUserPolicies,
		"CreateAccessKey":             (*Sim).iamCreateAccessKey,
		"ListAccessKeys":              (*Sim).iamListAccessKeys,
		"UpdateAccessKey":             (*Sim).iamUpdateAccessKey,
		"DeleteAccessKey":             (*Sim).iamDeleteAccessKey,
		"GetAccessKeyLastUsed":        (*Sim).iamGetAccessKeyLastUsed,
		"CreateOpenIDConnectProvider": (*Sim).iamCreateOIDCProvider,
		"GetOpenIDConnectProvider":    (*Sim).iamGetOIDCProvider,
		"ListOpenIDConnectProviders":  (*Sim).iamListOIDCProviders,
		"DeleteOpenIDConnectProvider": (*Sim).iamDeleteOIDCProvider,
	}
}

// namePattern is IAM's pattern for user, role and policy names.
var namePattern = regexp.MustCompile(`^[\w+=,.@-]+$`)

// pathPattern is IAM's pattern for paths.
var pathPattern = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)

// validName checks an IAM name the way IAM's request validation does; field is the member
// name AWS reports, such as "userName".
func validName(field, value string, maxLen int) error {
	switch {
	case value == "":
		return validationError(field, value, "Member must have length greater than or equal to 1")
	case utf8.RuneCountInString(value) > maxLen:
		return validationError(field, value,
			"Member must have length less than or equal to "+strconv.Itoa(maxLen))
	case !namePattern.MatchString(value):
		return validationError(field, value,
			`Member must satisfy regular expression pattern: [\w+=,.@-]+`)
	}

	return nil
}

// validPath checks an IAM path; an empty one means "/".
func validPath(path string) error {
	if path == "" || (len(path) <= 512 && pathPattern.MatchString(path)) {
		return nil
	}

	return validationError("path", path,
		`Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`)
}

// validationError is AWS's answer to a request that breaks a member's constraint.
func validationError(field, value, constraint string) *apiError {
	return apiErr(http.StatusBadRequest, "ValidationError",
		"1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s",
		value, field, constraint)
}

// orRoot returns path, or "/" when it is empty.
func orRoot(path string) string {
	if path == "" {
		return "/"
	}

	return path
}

// noSuchEntity is IAM's 404 answer.
func noSuchEntity(format string, args ...any) *apiError {
	return apiErr(http.StatusNotFound, "NoSuchEntity", format, args...)
}

// conflict is IAM's 409 answer with the given code.
func conflict(code, format string, args ...any) *apiError {
	return apiErr(http.StatusConflict, code, format, args...)
}

// userXML is IAM's User.
type userXML struct {
	Path       string
	UserName   string
	UserId     string
	Arn        string
	CreateDate isoTime
}

// toXML returns the user as IAM answers it.
func (u *user) toXML() userXML {
	return userXML{Path: u.Path, UserName: u.Name, UserId: u.ID, Arn: u.ARN,
		CreateDate: isoTime(u.Created)}
}

// createUser adds a user after checking its name and path.
func (s *Sim) createUser(name, path string) (*user, error) {
	if err := validName("userName", name, 64); err != nil {
		return nil, err
	}

	if err := validPath(path); err != nil {
		return nil, err
	}

	if s.findUser(name) != nil {
		return nil, conflict("EntityAlreadyExists", "User with name %s already exists.", name)
	}

	u := &user{Name: name, Path: orRoot(path), ID: newID("AIDA", 17), Created: s.now(),
		Inline: map[string]string{}}
	u.ARN = s.iamARN("user" + u.Path + name)
	s.st.Users[name] = u

	return u, nil
}

// findUser returns the user with a name, compared without case as IAM does, or nil.
func (s *Sim) findUser(name string) *user {
	for key, u := range s.st.Users {
		if strings.EqualFold(key, name) {
			return u
		}
	}

	return nil
}

// getUser returns a user by exact name or IAM's NoSuchEntity.
func (s *Sim) getUser(name string) (*user, error) {
	u, ok := s.st.Users[name]
	if !ok {
		return nil, noSuchEntity("The user with name %s cannot be found.", name)
	}

	return u, nil
}

// iamCreateUser serves CreateUser.
func (s *Sim) iamCreateUser(c *call) (any, error) {
	name, path := c.form.Get("UserName"), c.form.Get("Path")
	if err := validName("userName", name, 64); err != nil {
		return nil, err
	}

	if err := s.authorize(c, "iam:CreateUser", s.iamARN("user"+orRoot(path)+name)); err != nil {
		return nil, err
	}

	u, err := s.createUser(name, path)
	if err != nil {
		return nil, err
	}

	return struct{ User userXML }{u.toXML()}, nil
}

// iamGetUser serves GetUser; without a UserName it describes the caller.
func (s *Sim) iamGetUser(c *call) (any, error) {
	name, err := s.targetUser(c)
	if err != nil {
		return nil, err
	}

	if err := s.authorize(c, "iam:GetUser", s.userARN(name)); err != nil {
		return nil, err
	}

	u, err := s.getUser(name)
	if err != nil {
		return nil, err
	}

	return struct{ User userXML }{u.toXML()}, nil
}

// targetUser returns the call's UserName, or the calling user's name when it has none.
func (s *Sim) targetUser(c *call) (string, error) {
	name := c.form.Get("UserName")
	switch {
	case name != "":
		return name, validName("userName", name, 64)
	case c.caller.user == "":
		return "", apiErr(http.StatusBadRequest, "ValidationError",
			"Must specify userName when calling with non-User credentials")
	}

	return c.caller.user, nil
}

// userARN returns an existing user's ARN, or the ARN it would have at the root path.
func (s *Sim) userARN(name string) string {
	if u, ok := s.st.Users[name]; ok {
		return u.ARN
	}

	return s.iamARN("user/" + name)
}

// iamDeleteUser serves DeleteUser, which AWS refuses while the user has keys or policies.
func (s *Sim) iamDeleteUser(c *call) (any, error) {
	name := c.form.Get("UserName")
	if err := validName("userName", name, 64); err != nil {
		return nil, err
	}

	if err := s.authorize(c, "iam:DeleteUser", s.userARN(name)); err != nil {
		return nil, err
	}

	u, err := s.getUser(name)
	if err != nil {
		return nil, err
	}

	if err := s.userDeletable(u); err != nil {
		return nil, err
	}

	delete(s.st.Users, name)

	return nil, nil
}

// userDeletable returns AWS's DeleteConflict when the user still has keys or policies.
func (s *Sim) userDeletable(u *user) error {
	switch {
	case len(s.userKeys(u.Name)) > 0:
		return conflict("DeleteConflict", "Cannot delete entity, must delete access keys first.")
	case len(u.Inline) > 0:
		return conflict("DeleteConflict", "Cannot delete entity, must delete policies first.")
	case len(u.Attached) > 0:
		return conflict("DeleteConflict",
			"Cannot delete entity, must detach all policies first.")
	}

	return nil
}

// iamListUsers serves ListUsers.
func (s *Sim) iamListUsers(c *call) (any, error) {
	if err := s.authorize(c, "iam:ListUsers", s.iamARN("user/")); err != nil {
		return nil, err
	}

	prefix := orRoot(c.form.Get("PathPrefix"))
	var users []userXML
	for _, name := range sortedKeys(s.st.Users) {
		if u := s.st.Users[name]; strings.HasPrefix(u.Path, prefix) {
			users = append(users, u.toXML())
		}
	}

	page, marker, err := paginate(users, c.form.Get("Marker"), c.form.Get("MaxItems"))
	if err != nil {
		return nil, err
	}

	return struct {
		Users       []userXML `xml:"Users>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{page, marker != "", marker}, nil
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}

	slices.Sort(keys)

	return keys
}

// paginate cuts one page out of items for IAM's Marker and MaxItems; the returned marker is
// empty on the last page.
func paginate[T any](items []T, marker, maxItems string) ([]T, string, error) {
	start, err := strconv.Atoi(marker)
	if marker == "" {
		start, err = 0, nil
	}

	if err != nil || start < 0 || start > len(items) {
		return nil, "", apiErr(http.StatusBadRequest, "ValidationError", "Invalid Marker.")
	}

	limit, err := strconv.Atoi(maxItems)
	if maxItems == "" {
		limit, err = 100, nil
	}

	if err != nil || limit < 1 || limit > 1000 {
		return nil, "", validationError("maxItems", maxItems,
			"Member must have value less than or equal to 1000")
	}

	end := min(start+limit, len(items))
	if end == len(items) {
		return items[start:end], "", nil
	}

	return items[start:end], strconv.Itoa(end), nil
}

package awssim

import (
	"net/http"
	"slices"
	"strings"
	"unicode"
)

// holderKind describes the identities that hold policies: users and roles.
type holderKind struct {
	param, field, noun, quota string
	// inlineLimit is the size, in non-space characters, that all inline policies of one
	// identity may reach.
	inlineLimit int
}

var (
	userKind = holderKind{param: "UserName", field: "userName", noun: "user",
		quota: "PoliciesPerUser", inlineLimit: 2048}
	roleKind = holderKind{param: "RoleName", field: "roleName", noun: "role",
		quota: "PoliciesPerRole", inlineLimit: 10240}
)

// attachedLimit is the default quota of managed policies attached to one user or role.
const attachedLimit = 10

// holder is a user or a role seen as something that holds policies.
type holder struct {
	kind     holderKind
	name     string
	inline   map[string]string
	attached *[]string
}

// findHolder returns the user or role with a name, or IAM's NoSuchEntity.
func (s *Sim) findHolder(kind holderKind, name string) (*holder, error) {
	if kind == userKind {
		u, err := s.getUser(name)
		if err != nil {
			return nil, err
		}

		return &holder{kind: kind, name: name, inline: u.Inline, attached: &u.Attached}, nil
	}

	r, err := s.getRole(name)
	if err != nil {
		return nil, err
	}

	return &holder{kind: kind, name: name, inline: r.Inline, attached: &r.Attached}, nil
}

// holderCall checks a policy operation's user or role name and authorization, IAM action
// "iam:" + the operation, and returns the holder.
func (s *Sim) holderCall(c *call, kind holderKind) (*holder, error) {
	name := c.form.Get(kind.param)
	if err := validName(kind.field, name, 64); err != nil {
		return nil, err
	}

	arn := s.userARN(name)
	if kind == roleKind {
		arn = s.roleARN(name)
	}

	if err := s.authorize(c, "iam:"+c.op, arn); err != nil {
		return nil, err
	}

	return s.findHolder(kind, name)
}

// attach attaches a managed policy; attaching one twice changes nothing, as on AWS.
func (h *holder) attach(arn string) error {
	if _, ok := managed[arn]; !ok {
		return noSuchEntity("Policy %s does not exist or is not attachable.", arn)
	}

	if slices.Contains(*h.attached, arn) {
		return nil
	}

	if len(*h.attached) >= attachedLimit {
		return conflict("LimitExceeded", "Cannot exceed quota for %s: %d", h.kind.quota,
			attachedLimit)
	}

	*h.attached = append(*h.attached, arn)

	return nil
}

// validPolicyARN checks the form of a PolicyArn parameter.
func validPolicyARN(arn string) error {
	if !strings.HasPrefix(arn, "arn:aws:iam::") || !strings.Contains(arn, ":policy/") {
		return apiErr(http.StatusBadRequest, "InvalidInput", "ARN %s is not valid.", arn)
	}

	return nil
}

// attachPolicy serves AttachUserPolicy and AttachRolePolicy.
func (s *Sim) attachPolicy(c *call, kind holderKind) (any, error) {
	arn := c.form.Get("PolicyArn")
	if err := validPolicyARN(arn); err != nil {
		return nil, err
	}

	h, err := s.holderCall(c, kind)
	if err != nil {
		return nil, err
	}

	return nil, h.attach(arn)
}

// detachPolicy serves DetachUserPolicy and DetachRolePolicy.
func (s *Sim) detachPolicy(c *call, kind holderKind) (any, error) {
	arn := c.form.Get("PolicyArn")
	if err := validPolicyARN(arn); err != nil {
		return nil, err
	}

	h, err := s.holderCall(c, kind)
	if err != nil {
		return nil, err
	}

	i := slices.Index(*h.attached, arn)
	if i < 0 {
		return nil, noSuchEntity("Policy %s was not found.", arn)
	}

	*h.attached = slices.Delete(*h.attached, i, i+1)

	return nil, nil
}

// attachedPolicyXML is IAM's AttachedPolicy.
type attachedPolicyXML struct {
	PolicyName string
	PolicyArn  string
}

// listAttached serves ListAttachedUserPolicies and ListAttachedRolePolicies.
func (s *Sim) listAttached(c *call, kind holderKind) (any, error) {
	h, err := s.holderCall(c, kind)
	if err != nil {
		return nil, err
	}

	var list []attachedPolicyXML
	for _, arn := range *h.attached {
		list = append(list, attachedPolicyXML{PolicyName: managedName(arn), PolicyArn: arn})
	}

	page, marker, err := paginate(list, c.form.Get("Marker"), c.form.Get("MaxItems"))
	if err != nil {
		return nil, err
	}

	return struct {
		AttachedPolicies []attachedPolicyXML `xml:"AttachedPolicies>member"`
		IsTruncated      bool
		Marker           string `xml:",omitempty"`
	}{page, marker != "", marker}, nil
}

// putPolicy serves PutUserPolicy and PutRolePolicy.
func (s *Sim) putPolicy(c *call, kind holderKind) (any, error) {
	name, text := c.form.Get("PolicyName"), c.form.Get("PolicyDocument")
	if err := validName("policyName", name, 128); err != nil {
		return nil, err
	}

	h, err := s.holderCall(c, kind)
	if err != nil {
		return nil, err
	}

	if _, err := parseDocument(text); err != nil {
		return nil, err
	}

	return nil, h.put(name, text)
}

// put stores an inline policy unless the identity's inline policies would grow past their
// size quota.
func (h *holder) put(name, text string) error {
	size := documentSize(text)
	for other, doc := range h.inline {
		if other != name {
			size += documentSize(doc)
		}
	}

	if size > h.kind.inlineLimit {
		return conflict("LimitExceeded", "Maximum policy size of %d bytes exceeded for %s %s",
			h.kind.inlineLimit, h.kind.noun, h.name)
	}

	h.inline[name] = text

	return nil
}

// documentSize counts a policy's characters as IAM's quota does, without white space.
func documentSize(text string) int {
	n := 0
	for _, r := range text {
		if !unicode.IsSpace(r) {
			n++
		}
	}

	return n
}

// inlinePolicy returns a named inline policy or IAM's NoSuchEntity.
func (h *holder) inlinePolicy(name string) (string, error) {
	text, ok := h.inline[name]
	if !ok {
		return "", noSuchEntity("The %s policy with name %s cannot be found.", h.kind.noun, name)
	}

	return text, nil
}

// inlineCall checks an inline policy operation's names and returns the holder and the
// policy's document.
func (s *Sim) inlineCall(c *call, kind holderKind) (*holder, string, error) {
	name := c.form.Get("PolicyName")
	if err := validName("policyName", name, 128); err != nil {
		return nil, "", err
	}

	h, err := s.holderCall(c, kind)
	if err != nil {
		return nil, "", err
	}

	text, err := h.inlinePolicy(name)

	return h, text, err
}

// iamGetUserPolicy serves GetUserPolicy.
func (s *Sim) iamGetUserPolicy(c *call) (any, error) {
	h, text, err := s.inlineCall(c, userKind)
	if err != nil {
		return nil, err
	}

	return struct{ UserName, PolicyName, PolicyDocument string }{
		h.name, c.form.Get("PolicyName"), encodeDocument(text)}, nil
}

// iamGetRolePolicy serves GetRolePolicy.
func (s *Sim) iamGetRolePolicy(c *call) (any, error) {
	h, text, err := s.inlineCall(c, roleKind)
	if err != nil {
		return nil, err
	}

	return struct{ RoleName, PolicyName, PolicyDocument string }{
		h.name, c.form.Get("PolicyName"), encodeDocument(text)}, nil
}

// deletePolicy serves DeleteUserPolicy and DeleteRolePolicy.
func (s *Sim) deletePolicy(c *call, kind holderKind) (any, error) {
	h, _, err := s.inlineCall(c, kind)
	if err != nil {
		return nil, err
	}

	delete(h.inline, c.form.Get("PolicyName"))

	return nil, nil
}

// listInline serves ListUserPolicies and ListRolePolicies.
func (s *Sim) listInline(c *call, kind holderKind) (any, error) {
	h, err := s.holderCall(c, kind)
	if err != nil {
		return nil, err
	}

	page, marker, err := paginate(sortedKeys(h.inline), c.form.Get("Marker"),
		c.form.Get("MaxItems"))
	if err != nil {
		return nil, err
	}

	return struct {
		PolicyNames []string `xml:"PolicyNames>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{page, marker != "", marker}, nil
}

// The per-kind operations, for IAM's operation table.

func (s *Sim) iamAttachUserPolicy(c *call) (any, error) { return s.attachPolicy(c, userKind) }
func (s *Sim) iamAttachRolePolicy(c *call) (any, error) { return s.attachPolicy(c, roleKind) }
func (s *Sim) iamDetachUserPolicy(c *call) (any, error) { return s.detachPolicy(c, userKind) }
func (s *Sim) iamDetachRolePolicy(c *call) (any, error) { return s.detachPolicy(c, roleKind) }
func (s *Sim) iamPutUserPolicy(c *call) (any, error)    { return s.putPolicy(c, userKind) }
func (s *Sim) iamPutRolePolicy(c *call) (any, error)    { return s.putPolicy(c, roleKind) }
func (s *Sim) iamDeleteUserPolicy(c *call) (any, error) { return s.deletePolicy(c, userKind) }
func (s *Sim) iamDeleteRolePolicy(c *call) (any, error) { return s.deletePolicy(c, roleKind) }
func (s *Sim) iamListUserPolicies(c *call) (any, error) { return s.listInline(c, userKind) }
func (s *Sim) iamListRolePolicies(c *call) (any, error) { return s.listInline(c, roleKind) }

func (s *Sim) iamListAttachedUserPolicies(c *call) (any, error) {
	return s.listAttached(c, userKind)
}

func (s *Sim) iamListAttachedRolePolicies(c *call) (any, error) {
	return s.listAttached(c, roleKind)
}

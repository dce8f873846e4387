package awssim

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/onramp-dev/onramp/sandbox/policy"
)

// stsOps are STS's operations.
//
// TODO: AssumeRoleWithWebIdentity is missing; it comes with the GitHub OIDC path, which also
// needs unsigned requests to pass authentication and a token issuer for the GitHub side.
var stsOps = map[string]handler{
	"GetCallerIdentity": (*Sim).stsGetCallerIdentity,
	"AssumeRole":        (*Sim).stsAssumeRole,
}

// Limits of AssumeRole's parameters, in seconds.
const (
	minSessionDuration = 900
	chainedMaxDuration = 3600
)

// sessionNamePattern is STS's pattern for RoleSessionName.
var sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// roleARNPattern is the form of a role ARN in this partition.
var roleARNPattern = regexp.MustCompile(
	`^arn:aws:iam::(\d{12}):role/(?:[\x21-\x7E]*/)?([\w+=,.@-]+)$`)

// stsGetCallerIdentity serves GetCallerIdentity, which needs no permission.
func (s *Sim) stsGetCallerIdentity(c *call) (any, error) {
	return struct{ Arn, UserId, Account string }{c.caller.ARN, c.caller.UserID,
		c.caller.Account}, nil
}

// assumeRequest is an AssumeRole call's parameters.
type assumeRequest struct {
	roleARN, sessionName, externalID, sourceIdentity string
	duration                                         int
	tags                                             map[string]string
	transitive                                       []string
}

// readAssume reads and validates AssumeRole's parameters.
//
// TODO: session policies (Policy, PolicyArns) are ignored, so a session gets all of its
// role's permissions; onramp never passes them, and honouring them needs an intersection of
// the role's and the session's decisions.
func readAssume(c *call) (assumeRequest, error) {
	req := assumeRequest{roleARN: c.form.Get("RoleArn"), sessionName: c.form.Get("RoleSessionName"),
		externalID: c.form.Get("ExternalId"), sourceIdentity: c.form.Get("SourceIdentity"),
		duration: defaultMaxSession, tags: tagList(c.form, "Tags"),
		transitive: memberList(c.form, "TransitiveTagKeys")}

	if !roleARNPattern.MatchString(req.roleARN) {
		return req, validationError("roleArn", req.roleARN,
			"Member must satisfy regular expression pattern: arn:aws:iam::\\d{12}:role/.+")
	}

	if !sessionNamePattern.MatchString(req.sessionName) {
		return req, validationError("roleSessionName", req.sessionName,
			`Member must satisfy regular expression pattern: [\w+=,.@-]*`)
	}

	if v := c.form.Get("DurationSeconds"); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil || d < minSessionDuration || d > longestMaxSession {
			return req, validationError("durationSeconds", v,
				"Member must have value between 900 and 43200")
		}

		req.duration = d
	}

	return req, nil
}

// stsAssumeRole serves AssumeRole: the role's trust policy must allow the caller, for
// sts:TagSession too when tags are passed, and when it allows the caller only through its
// account the caller's own policies must allow the same actions on the role.
func (s *Sim) stsAssumeRole(c *call) (any, error) {
	req, err := readAssume(c)
	if err != nil {
		return nil, err
	}

	r, err := s.assumable(c, req)
	if err != nil {
		return nil, err
	}

	if err := s.checkDuration(c, r, req.duration); err != nil {
		return nil, err
	}

	ss := s.startSession(c, r, req)

	return assumeRoleResult(ss, s.assumedRoleARN(r.Name, ss.Name)), nil
}

// assumable returns the role if the caller may assume it with the request's tags.
func (s *Sim) assumable(c *call, req assumeRequest) (*role, error) {
	m := roleARNPattern.FindStringSubmatch(req.roleARN)
	r, ok := s.st.Roles[m[2]]
	if m[1] != s.opts.AccountID || !ok || r.ARN != req.roleARN || s.now().Before(r.ReadyAt) {
		// A role that does not exist, or that IAM has not propagated yet, looks to STS like
		// one whose trust policy refuses the caller.
		return nil, s.denied(c, "sts:AssumeRole", req.roleARN, "")
	}

	actions := []string{"sts:AssumeRole"}
	if len(req.tags) > 0 || len(req.transitive) > 0 {
		actions = append(actions, "sts:TagSession")
	}

	for _, action := range actions {
		if err := s.checkAssume(c, r, action, req); err != nil {
			return nil, err
		}
	}

	return r, nil
}

// checkAssume evaluates one action of an assume against the trust policy and, as needed, the
// caller's identity policies.
func (s *Sim) checkAssume(c *call, r *role, action string, req assumeRequest) error {
	ctx := assumeContext(req)
	trust := s.evaluateTrust(c.caller, r, action, ctx)
	if trust.Decision != policy.Allow {
		return s.denied(c, action, r.ARN, "")
	}

	own := s.evaluateIdentity(c.caller, action, r.ARN, ctx)
	switch {
	case own.Decision == policy.Deny:
		return s.denied(c, action, r.ARN, reasonDeny)
	case trust.ViaAccount && own.Decision != policy.Allow:
		return s.denied(c, action, r.ARN, "because no identity-based policy allows the "+
			action+" action")
	}

	return nil
}

// evaluateTrust evaluates a role's trust policy for the caller. For a role session the
// principal is the session's role, as AWS matches it.
func (s *Sim) evaluateTrust(id identity, r *role, action string,
	ctx map[string][]string,
) policy.Result {
	doc, err := policy.Parse([]byte(r.Trust))
	if err != nil {
		return policy.Result{}
	}

	return doc.Evaluate(s.policyRequest(id, action, r.ARN, ctx))
}

// assumeContext returns the condition keys an AssumeRole request sets.
func assumeContext(req assumeRequest) map[string][]string {
	ctx := map[string][]string{"sts:RoleSessionName": {req.sessionName}}
	if req.externalID != "" {
		ctx["sts:ExternalId"] = []string{req.externalID}
	}

	if req.sourceIdentity != "" {
		ctx["sts:SourceIdentity"] = []string{req.sourceIdentity}
	}

	keys := make([]string, 0, len(req.tags))
	for key, value := range req.tags {
		ctx["aws:RequestTag/"+key] = []string{value}
		keys = append(keys, key)
	}

	slices.Sort(keys)
	if len(keys) > 0 {
		ctx["aws:TagKeys"] = keys
	}

	if len(req.transitive) > 0 {
		ctx["sts:TransitiveTagKeys"] = req.transitive
	}

	return ctx
}

// checkDuration refuses a session longer than the role allows, or than an hour when a role
// session assumes a role (role chaining).
func (s *Sim) checkDuration(c *call, r *role, duration int) error {
	if c.caller.role != "" && duration > chainedMaxDuration {
		return apiErr(http.StatusBadRequest, "ValidationError", "The requested DurationSeconds "+
			"exceeds the 1 hour session limit for roles assumed by role chaining.")
	}

	if duration > r.MaxSession {
		return apiErr(http.StatusBadRequest, "ValidationError",
			"The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}

	return nil
}

// startSession issues temporary credentials for the role.
func (s *Sim) startSession(c *call, r *role, req assumeRequest) *session {
	now := s.now()
	s.pruneSessions(now)

	ss := &session{ID: newID("ASIA", 16), Secret: newSecret(30), Token: newSecret(300),
		Role: r.Name, RoleID: r.ID, Name: req.sessionName,
		Expires: now.Add(time.Duration(req.duration) * time.Second), Tags: req.tags,
		SourceID: req.sourceIdentity}
	if len(ss.Tags) == 0 {
		ss.Tags = nil
	}

	s.st.Sessions[ss.ID] = ss
	r.LastUsed = now

	return ss
}

// pruneSessions forgets sessions that expired over a day ago.
func (s *Sim) pruneSessions(now time.Time) {
	for id, ss := range s.st.Sessions {
		if now.Sub(ss.Expires) > 24*time.Hour {
			delete(s.st.Sessions, id)
		}
	}
}

// credentialsXML is STS's Credentials.
type credentialsXML struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      isoTime
}

// assumedRoleUserXML is STS's AssumedRoleUser.
type assumedRoleUserXML struct {
	AssumedRoleId string
	Arn           string
}

// assumeRoleResult is AssumeRole's answer.
func assumeRoleResult(ss *session, arn string) any {
	return struct {
		Credentials     credentialsXML
		AssumedRoleUser assumedRoleUserXML
		SourceIdentity  string `xml:",omitempty"`
	}{
		credentialsXML{ss.ID, ss.Secret, ss.Token, isoTime(ss.Expires)},
		assumedRoleUserXML{ss.RoleID + ":" + ss.Name, arn},
		ss.SourceID,
	}
}

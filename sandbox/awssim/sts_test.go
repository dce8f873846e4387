package awssim

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// trustDoc is a trust policy letting principal call the actions.
func trustDoc(principal string, actions ...string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",`+
		`"Principal":{"AWS":%q},"Action":["%s"]}]}`, principal, strings.Join(actions, `","`))
}

// allowDoc is an identity policy with one statement of the given effect.
func allowDoc(effect, action, resource string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":%q,"Action":%q,`+
		`"Resource":%q}]}`, effect, action, resource)
}

// role creates a role with a trust policy, ready at once.
func (e *env) role(name, path, trust string) string {
	e.t.Helper()

	arn, err := e.sim.CreateRole(name, path, trust)
	if err != nil {
		e.t.Fatal(err)
	}

	return arn
}

func TestGetCallerIdentity(t *testing.T) {
	e := newEnv(t, Options{AccountID: "123456789012"})
	out, err := e.sts(e.admin).GetCallerIdentity(context.Background(),
		&sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}

	if *out.Arn != "arn:aws:iam::123456789012:user/admin" || *out.Account != "123456789012" ||
		!strings.HasPrefix(*out.UserId, "AIDA") {
		t.Fatalf("identity = %s %s %s", *out.Arn, *out.Account, *out.UserId)
	}
}

func TestAssumeRole(t *testing.T) {
	e := newEnv(t, Options{})
	acct := e.sim.AccountID()
	userARN := "arn:aws:iam::" + acct + ":user/"
	keys := map[string]Credentials{"ci": e.user("ci"), "ci-allowed": e.user("ci-allowed"),
		"ci-denied": e.user("ci-denied")}
	e.putUserPolicy("ci-allowed", allowDoc("Allow", "sts:*", "*"))
	e.putUserPolicy("ci-denied", allowDoc("Deny", "sts:AssumeRole", "*"))

	byUser := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":[` +
		`"` + userARN + `ci","` + userARN + `ci-allowed","` + userARN + `ci-denied"]},` +
		`"Action":["sts:AssumeRole","sts:TagSession"]}]}`
	e.role("deploy", "/ci/", byUser)
	e.role("untagged", "", trustDoc(userARN+"ci", "sts:AssumeRole"))
	e.role("account", "", trustDoc("arn:aws:iam::"+acct+":root", "sts:AssumeRole"))

	tests := []struct {
		name     string
		user     string
		role     string
		tags     bool
		duration int32
		code     string
		msg      string
	}{
		{name: "trust names the user", user: "ci", role: "role/ci/deploy"},
		{name: "with tags", user: "ci", role: "role/ci/deploy", tags: true},
		{name: "tags without sts:TagSession", user: "ci", role: "role/untagged", tags: true,
			code: "AccessDenied", msg: "not authorized to perform: sts:TagSession on resource"},
		{name: "trust names the account only", user: "ci", role: "role/account",
			code: "AccessDenied", msg: "no identity-based policy allows the sts:AssumeRole"},
		{name: "trust names the account, policy allows", user: "ci-allowed", role: "role/account"},
		{name: "explicit deny", user: "ci-denied", role: "role/ci/deploy", code: "AccessDenied",
			msg: "with an explicit deny in an identity-based policy"},
		{name: "no such role", user: "ci", role: "role/missing", code: "AccessDenied",
			msg: "User: " + userARN + "ci is not authorized to perform: sts:AssumeRole"},
		{name: "path left out of the ARN", user: "ci", role: "role/deploy",
			code: "AccessDenied"},
		{name: "longer than the role allows", user: "ci", role: "role/ci/deploy",
			duration: 7200, code: "ValidationError", msg: "MaxSessionDuration"},
		{name: "not a role ARN", user: "ci", role: "user/ci", code: "ValidationError"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":" + tt.role),
				RoleSessionName: aws.String("gha")}
			if tt.tags {
				in.Tags = []types.Tag{{Key: aws.String("repo"), Value: aws.String("o/r")}}
			}

			if tt.duration != 0 {
				in.DurationSeconds = aws.Int32(tt.duration)
			}

			out, err := e.sts(keys[tt.user]).AssumeRole(context.Background(), in)
			checkCode(t, err, tt.code, tt.msg)

			if err == nil {
				e.checkSession(t, out, tt.role)
			}
		})
	}
}

// checkSession checks an AssumeRole answer and that its credentials work.
func (e *env) checkSession(t *testing.T, out *sts.AssumeRoleOutput, role string) {
	t.Helper()

	name := role[strings.LastIndex(role, "/")+1:]
	want := "arn:aws:sts::" + e.sim.AccountID() + ":assumed-role/" + name + "/gha"
	key := *out.Credentials.AccessKeyId
	if *out.AssumedRoleUser.Arn != want || !strings.HasPrefix(key, "ASIA") {
		t.Fatalf("assumed %s with key %s, want %s", *out.AssumedRoleUser.Arn,
			*out.Credentials.AccessKeyId, want)
	}

	session := Credentials{*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey,
		*out.Credentials.SessionToken}
	id, err := e.sts(session).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}

	if *id.Arn != want || *id.UserId != *out.AssumedRoleUser.AssumedRoleId {
		t.Fatalf("caller = %s %s, want %s %s", *id.Arn, *id.UserId, want,
			*out.AssumedRoleUser.AssumedRoleId)
	}
}

// assume assumes a role as creds and returns the session's credentials.
func (e *env) assume(creds Credentials, roleARN string, seconds int32) (Credentials, error) {
	out, err := e.sts(creds).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String(roleARN), RoleSessionName: aws.String("test"),
		DurationSeconds: aws.Int32(seconds)})
	if err != nil {
		return Credentials{}, err
	}

	return Credentials{*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey,
		*out.Credentials.SessionToken}, nil
}

func TestNewRoleCanBeAssumedOnlyAfterKeyDelay(t *testing.T) {
	e := newEnv(t, Options{KeyDelay: 8 * time.Second})
	trust := trustDoc(e.sim.iamARN("user/admin"), "sts:AssumeRole")
	out, err := e.iam(e.admin).CreateRole(context.Background(), &iam.CreateRoleInput{
		RoleName: aws.String("late"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}

	arn := *out.Role.Arn

	_, err = e.assume(e.admin, arn, 900)
	checkCode(t, err, "AccessDenied", "sts:AssumeRole on resource: "+arn)

	e.clock.Advance(9 * time.Second)

	_, err = e.assume(e.admin, arn, 900)
	checkCode(t, err, "", "")
}

func TestSessionExpires(t *testing.T) {
	e := newEnv(t, Options{})
	arn := e.role("short", "", trustDoc(e.sim.iamARN("user/admin"), "sts:AssumeRole"))
	session, err := e.assume(e.admin, arn, 900)
	if err != nil {
		t.Fatal(err)
	}

	e.clock.Advance(901 * time.Second)

	_, err = e.sts(session).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	checkCode(t, err, "ExpiredToken", msgExpiredToken)
}

func TestRoleChainingIsLimitedToAnHour(t *testing.T) {
	e := newEnv(t, Options{})
	first := e.role("first", "", trustDoc(e.sim.iamARN("user/admin"), "sts:AssumeRole"))
	second := e.role("second", "", trustDoc(e.sim.iamARN("role/first"), "sts:AssumeRole"))
	if err := e.sim.AttachRolePolicy("first", AdministratorAccessARN); err != nil {
		t.Fatal(err)
	}

	session, err := e.assume(e.admin, first, 900)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		seconds int32
		code    string
	}{
		{"one hour", 3600, ""},
		{"two hours", 7200, "ValidationError"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.assume(session, second, tt.seconds)
			checkCode(t, err, tt.code, "")
		})
	}
}

package awssim

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestIAMUsers(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	c := e.iam(e.admin)

	tests := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"create", func() error {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ci"),
				Path: aws.String("/bots/")})

			return err
		}, "", ""},
		{"create again", func() error {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("CI")})

			return err
		}, "EntityAlreadyExists", "User with name CI already exists."},
		{"bad name", func() error {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("a b")})

			return err
		}, "ValidationError", `[\w+=,.@-]+`},
		{"bad path", func() error {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("p"),
				Path: aws.String("bots")})

			return err
		}, "ValidationError", "path"},
		{"get missing", func() error {
			_, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("ghost")})

			return err
		}, "NoSuchEntity", "The user with name ghost cannot be found."},
		{"delete missing", func() error {
			_, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("ghost")})

			return err
		}, "NoSuchEntity", ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkCode(t, tt.call(), tt.code, tt.msg)
		})
	}
}

func TestIAMGetUserDescribesTheCaller(t *testing.T) {
	e := newEnv(t, Options{})
	out, err := e.iam(e.admin).GetUser(context.Background(), &iam.GetUserInput{})
	if err != nil {
		t.Fatal(err)
	}

	if *out.User.UserName != "admin" || *out.User.Arn != e.sim.iamARN("user/admin") ||
		out.User.CreateDate == nil {
		t.Fatalf("user = %+v", out.User)
	}
}

func TestIAMListUsersPages(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	e.user("b")
	e.user("c")

	var names []string
	p := iam.NewListUsersPaginator(e.iam(e.admin), &iam.ListUsersInput{MaxItems: aws.Int32(2)})
	for pages := 0; p.HasMorePages(); pages++ {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}

		if pages == 0 && (!out.IsTruncated || len(out.Users) != 2) {
			t.Fatalf("first page: truncated %v with %d users", out.IsTruncated, len(out.Users))
		}

		for _, u := range out.Users {
			names = append(names, *u.UserName)
		}
	}

	if len(names) != 3 || names[0] != "admin" || names[2] != "c" {
		t.Fatalf("users = %v", names)
	}
}

func TestIAMDeleteUserNeedsItEmpty(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	c := e.iam(e.admin)
	key := e.user("ci", ECRPowerUserARN)
	e.putUserPolicy("ci", allowDoc("Allow", "sts:AssumeRole", "*"))
	del := &iam.DeleteUserInput{UserName: aws.String("ci")}

	tests := []struct {
		name  string
		clear func() error
		code  string
		msg   string
	}{
		{"with a key", func() error { return nil }, "DeleteConflict", "access keys"},
		{"with an inline policy", func() error {
			_, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: del.UserName,
				AccessKeyId: aws.String(key.AccessKeyID)})

			return err
		}, "DeleteConflict", "must delete policies first"},
		{"with an attached policy", func() error {
			_, err := c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{
				UserName: del.UserName, PolicyName: aws.String("inline")})

			return err
		}, "DeleteConflict", "must detach all policies first"},
		{"empty", func() error {
			_, err := c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{
				UserName: del.UserName, PolicyArn: aws.String(ECRPowerUserARN)})

			return err
		}, "", ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.clear(); err != nil {
				t.Fatal(err)
			}

			_, err := c.DeleteUser(ctx, del)
			checkCode(t, err, tt.code, tt.msg)
		})
	}
}

func TestIAMRoles(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	c := e.iam(e.admin)
	trust := trustDoc(e.sim.iamARN("user/admin"), "sts:AssumeRole", "sts:TagSession")

	tests := []struct {
		name  string
		trust string
		code  string
		msg   string
	}{
		{"valid", trust, "", ""},
		{"not JSON", "{", "MalformedPolicyDocument", ""},
		{"unknown principal", trustDoc(e.sim.iamARN("user/ghost"), "sts:AssumeRole"),
			"MalformedPolicyDocument", "Invalid principal in policy"},
		{"resource in a trust policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}]}`,
			"MalformedPolicyDocument", "Has prohibited field Resource"},
	}

	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "role" + string(rune('a'+i))
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name),
				Path: aws.String("/ci/"), AssumeRolePolicyDocument: aws.String(tt.trust)})
			checkCode(t, err, tt.code, tt.msg)

			if err == nil {
				checkRole(t, c, name, tt.trust)
			}
		})
	}
}

// checkRole checks that GetRole returns the role with its trust policy URL-encoded.
func checkRole(t *testing.T, c *iam.Client, name, trust string) {
	t.Helper()

	out, err := c.GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}

	doc, err := url.QueryUnescape(*out.Role.AssumeRolePolicyDocument)
	if err != nil || doc != trust || *out.Role.AssumeRolePolicyDocument == trust {
		t.Fatalf("trust policy = %q, want %q URL-encoded", *out.Role.AssumeRolePolicyDocument,
			trust)
	}

	if *out.Role.Path != "/ci/" || *out.Role.MaxSessionDuration != 3600 {
		t.Fatalf("role = %+v", out.Role)
	}
}

func TestIAMRolePolicies(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	c := e.iam(e.admin)
	e.role("deploy", "", trustDoc(e.sim.iamARN("user/admin"), "sts:AssumeRole"))
	role := aws.String("deploy")
	doc := allowDoc("Allow", "ecr:*", "*")

	tests := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"attach", func() error {
			_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: role,
				PolicyArn: aws.String(ECRPowerUserARN)})

			return err
		}, "", ""},
		{"attach unknown", func() error {
			_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: role,
				PolicyArn: aws.String(managedPolicyPrefix + "Nope")})

			return err
		}, "NoSuchEntity", "does not exist or is not attachable"},
		{"attach to a missing role", func() error {
			_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{
				RoleName: aws.String("ghost"), PolicyArn: aws.String(ECRPowerUserARN)})

			return err
		}, "NoSuchEntity", "The role with name ghost cannot be found."},
		{"delete while attached", func() error {
			_, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: role})

			return err
		}, "DeleteConflict", ""},
		{"put inline", func() error {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: role,
				PolicyName: aws.String("ecr"), PolicyDocument: aws.String(doc)})

			return err
		}, "", ""},
		{"put malformed", func() error {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: role,
				PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Statement":1}`)})

			return err
		}, "MalformedPolicyDocument", ""},
		{"get missing inline", func() error {
			_, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: role,
				PolicyName: aws.String("nope")})

			return err
		}, "NoSuchEntity", "The role policy with name nope cannot be found."},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkCode(t, tt.call(), tt.code, tt.msg)
		})
	}

	checkRolePolicies(t, c, doc)
}

// checkRolePolicies checks the listings and the inline document of the "deploy" role.
func checkRolePolicies(t *testing.T, c *iam.Client, doc string) {
	t.Helper()

	ctx, role := context.Background(), aws.String("deploy")
	attached, err := c.ListAttachedRolePolicies(ctx,
		&iam.ListAttachedRolePoliciesInput{RoleName: role})
	if err != nil || len(attached.AttachedPolicies) != 1 ||
		*attached.AttachedPolicies[0].PolicyName != "AmazonEC2ContainerRegistryPowerUser" {
		t.Fatalf("attached = %+v, %v", attached, err)
	}

	inline, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: role})
	if err != nil || len(inline.PolicyNames) != 1 || inline.PolicyNames[0] != "ecr" {
		t.Fatalf("inline = %+v, %v", inline, err)
	}

	got, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: role,
		PolicyName: aws.String("ecr")})
	if err != nil {
		t.Fatal(err)
	}

	if text, _ := url.QueryUnescape(*got.PolicyDocument); text != doc {
		t.Fatalf("document = %q, want %q", text, doc)
	}
}

func TestIAMUserInlinePolicyQuota(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	c := e.iam(e.admin)
	e.user("ci")
	big := allowDoc("Allow", "s3:GetObject", "arn:aws:s3:::"+strings.Repeat("b", 1500))

	tests := []struct {
		name   string
		policy string
		code   string
	}{
		{"first", "one", ""},
		{"second pushes past 2048", "two", "LimitExceeded"},
		{"replacing the first", "one", ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("ci"),
				PolicyName: aws.String(tt.policy), PolicyDocument: aws.String(big)})
			checkCode(t, err, tt.code, "")
		})
	}

	got, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("ci"),
		PolicyName: aws.String("one")})
	if err != nil || *got.UserName != "ci" {
		t.Fatalf("GetUserPolicy = %+v, %v", got, err)
	}
}

func TestIAMAccessDenied(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	acct := e.sim.AccountID()
	reader := e.user("reader", IAMReadOnlyAccessARN)
	e.user("denied", AdministratorAccessARN)
	e.putUserPolicy("denied", allowDoc("Deny", "iam:CreateUser", "*"))
	denied := e.keyOf("denied")

	tests := []struct {
		name  string
		creds Credentials
		msg   string
	}{
		{"no allow", reader, "User: arn:aws:iam::" + acct + ":user/reader is not authorized to " +
			"perform: iam:CreateUser on resource: arn:aws:iam::" + acct + ":user/x because no " +
			"identity-based policy allows the iam:CreateUser action"},
		{"explicit deny", denied, "User: arn:aws:iam::" + acct + ":user/denied is not " +
			"authorized to perform: iam:CreateUser on resource: arn:aws:iam::" + acct +
			":user/x with an explicit deny in an identity-based policy"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.iam(tt.creds).CreateUser(ctx,
				&iam.CreateUserInput{UserName: aws.String("x")})
			checkCode(t, err, "AccessDenied", tt.msg)

			if errorMessage(err) != tt.msg {
				t.Fatalf("message = %q, want %q", errorMessage(err), tt.msg)
			}
		})
	}

	if _, err := e.iam(reader).GetUser(ctx, &iam.GetUserInput{}); err != nil {
		t.Fatalf("read-only GetUser: %v", err)
	}
}

// keyOf returns the first access key of a user.
func (e *env) keyOf(user string) Credentials {
	e.t.Helper()

	e.sim.mu.Lock()
	defer e.sim.mu.Unlock()

	k := e.sim.userKeys(user)[0]

	return Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret}
}

func TestIAMOpenIDConnectProviders(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	c := e.iam(e.admin)
	create := &iam.CreateOpenIDConnectProviderInput{
		Url:            aws.String("https://token.actions.githubusercontent.com"),
		ClientIDList:   []string{"sts.amazonaws.com"},
		ThumbprintList: []string{"6938fd4d98bab03faadb97b34396831e3780aea1"},
	}

	out, err := c.CreateOpenIDConnectProvider(ctx, create)
	if err != nil {
		t.Fatal(err)
	}

	want := e.sim.iamARN("oidc-provider/token.actions.githubusercontent.com")
	if *out.OpenIDConnectProviderArn != want {
		t.Fatalf("ARN = %s, want %s", *out.OpenIDConnectProviderArn, want)
	}

	_, err = c.CreateOpenIDConnectProvider(ctx, create)
	checkCode(t, err, "EntityAlreadyExists", "")

	got, err := c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String(want)})
	if err != nil || *got.Url != "token.actions.githubusercontent.com" ||
		got.ClientIDList[0] != "sts.amazonaws.com" || len(got.ThumbprintList) != 1 {
		t.Fatalf("provider = %+v, %v", got, err)
	}

	list, err := c.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil || len(list.OpenIDConnectProviderList) != 1 {
		t.Fatalf("providers = %+v, %v", list, err)
	}

	_, err = c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String(want + "x")})
	checkCode(t, err, "NoSuchEntity", "")
}

// statusOf returns the status of a user's key as ListAccessKeys reports it.
func statusOf(t *testing.T, c *iam.Client, user, id string) types.StatusType {
	t.Helper()

	out, err := c.ListAccessKeys(context.Background(),
		&iam.ListAccessKeysInput{UserName: aws.String(user)})
	if err != nil {
		t.Fatal(err)
	}

	for _, k := range out.AccessKeyMetadata {
		if *k.AccessKeyId == id {
			return k.Status
		}
	}

	return ""
}

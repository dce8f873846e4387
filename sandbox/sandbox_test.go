package sandbox_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-github/v50/github"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/onramp-dev/onramp/actions"
	"github.com/onramp-dev/onramp/sandbox"
)

func start(t testing.TB, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("starting the sandbox: %v", err)
	}
	t.Cleanup(func() { _ = sb.Close() })

	return sb
}

// kubeAs returns a client-go clientset for cluster that authenticates with EKS tokens made
// from cfg's credentials.
func kubeAs(t testing.TB, sb *sandbox.Sandbox, cfg aws.Config,
	cluster string) kubernetes.Interface {
	t.Helper()
	ec := eks.NewFromConfig(sb.Env().AWSConfig())
	cl, err := actions.DescribeCluster(context.Background(), ec, cluster)
	if err != nil {
		t.Fatal(err)
	}
	rc := actions.EKSRestConfig(cl, sts.NewPresignClient(sts.NewFromConfig(cfg)))
	rc.QPS = -1 // no client-side rate limit: the round-trip benchmark measures the sandbox
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}

	return cs
}

func TestDefaultWorldThroughRealClients(t *testing.T) {
	sb := start(t, sandbox.Options{})
	ctx := t.Context()
	env := sb.Env()
	cfg := env.AWSConfig()

	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	const admin = "arn:aws:iam::111122223333:user/sandbox-admin"
	if got := aws.ToString(id.Arn); got != admin {
		t.Errorf("caller = %s, want %s", got, admin)
	}

	clusters, err := actions.ListClusters(ctx, eks.NewFromConfig(cfg), sandbox.ProdCluster)
	if err != nil {
		t.Fatal(err)
	}
	if len(clusters) != 2 || clusters[0].Name != sandbox.ProdCluster {
		t.Fatalf("clusters = %+v, want iris-prod first of two", clusters)
	}
	if clusters[0].Endpoint != sb.Clusters[sandbox.ProdCluster].URL {
		t.Errorf("endpoint = %s, want the simulated API server", clusters[0].Endpoint)
	}

	cm, err := kubeAs(t, sb, cfg, sandbox.DevCluster).CoreV1().ConfigMaps("kube-system").
		Get(ctx, "aws-auth", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading aws-auth as the cluster creator: %v", err)
	}
	if ac, err := actions.ParseAWSAuth(cm); err != nil || len(ac.Roles) != 1 {
		t.Errorf("aws-auth roles = %+v, %v; want the node role", ac.Roles, err)
	}

	gh := github.NewTokenClient(ctx, env.GitHubToken)
	gh.BaseURL, _ = url.Parse(env.GitHubURL)
	repo, _, err := gh.Repositories.Get(ctx, sandbox.RepoOwner, sandbox.RepoName)
	if err != nil {
		t.Fatal(err)
	}
	if !repo.GetPermissions()["admin"] {
		t.Errorf("permissions = %v, want admin", repo.GetPermissions())
	}
}

// identity is a way into a cluster that a test sets up: a user or a role, with its mapping.
type identity struct {
	name     string
	cluster  string
	awsAuth  string // a line to add to mapRoles, mapUsers or mapAccounts: "mapRoles: - …"
	wantCode int    // 200, 401 or 403 for reading aws-auth
}

func TestEKSAuthenticationMapsIdentities(t *testing.T) {
	sb := start(t, sandbox.Options{})
	ctx := t.Context()
	admin := sb.Env().AWSConfig()
	acct := sandbox.AccountID

	roleCfg := func(name, path string) aws.Config {
		return assumeNewRole(t, sb, name, path)
	}
	userCfg := func(name string) aws.Config {
		creds := newUser(t, sb, name)
		return sb.Env().AWSConfigFor(creds[0], creds[1], "")
	}

	tests := []struct {
		name     string
		cfg      func() aws.Config
		cluster  string
		mapKey   string
		mapEntry string
		wantCode int
	}{
		{name: "cluster creator", cfg: func() aws.Config { return admin },
			cluster: sandbox.DevCluster, wantCode: http.StatusOK},
		{name: "unmapped user", cfg: func() aws.Config {
			u := sb.Env().Unmapped
			return sb.Env().AWSConfigFor(u.AccessKeyID, u.SecretAccessKey, "")
		}, cluster: sandbox.DevCluster, wantCode: http.StatusUnauthorized},
		{name: "role mapped without groups",
			cfg:     func() aws.Config { return roleCfg("viewer", "/") },
			cluster: sandbox.DevCluster, mapKey: "mapRoles",
			mapEntry: "- rolearn: arn:aws:iam::" + acct + ":role/viewer\n  username: viewer\n",
			wantCode: http.StatusForbidden},
		{name: "role mapped to system:masters",
			cfg:     func() aws.Config { return roleCfg("deployer", "/ci/") },
			cluster: sandbox.DevCluster,
			mapKey:  "mapRoles", mapEntry: "- rolearn: arn:aws:iam::" + acct + ":role/deployer\n" +
				"  username: deployer\n  groups: [system:masters]\n",
			wantCode: http.StatusOK},
		{name: "role mapped with its path matches nobody",
			cfg: func() aws.Config { return roleCfg("pathy", "/ci/") }, cluster: sandbox.DevCluster,
			mapKey: "mapRoles", mapEntry: "- rolearn: arn:aws:iam::" + acct + ":role/ci/pathy\n" +
				"  username: pathy\n  groups: [system:masters]\n",
			wantCode: http.StatusUnauthorized},
		{name: "user in mapUsers", cfg: func() aws.Config { return userCfg("alice") },
			cluster: sandbox.DevCluster, mapKey: "mapUsers",
			mapEntry: "- userarn: arn:aws:iam::" + acct + ":user/alice\n  username: alice\n" +
				"  groups: [system:masters]\n",
			wantCode: http.StatusOK},
		{name: "mapped in another cluster only", cfg: func() aws.Config { return userCfg("bob") },
			cluster: sandbox.ProdCluster, mapKey: "mapUsers",
			mapEntry: "- userarn: arn:aws:iam::" + acct + ":user/someone-else\n  username: x\n",
			wantCode: http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.mapKey != "" {
				addToAWSAuth(t, kubeAs(t, sb, admin, tt.cluster), tt.mapKey, tt.mapEntry)
			}
			kc := kubeAs(t, sb, tt.cfg(), tt.cluster)
			cms := kc.CoreV1().ConfigMaps("kube-system")
			_, err := cms.Get(ctx, "aws-auth", metav1.GetOptions{})
			if got := statusCode(err); got != tt.wantCode {
				t.Fatalf("reading aws-auth: status %d (%v), want %d", got, err, tt.wantCode)
			}
		})
	}
}

func statusCode(err error) int {
	if err == nil {
		return http.StatusOK
	}
	if s, ok := err.(apierrors.APIStatus); ok {
		return int(s.Status().Code)
	}

	return -1
}

// addToAWSAuth appends entry to key of aws-auth, the way an operator would with kubectl edit.
func addToAWSAuth(t testing.TB, kc kubernetes.Interface, key, entry string) {
	t.Helper()
	cms := kc.CoreV1().ConfigMaps("kube-system")
	cm, err := cms.Get(context.Background(), "aws-auth", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	cm.Data[key] += entry
	if _, err := cms.Update(context.Background(), cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// assumeNewRole creates a role that trusts the admin, and returns a config with its session.
func assumeNewRole(t testing.TB, sb *sandbox.Sandbox, name, path string) aws.Config {
	t.Helper()
	ctx := context.Background()
	admin := sb.Env().AWSConfig()
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",`+
		`"Principal":{"AWS":"arn:aws:iam::%s:user/%s"},"Action":"sts:AssumeRole"}]}`,
		sandbox.AccountID, sandbox.AdminUser)
	role, err := iam.NewFromConfig(admin).CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String(name), Path: aws.String(path),
		AssumeRolePolicyDocument: aws.String(trust),
	})
	if err != nil {
		t.Fatal(err)
	}

	out, err := sts.NewFromConfig(admin).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: role.Role.Arn, RoleSessionName: aws.String("test"),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials

	return sb.Env().AWSConfigFor(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey),
		aws.ToString(c.SessionToken))
}

// newUser creates a user with an access key and returns the key's ID and secret.
func newUser(t testing.TB, sb *sandbox.Sandbox, name string) [2]string {
	t.Helper()
	ctx := context.Background()
	client := iam.NewFromConfig(sb.Env().AWSConfig())
	_, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	key, err := client.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}

	k := key.AccessKey

	return [2]string{aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey)}
}

func TestStatePersistsBetweenRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "world.json")
	first, err := sandbox.Start(context.Background(), sandbox.Options{StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	newUser(t, first, "carol")
	addToAWSAuth(t, kubeAs(t, first, first.Env().AWSConfig(), sandbox.DevCluster), "mapUsers",
		"- userarn: arn:aws:iam::111122223333:user/carol\n  username: carol\n")
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	second := start(t, sandbox.Options{StatePath: path})
	if second.Env().AccessKeyID != first.Env().AccessKeyID {
		t.Errorf("admin key changed between runs")
	}
	ctx := t.Context()
	users, err := iam.NewFromConfig(second.Env().AWSConfig()).ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil {
		t.Fatal(err)
	}
	isCarol := func(u iamtypes.User) bool { return aws.ToString(u.UserName) == "carol" }
	if !slices.ContainsFunc(users.Users, isCarol) {
		t.Errorf("user carol did not survive the restart")
	}

	cm, err := kubeAs(t, second, second.Env().AWSConfig(), sandbox.DevCluster).CoreV1().
		ConfigMaps("kube-system").Get(ctx, "aws-auth", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ac, _ := actions.ParseAWSAuth(cm); len(ac.Users) != 1 {
		t.Errorf("aws-auth lost carol's mapping: %v", cm.Data)
	}
}

func TestAccessEntriesGrantAccessPolicies(t *testing.T) {
	sb := start(t, sandbox.Options{})
	ctx := t.Context()
	admin := sb.Env().AWSConfig()
	ec := eks.NewFromConfig(admin)

	viewer := assumeNewRole(t, sb, "default-viewer", "/")
	roleARN := "arn:aws:iam::" + sandbox.AccountID + ":role/default-viewer"
	if _, err := ec.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{
		ClusterName: aws.String(sandbox.ProdCluster), PrincipalArn: aws.String(roleARN),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := ec.AssociateAccessPolicy(ctx, &eks.AssociateAccessPolicyInput{
		ClusterName: aws.String(sandbox.ProdCluster), PrincipalArn: aws.String(roleARN),
		PolicyArn: aws.String("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"),
		AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeNamespace,
			Namespaces: []string{"default"}},
	}); err != nil {
		t.Fatal(err)
	}

	// platform-admins trusts the account, and the admin's own policy allows the assume.
	out, err := sts.NewFromConfig(admin).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:aws:iam::" + sandbox.AccountID + ":role/platform-admins"),
		RoleSessionName: aws.String("ops"),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	platform := sb.Env().AWSConfigFor(aws.ToString(c.AccessKeyId),
		aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))

	tests := []struct {
		name      string
		cfg       aws.Config
		namespace string
		wantCode  int
	}{
		{name: "cluster admin policy", cfg: platform, namespace: "kube-system", wantCode: 200},
		{name: "view policy in its namespace", cfg: viewer, namespace: "default", wantCode: 200},
		{name: "view policy outside its namespace", cfg: viewer, namespace: "kube-system",
			wantCode: http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kc := kubeAs(t, sb, tt.cfg, sandbox.ProdCluster)
			_, err := kc.CoreV1().ConfigMaps(tt.namespace).List(ctx, metav1.ListOptions{})
			if got := statusCode(err); got != tt.wantCode {
				t.Fatalf("listing configmaps in %s: %d (%v), want %d", tt.namespace, got, err,
					tt.wantCode)
			}
		})
	}
}

// TestCreatorAccessFollowsTheAuthenticationMode checks that the cluster creator keeps its
// hidden admin right only in CONFIG_MAP mode: elsewhere it rests on an access entry, and
// deleting that entry locks the creator out, as on EKS.
func TestCreatorAccessFollowsTheAuthenticationMode(t *testing.T) {
	sb := start(t, sandbox.Options{})
	ctx := t.Context()
	admin := sb.Env().AWSConfig()
	read := func(cluster string) int {
		_, err := kubeAs(t, sb, admin, cluster).CoreV1().ConfigMaps("kube-system").
			Get(ctx, "aws-auth", metav1.GetOptions{})
		return statusCode(err)
	}

	if got := read(sandbox.ProdCluster); got != http.StatusOK {
		t.Fatalf("the creator through its access entry: %d, want 200", got)
	}
	creator := "arn:aws:iam::" + sandbox.AccountID + ":user/" + sandbox.AdminUser
	_, err := eks.NewFromConfig(admin).DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{
		ClusterName: aws.String(sandbox.ProdCluster), PrincipalArn: aws.String(creator),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := read(sandbox.ProdCluster); got != http.StatusUnauthorized {
		t.Errorf("the creator without its access entry: %d, want 401", got)
	}
	if got := read(sandbox.DevCluster); got != http.StatusOK {
		t.Errorf("the creator of a CONFIG_MAP cluster: %d, want 200", got)
	}
}

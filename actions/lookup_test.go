package actions_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-github/v50/github"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/onramp-dev/onramp/actions"
	"github.com/onramp-dev/onramp/sandbox"
	"github.com/onramp-dev/onramp/sandbox/fault"
)

func start(t *testing.T, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })

	return sb
}

func kubeFor(t *testing.T, cfg aws.Config, cl actions.Cluster) kubernetes.Interface {
	t.Helper()
	kc, err := kubernetes.NewForConfig(actions.EKSRestConfig(cl,
		sts.NewPresignClient(sts.NewFromConfig(cfg))))
	if err != nil {
		t.Fatal(err)
	}

	return kc
}

func TestLookupIdentity(t *testing.T) {
	sb := start(t, sandbox.Options{})
	noCreds := sb.Env().AWSConfig()
	noCreds.Credentials = aws.CredentialsProviderFunc(
		func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{}, errors.New("no EC2 IMDS role found")
		})
	wrongSecret := sb.Env().AWSConfigFor(sb.Env().AccessKeyID, "not-the-secret", "")

	tests := []struct {
		name    string
		cfg     aws.Config
		region  string
		wantARN string
		wantErr error
		wantMsg string
	}{
		{name: "admin", cfg: sb.Env().AWSConfig(), region: "us-east-1",
			wantARN: "arn:aws:iam::111122223333:user/sandbox-admin"},
		{name: "no credentials", cfg: noCreds, region: "us-east-1",
			wantErr: actions.ErrNoCredentials,
			wantMsg: "set AWS_PROFILE"},
		{name: "no region", cfg: sb.Env().AWSConfig(), wantErr: actions.ErrNoCredentials,
			wantMsg: "pass --region"},
		{name: "wrong secret", cfg: wrongSecret, region: "us-east-1",
			wantMsg: "SignatureDoesNotMatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := actions.LookupIdentity(t.Context(), sts.NewFromConfig(tt.cfg), tt.region)
			if tt.wantMsg != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Fatalf("error = %v, want it to say %q", err, tt.wantMsg)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("error is not %v", tt.wantErr)
				}
				return
			}
			if err != nil || id.ARN != tt.wantARN || id.Account != sandbox.AccountID {
				t.Fatalf("LookupIdentity = %+v, %v", id, err)
			}
		})
	}
}

func TestListClusters(t *testing.T) {
	sb := start(t, sandbox.Options{})
	client := eks.NewFromConfig(sb.Env().AWSConfig())
	tests := []struct {
		want      string
		wantFirst string
		wantErr   string
	}{
		{want: "", wantFirst: sandbox.DevCluster},
		{want: sandbox.ProdCluster, wantFirst: sandbox.ProdCluster},
		{want: "nope", wantErr: "pass --cluster with one of: iris-dev, iris-prod"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			cls, err := actions.ListClusters(t.Context(), client, tt.want)
			if tt.wantErr != "" {
				if !errors.Is(err, actions.ErrNoCluster) ||
					!strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want ErrNoCluster saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(cls) != 2 || cls[0].Name != tt.wantFirst {
				t.Fatalf("ListClusters = %+v, %v", cls, err)
			}
			first := cls[0]
			if len(first.CAData) == 0 || !strings.HasPrefix(first.Endpoint, "https://127.0.0.1:") {
				t.Errorf("cluster %s lacks its endpoint or CA: %+v", cls[0].Name, cls[0])
			}
		})
	}
}

func TestLookupRepo(t *testing.T) {
	sb := start(t, sandbox.Options{})
	client := func(token string) *github.Client {
		gh := github.NewTokenClient(context.Background(), token)
		gh.BaseURL, _ = url.Parse(sb.Env().GitHubURL)
		return gh
	}
	tests := []struct {
		name    string
		token   string
		repo    string
		wantErr error
	}{
		{name: "admin", token: sb.Env().GitHubToken, repo: "iris"},
		{name: "bad token", token: "ghp_nope", repo: "iris", wantErr: actions.ErrNoGitHubToken},
		{name: "unknown repo", token: sb.Env().GitHubToken, repo: "nope",
			wantErr: actions.ErrNoRepo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := actions.LookupRepo(t.Context(), client(tt.token), "acme", tt.repo)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			want := actions.Repo{Owner: "acme", Name: "iris", DefaultBranch: "main", Private: true,
				Permission: "admin", Login: sandbox.GitHubLogin}
			if err != nil || r != want {
				t.Fatalf("LookupRepo = %+v, %v; want %+v", r, err, want)
			}
		})
	}
}

func TestFindGitHubTokenWithoutAnySource(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no gh CLI
	_, _, err := actions.FindGitHubToken(t.Context(), func(string) string { return "" })
	if !errors.Is(err, actions.ErrNoGitHubToken) || !strings.Contains(err.Error(), "GH_TOKEN") {
		t.Fatalf("error = %v, want ErrNoGitHubToken naming GH_TOKEN", err)
	}

	tok, from, err := actions.FindGitHubToken(t.Context(), func(k string) string {
		return map[string]string{"GITHUB_TOKEN": "ghp_x"}[k]
	})
	if err != nil || tok.Reveal() != "ghp_x" || from != "GITHUB_TOKEN" {
		t.Fatalf("FindGitHubToken = %v, %q, %v", tok, from, err)
	}
}

func TestReadAccess(t *testing.T) {
	sb := start(t, sandbox.Options{})
	cfg := sb.Env().AWSConfig()
	ec := eks.NewFromConfig(cfg)
	describe := func(name string) actions.Cluster {
		cl, err := actions.DescribeCluster(context.Background(), ec, name)
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	dev, prod := describe(sandbox.DevCluster), describe(sandbox.ProdCluster)

	tests := []struct {
		name        string
		cluster     actions.Cluster
		wantSources map[string]int
	}{
		{name: "config map mode reads aws-auth only", cluster: dev,
			wantSources: map[string]int{actions.SourceMapRoles: 1}},
		{name: "both modes read both", cluster: prod,
			wantSources: map[string]int{actions.SourceMapRoles: 1, actions.SourceAccessEntry: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c actions.Collector
			ctx := actions.WithReporter(t.Context(), c.Report)
			kc := kubeFor(t, cfg, tt.cluster)
			acc, err := actions.ReadAccess(ctx, kc.CoreV1(), ec, tt.cluster)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, m := range acc.Mappings {
				got[m.Source]++
			}
			for src, n := range tt.wantSources {
				if got[src] != n {
					t.Errorf("%d mappings from %s, want %d: %+v", got[src], src, n, acc.Mappings)
				}
			}
			if acc.ResourceVersion == "" {
				t.Error("no resourceVersion recorded for aws-auth")
			}
		})
	}
}

func TestReadAccessErrors(t *testing.T) {
	sb := start(t, sandbox.Options{})
	cfg := sb.Env().AWSConfig()
	ec := eks.NewFromConfig(cfg)
	dev, err := actions.DescribeCluster(context.Background(), ec, sandbox.DevCluster)
	if err != nil {
		t.Fatal(err)
	}
	u := sb.Env().Unmapped
	unmapped := sb.Env().AWSConfigFor(u.AccessKeyID, u.SecretAccessKey, "")

	_, err = actions.ReadAccess(t.Context(), kubeFor(t, unmapped, dev).CoreV1(), ec, dev)
	const advice = "needs an access entry or an aws-auth mapping"
	if err == nil || !strings.Contains(err.Error(), advice) {
		t.Errorf("unmapped reader: error = %v, want advice on mapping", err)
	}

	admin := kubeFor(t, cfg, dev).CoreV1()
	cms := admin.ConfigMaps("kube-system")
	cm, err := cms.Get(t.Context(), "aws-auth", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cm.Data["mapUsers"] = "- userarn: [unclosed\n"
	if _, err := cms.Update(t.Context(), cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = actions.ReadAccess(t.Context(), admin, ec, dev)
	if !errors.Is(err, actions.ErrInvalidInput) || !strings.Contains(err.Error(), "mapUsers") {
		t.Errorf("malformed aws-auth: error = %v, want ErrInvalidInput naming mapUsers", err)
	}

	if err := cms.Delete(t.Context(), "aws-auth", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	acc, err := actions.ReadAccess(t.Context(), admin, ec, dev)
	if err != nil || len(acc.Mappings) != 0 {
		t.Errorf("missing aws-auth: %+v, %v; want no mappings and no error", acc, err)
	}
}

// TestThrottlingIsRetried checks that the SDK's retryer rides out a sandbox that throttles a
// third of all calls, and that each operation is reported once however often it was retried.
// The calls are made one after another, so the sandbox's seeded faults strike the same calls
// on every run.
func TestThrottlingIsRetried(t *testing.T) {
	sb := start(t, sandbox.Options{Faults: fault.Config{ThrottleRate: 0.3}})
	cfg := sb.Env().AWSConfig()
	cfg.APIOptions = append(cfg.APIOptions, actions.AWSEvents)
	ec := eks.NewFromConfig(cfg)

	var c actions.Collector
	ctx := actions.WithReporter(t.Context(), c.Report)
	const calls = 10
	for range calls {
		if _, err := actions.DescribeCluster(ctx, ec, sandbox.ProdCluster); err != nil {
			t.Fatalf("describing a cluster while throttled: %v", err)
		}
	}

	reported := 0
	for _, e := range c.Events() {
		if e.Kind == actions.CallStarted && e.Operation == "DescribeCluster" {
			reported++
		}
	}
	if reported != calls {
		t.Errorf("DescribeCluster reported %d times, want %d", reported, calls)
	}
	if served := sb.Faults.Calls("eks:DescribeCluster"); served <= calls {
		t.Errorf("the sandbox saw %d DescribeCluster calls: throttling never struck", served)
	}
}

package tui

import (
	"context"
	"net/url"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-github/v50/github"
	"k8s.io/client-go/kubernetes"

	"github.com/onramp-dev/onramp/actions"
	"github.com/onramp-dev/onramp/sandbox"
)

// sandboxDeps starts the sandbox's default world and returns lookups that reach it through the
// real clients, as main.go builds them for --sandbox.
func sandboxDeps(t *testing.T) Deps {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })

	env := sb.Env()
	cfg := env.AWSConfig()
	cfg.APIOptions = append(cfg.APIOptions, actions.AWSEvents)
	ec := eks.NewFromConfig(cfg)
	presign := sts.NewPresignClient(sts.NewFromConfig(cfg))
	gh := github.NewTokenClient(context.Background(), env.GitHubToken)
	gh.BaseURL, _ = url.Parse(env.GitHubURL)

	return Deps{
		Identity: func(ctx context.Context) (actions.Identity, error) {
			return actions.LookupIdentity(ctx, sts.NewFromConfig(cfg), env.Region)
		},
		Clusters: func(ctx context.Context) ([]actions.Cluster, error) {
			return actions.ListClusters(ctx, ec, "")
		},
		Repo: func(ctx context.Context) (actions.Repo, error) {
			return actions.LookupRepo(ctx, gh, sandbox.RepoOwner, sandbox.RepoName)
		},
		Access: func(ctx context.Context, cluster string) (actions.Access, error) {
			cl, err := actions.DescribeCluster(ctx, ec, cluster)
			if err != nil {
				return actions.Access{}, err
			}
			kc, err := kubernetes.NewForConfig(actions.EKSRestConfig(cl, presign))
			if err != nil {
				return actions.Access{}, err
			}
			return actions.ReadAccess(ctx, kc.CoreV1(), ec, cl)
		},
	}
}

// loopbackPort matches the random port of a sandbox endpoint.
var loopbackPort = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// maskPorts replaces the sandbox's random ports with as many #, so views compare across runs
// and keep their widths.
func maskPorts(view []byte) []byte {
	return loopbackPort.ReplaceAllFunc(view, func(m []byte) []byte {
		out := []byte("127.0.0.1:")
		for range len(m) - len(out) {
			out = append(out, '#')
		}
		return out
	})
}

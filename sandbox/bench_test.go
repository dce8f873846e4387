package sandbox_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-github/v50/github"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/onramp-dev/onramp/sandbox"
)

// The round-trip benchmarks measure one call through each real client to the sandbox, signing
// and checking included, so that other benchmarks can tell the sandbox's cost from onramp's.

func BenchmarkRoundTripSTS(b *testing.B) {
	sb := start(b, sandbox.Options{})
	client := sts.NewFromConfig(sb.Env().AWSConfig())
	ctx := context.Background()

	for b.Loop() {
		if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRoundTripKubernetes(b *testing.B) {
	sb := start(b, sandbox.Options{})
	cms := kubeAs(b, sb, sb.Env().AWSConfig(), sandbox.DevCluster).CoreV1().
		ConfigMaps("kube-system")
	ctx := context.Background()

	for b.Loop() {
		if _, err := cms.Get(ctx, "aws-auth", metav1.GetOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRoundTripGitHub(b *testing.B) {
	sb := start(b, sandbox.Options{GitHubRateLimit: 1 << 30})
	ctx := context.Background()
	gh := github.NewTokenClient(ctx, sb.Env().GitHubToken)
	gh.BaseURL, _ = url.Parse(sb.Env().GitHubURL)

	for b.Loop() {
		if _, _, err := gh.Repositories.Get(ctx, sandbox.RepoOwner, sandbox.RepoName); err != nil {
			b.Fatal(err)
		}
	}
}

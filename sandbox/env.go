package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/onramp-dev/onramp/sandbox/awssim"
	"github.com/onramp-dev/onramp/sandbox/kubesim"
)

// Env is what a client needs to reach the sandbox: endpoints and the credentials the sandbox
// issued. They are sandbox credentials, good for nothing else.
type Env struct {
	AWSEndpoint     string
	Region          string
	AccessKeyID     string
	SecretAccessKey string
	GitHubURL       string
	GitHubToken     string
	Repo            string
	// Kubeconfig is the path of a kubeconfig with a context per cluster whose user runs
	// `onramp eks-token`.
	Kubeconfig string
	// Unmapped are the credentials of a user that no cluster maps, to watch a cluster refuse.
	Unmapped awssim.Credentials
}

// ExportLines are the shell lines that point the AWS CLI, kubectl, gh and onramp itself at the
// sandbox.
func (e Env) ExportLines() string {
	lines := []string{
		"export AWS_ENDPOINT_URL=" + e.AWSEndpoint,
		"export AWS_REGION=" + e.Region,
		"export AWS_ACCESS_KEY_ID=" + e.AccessKeyID,
		"export AWS_SECRET_ACCESS_KEY=" + e.SecretAccessKey,
		"unset AWS_SESSION_TOKEN AWS_PROFILE",
		"export KUBECONFIG=" + e.Kubeconfig,
		"export GITHUB_API_URL=" + strings.TrimSuffix(e.GitHubURL, "/"),
		"export GH_TOKEN=" + e.GitHubToken,
	}

	return strings.Join(lines, "\n") + "\n"
}

// writeKubeconfig writes a kubeconfig for every cluster into a temporary folder. Its users run
// this very program's eks-token command, which reaches the sandbox through the environment
// of ExportLines, so the file holds no credential.
func (sb *Sandbox) writeKubeconfig() error {
	dir, err := os.MkdirTemp("", "onramp-sandbox-")
	if err != nil {
		return fmt.Errorf("making the sandbox's temporary folder: %w", err)
	}
	sb.tempDir = dir

	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding onramp's own path for the kubeconfig: %w", err)
	}

	path := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*sb.kubeconfig(self), path); err != nil {
		return fmt.Errorf("writing the sandbox kubeconfig: %w", err)
	}
	sb.env.Kubeconfig = path

	return nil
}

func (sb *Sandbox) kubeconfig(self string) *clientcmdapi.Config {
	cfg := clientcmdapi.NewConfig()
	names := make([]string, 0, len(sb.Clusters))
	for name := range sb.Clusters {
		names = append(names, name)
	}
	sort.Strings(names)

	for _, name := range names {
		c := sb.Clusters[name]
		cfg.Clusters[name] = &clientcmdapi.Cluster{Server: c.URL, CertificateAuthorityData: c.CAPEM}
		cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{
			APIVersion:      "client.authentication.k8s.io/v1beta1",
			Command:         self,
			Args:            []string{"eks-token", "--cluster", name},
			InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
		}}
		cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
	}
	if len(names) > 0 {
		cfg.CurrentContext = names[0]
	}

	return cfg
}

// storeAWSAuth reads aws-auth straight from a simulated cluster's store.
func storeAWSAuth(kube *kubesim.Server) func(context.Context) (*corev1.ConfigMap, error) {
	return func(context.Context) (*corev1.ConfigMap, error) {
		cm, ok := kube.ConfigMap("kube-system", "aws-auth")
		if !ok {
			return nil, nil
		}

		return cm, nil
	}
}

func randomToken(prefix string) string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)

	return prefix + hex.EncodeToString(b)
}

// AWSConfig returns an SDK configuration that reaches the sandbox's AWS endpoint with the
// admin's credentials. It reads no environment variable or config file, so a developer's own
// AWS settings cannot leak into a sandbox run.
func (e Env) AWSConfig() aws.Config {
	return e.AWSConfigFor(e.AccessKeyID, e.SecretAccessKey, "")
}

// AWSConfigFor is AWSConfig with other credentials the sandbox issued.
func (e Env) AWSConfigFor(keyID, secret, session string) aws.Config {
	return aws.Config{
		Region:       e.Region,
		BaseEndpoint: aws.String(e.AWSEndpoint),
		Credentials: aws.NewCredentialsCache(
			credentials.NewStaticCredentialsProvider(keyID, secret, session)),
	}
}

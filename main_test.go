package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	clientauth "k8s.io/client-go/pkg/apis/clientauthentication/v1beta1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/onramp-dev/onramp/actions"
	"github.com/onramp-dev/onramp/sandbox"
)

// run runs onramp with args as a user would and returns what it printed.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := newRootCmd()
	// The flag goes first (after __complete, which must lead), so that a completion request
	// keeps its last word.
	full := append([]string{"--sandbox-key-delay=0"}, args...)
	if args[0] == "__complete" {
		full = append([]string{"__complete", "--sandbox-key-delay=0"}, args[1:]...)
	}
	cmd.SetArgs(full)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	err := cmd.ExecuteContext(t.Context())

	return out.String(), err
}

func TestCommands(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    []string
		lacks   []string
		wantErr string
	}{
		{name: "access list as json",
			args: []string{"access", "list", "--sandbox", "--cluster", "iris-dev", "-o", "json"},
			want: []string{`"source": "mapRoles"`, `role/iris-node-role`, `"system:nodes"`}},
		{name: "access list as yaml with access entries",
			args: []string{"access", "list", "--sandbox", "--cluster", "iris-prod", "-o", "yaml"},
			want: []string{"source: access entry", "role/platform-admins",
				"AmazonEKSClusterAdminPolicy (cluster)", "source: mapRoles"}},
		{name: "access list as a table",
			args: []string{"access", "list", "--sandbox", "--cluster", "iris-dev"},
			want: []string{"SOURCE", "mapRoles", "system:bootstrappers, system:nodes"}},
		{name: "home without a terminal prints the lookups",
			args: []string{"--sandbox", "-o", "json"},
			want: []string{`"arn": "arn:aws:iam::111122223333:user/sandbox-admin"`,
				`"name": "iris-dev"`, `"permission": "admin"`}},
		{name: "unknown output", args: []string{"access", "list", "-o", "xml"},
			wantErr: `--output "xml" is not known: use table, json or yaml`},
		{name: "bad repository", args: []string{"--repo", "acme", "--sandbox"},
			wantErr: `repository "acme" is not OWNER/NAME`},
		{name: "bad cluster name", args: []string{"access", "list", "--cluster", "no such"},
			wantErr: "cluster name \"no such\" is not valid"},
		{name: "unknown cluster",
			args:    []string{"access", "list", "--sandbox", "--cluster", "nope"},
			wantErr: "no EKS cluster named \"nope\""},
		{name: "throttle out of range", args: []string{"--sandbox", "--sandbox-throttle", "2"},
			wantErr: "out of range"},
		{name: "eks-token needs a cluster", args: []string{"eks-token"},
			wantErr: "eks-token needs --cluster NAME"},
		{name: "version", args: []string{"version"}, want: []string{"onramp "}},
		{name: "clusters complete from the region",
			args: []string{"__complete", "access", "list", "--sandbox", "--cluster", ""},
			want: []string{"iris-dev\niris-prod\n"}},
		{name: "verbose prints each call, and presigning is no call",
			args: []string{"access", "list", "--sandbox", "--cluster", "iris-dev", "-v"},
			want: []string{"→ EKS DescribeCluster", "✓ EKS DescribeCluster",
				"✓ kubernetes GET /api/v1/namespaces/kube-system/configmaps/aws-auth"},
			lacks: []string{"GetCallerIdentity"}},
		{name: "a failed call is retried",
			args: []string{"access", "list", "--sandbox", "--cluster", "iris-dev", "-o", "json",
				"--sandbox-fail", "eks:DescribeCluster@1"},
			want: []string{`"source": "mapRoles"`}},
		{name: "an unavailable service fails plainly",
			args: []string{"access", "list", "--sandbox", "--cluster", "iris-dev",
				"--sandbox-unavailable", "1"},
			wantErr: "StatusCode: 503"},
		{name: "fail flag without an operation", args: []string{"--sandbox-fail", "oops"},
			wantErr: `--sandbox-fail "oops" names no operation`},
		{name: "fail flag with a bad call", args: []string{"--sandbox-fail", "iam:GetUser@0"},
			wantErr: "the call after @ must be a number from 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := run(t, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to say %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("onramp %v: %v\n%s", tt.args, err, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, l := range tt.lacks {
				if strings.Contains(out, l) {
					t.Errorf("output has %q:\n%s", l, out)
				}
			}
		})
	}
}

// TestEKSTokenWorksAsExecPlugin runs eks-token the way kubectl runs it from the kubeconfig of
// `onramp sandbox`: with the sandbox named only by the environment.
func TestEKSTokenWorksAsExecPlugin(t *testing.T) {
	sb, err := sandbox.Start(context.Background(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()

	env := sb.Env()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": env.AWSEndpoint, "AWS_REGION": env.Region,
		"AWS_ACCESS_KEY_ID": env.AccessKeyID, "AWS_SECRET_ACCESS_KEY": env.SecretAccessKey,
		"AWS_PROFILE": "", "AWS_SESSION_TOKEN": "",
		"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
	} {
		t.Setenv(k, v)
	}

	out, err := run(t, "eks-token", "--cluster", sandbox.DevCluster)
	if err != nil {
		t.Fatal(err)
	}
	var cred clientauth.ExecCredential
	if err := json.Unmarshal([]byte(out), &cred); err != nil {
		t.Fatalf("eks-token printed no ExecCredential: %v\n%s", err, out)
	}
	if cred.Kind != "ExecCredential" || !strings.HasPrefix(cred.Status.Token, "k8s-aws-v1.") {
		t.Fatalf("ExecCredential = %+v", cred)
	}

	c := sb.Clusters[sandbox.DevCluster]
	kc := kubernetes.NewForConfigOrDie(&rest.Config{Host: c.URL, BearerToken: cred.Status.Token,
		TLSClientConfig: rest.TLSClientConfig{CAData: c.CAPEM}})
	if _, err := kc.CoreV1().ConfigMaps(actions.AWSAuthNamespace).Get(t.Context(),
		actions.AWSAuthName, metav1.GetOptions{}); err != nil {
		t.Fatalf("the cluster refused the token: %v", err)
	}

	if _, err := run(t, "eks-token", "--cluster", sandbox.ProdCluster); err != nil {
		t.Fatal(err)
	}
}

// TestAccessThroughKubeconfig reaches the cluster through --kubeconfig and --context instead of
// eks:DescribeCluster.
func TestAccessThroughKubeconfig(t *testing.T) {
	sb, err := sandbox.Start(context.Background(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()

	env := sb.Env()
	tok, err := actions.NewEKSToken(t.Context(),
		sts.NewPresignClient(sts.NewFromConfig(env.AWSConfig())), sandbox.DevCluster)
	if err != nil {
		t.Fatal(err)
	}
	c := sb.Clusters[sandbox.DevCluster]
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["dev"] = &clientcmdapi.Cluster{Server: c.URL, CertificateAuthorityData: c.CAPEM}
	cfg.AuthInfos["dev"] = &clientcmdapi.AuthInfo{Token: tok.Token.Reveal()}
	cfg.Contexts["dev"] = &clientcmdapi.Context{Cluster: "dev", AuthInfo: "dev"}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}

	out, err := run(t, "access", "list", "--sandbox", "--cluster", sandbox.DevCluster,
		"--kubeconfig", path, "--context", "dev", "-o", "json")
	if err != nil || !strings.Contains(out, "role/iris-node-role") {
		t.Fatalf("access list through kubeconfig: %v\n%s", err, out)
	}

	_, err = run(t, "access", "list", "--sandbox", "--cluster", sandbox.DevCluster,
		"--kubeconfig", path, "--context", "nope")
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("an unknown context: error = %v, want one naming it", err)
	}
}

package sandbox_test

import (
	"context"
	"encoding/pem"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/onramp-dev/onramp/actions"
	"github.com/onramp-dev/onramp/internal/realkube"
	"github.com/onramp-dev/onramp/sandbox"
)

// TestEKSAuthenticationMatchesRealServer authenticates the same EKS tokens against a simulated
// cluster and against a real kube-apiserver that asks the sandbox's EKS authenticator through
// the token review webhook, with the same aws-auth in both, and expects the same answers.
func TestEKSAuthenticationMatchesRealServer(t *testing.T) {
	if realkube.Assets() == "" {
		t.Skip("real API server tests skipped: set ONRAMP_KUBE_ASSETS to a folder holding " +
			"kube-apiserver (build it with .ci/build-kube-apiserver); etcd comes from that " +
			"folder or PATH")
	}
	sb := start(t, sandbox.Options{})
	real := startWebhookServer(t, sb)
	realAdmin := kubernetes.NewForConfigOrDie(real.Config(real.AdminToken))
	simAdmin := kubeAs(t, sb, sb.Env().AWSConfig(), sandbox.DevCluster)

	acct := sandbox.AccountID
	awsAuth := map[string]string{
		"mapRoles": fmt.Sprintf("- rolearn: arn:aws:iam::%[1]s:role/viewer\n  username: viewer\n"+
			"- rolearn: arn:aws:iam::%[1]s:role/deployer\n  username: deployer\n"+
			"  groups: [system:masters]\n"+
			"- rolearn: arn:aws:iam::%[1]s:role/ci/pathy\n  username: pathy\n"+
			"  groups: [system:masters]\n", acct),
		"mapUsers": fmt.Sprintf("- userarn: arn:aws:iam::%s:user/alice\n  username: alice\n"+
			"  groups: [system:masters]\n", acct),
	}
	putAWSAuth(t, realAdmin, awsAuth)
	putAWSAuth(t, simAdmin, awsAuth)

	unmapped := sb.Env().Unmapped
	alice := newUser(t, sb, "alice")
	tests := []struct {
		name     string
		cfg      aws.Config
		cluster  string
		wantCode int
	}{
		{name: "cluster creator", cfg: sb.Env().AWSConfig(), cluster: sandbox.DevCluster,
			wantCode: 200},
		{name: "unmapped user", cluster: sandbox.DevCluster, wantCode: 401,
			cfg: sb.Env().AWSConfigFor(unmapped.AccessKeyID, unmapped.SecretAccessKey, "")},
		{name: "role without groups", cfg: assumeNewRole(t, sb, "viewer", "/"),
			cluster: sandbox.DevCluster, wantCode: 403},
		{name: "role in system:masters", cfg: assumeNewRole(t, sb, "deployer", "/team/"),
			cluster: sandbox.DevCluster, wantCode: 200},
		{name: "role mapped with its path", cfg: assumeNewRole(t, sb, "pathy", "/ci/"),
			cluster: sandbox.DevCluster, wantCode: 401},
		{name: "user in mapUsers", cfg: sb.Env().AWSConfigFor(alice[0], alice[1], ""),
			cluster: sandbox.DevCluster, wantCode: 200},
		{name: "token for another cluster", cfg: sb.Env().AWSConfig(),
			cluster: sandbox.ProdCluster, wantCode: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := actions.NewEKSToken(t.Context(),
				sts.NewPresignClient(sts.NewFromConfig(tt.cfg)), tt.cluster)
			if err != nil {
				t.Fatal(err)
			}
			dev := sb.Clusters[sandbox.DevCluster]
			simCfg := &rest.Config{Host: dev.URL, TLSClientConfig: rest.TLSClientConfig{
				CAData: dev.CAPEM}}
			answers := map[string]string{}
			servers := map[string]*rest.Config{"real": real.Config(""), "sandbox": simCfg}
			for name, cfg := range servers {
				cfg.BearerToken = tok.Token.Reveal()
				_, err := kubernetes.NewForConfigOrDie(cfg).CoreV1().ConfigMaps("kube-system").
					Get(t.Context(), "aws-auth", metav1.GetOptions{})
				if got := statusCode(err); got != tt.wantCode {
					t.Errorf("%s server: status %d (%v), want %d", name, got, err, tt.wantCode)
				}
				answers[name] = fmt.Sprint(err)
			}
			if answers["real"] != answers["sandbox"] {
				t.Errorf("the servers differ:\nreal:    %s\nsandbox: %s", answers["real"],
					answers["sandbox"])
			}
		})
	}
}

// startWebhookServer starts a real kube-apiserver that authenticates bearer tokens through the
// sandbox's EKS authenticator for iris-dev, reading aws-auth from the real server itself.
func startWebhookServer(t *testing.T, sb *sandbox.Sandbox) *realkube.Server {
	var real *realkube.Server
	readAWSAuth := func(ctx context.Context) (*corev1.ConfigMap, error) {
		kc := kubernetes.NewForConfigOrDie(real.Config(real.AdminToken))
		cm, err := kc.CoreV1().ConfigMaps("kube-system").Get(ctx, "aws-auth", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return cm, err
	}
	auth := sandbox.NewEKSAuthenticator(sb.AWS, sandbox.DevCluster, readAWSAuth)
	hook := httptest.NewTLSServer(sandbox.TokenReviewHandler(auth))
	t.Cleanup(hook.Close)

	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["eks"] = &clientcmdapi.Cluster{Server: hook.URL, CertificateAuthorityData: pem.
		EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hook.Certificate().Raw})}
	cfg.AuthInfos["apiserver"] = &clientcmdapi.AuthInfo{}
	cfg.Contexts["eks"] = &clientcmdapi.Context{Cluster: "eks", AuthInfo: "apiserver"}
	cfg.CurrentContext = "eks"
	path := filepath.Join(t.TempDir(), "webhook.kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}

	real = realkube.Start(t, realkube.Options{ExtraArgs: []string{
		"--authentication-token-webhook-config-file=" + path,
		"--authentication-token-webhook-version=v1",
		"--authentication-token-webhook-cache-ttl=0s",
	}})

	return real
}

// putAWSAuth writes aws-auth's data, creating the ConfigMap when it is missing.
func putAWSAuth(t *testing.T, kc kubernetes.Interface, data map[string]string) {
	t.Helper()
	cms := kc.CoreV1().ConfigMaps("kube-system")
	cm, err := cms.Get(t.Context(), "aws-auth", metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		cm = &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "aws-auth"}, Data: data}
		_, err = cms.Create(t.Context(), cm, metav1.CreateOptions{})
	} else if err == nil {
		cm.Data = data
		_, err = cms.Update(t.Context(), cm, metav1.UpdateOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
}

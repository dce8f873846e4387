package kubesim_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp-dev/onramp/sandbox/kubesim"
)

// TestKubectl drives the real kubectl against the sandbox, in order: each step may rely on the
// ones before it.
func TestKubectl(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not installed")
	}
	srv, c := newSandbox(t, kubesim.Options{})
	if err := srv.Create(configMap("kube-system", "aws-auth")); err != nil {
		t.Fatalf("creating aws-auth: %v", err)
	}
	dir := t.TempDir()
	kubeconfig := writeKubeconfig(t, c, dir)
	manifest := filepath.Join(dir, "cm.yaml")
	writeFile(t, manifest, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n"+
		"  namespace: prefect\ndata:\n  a: b\n")
	tests := []struct {
		name    string
		args    []string
		want    []string
		wantErr bool
	}{
		{"get aws-auth as yaml", []string{"get", "configmap", "aws-auth", "-n", "kube-system",
			"-o", "yaml"}, []string{"name: aws-auth", "mapRoles: '[]'", "resourceVersion:"}, false},
		{"get all configmaps", []string{"get", "cm", "-A"},
			[]string{"NAMESPACE", "kube-system   aws-auth   1"}, false},
		{"can admin", []string{"auth", "can-i", "update", "configmaps", "-n", "kube-system"},
			[]string{"yes"}, false},
		{"can alice", []string{"--context", "alice", "auth", "can-i", "get", "configmaps",
			"-n", "kube-system"}, []string{"no"}, true},
		{"who am I", []string{"--context", "alice", "auth", "whoami"},
			[]string{"alice", "system:authenticated"}, false},
		{"create a namespace", []string{"create", "namespace", "prefect"},
			[]string{"namespace/prefect created"}, false},
		{"apply a manifest", []string{"apply", "-f", manifest},
			[]string{"configmap/applied created"}, false},
		{"apply it again", []string{"apply", "-f", manifest},
			[]string{"configmap/applied unchanged"}, false},
		{"label it", []string{"label", "cm", "applied", "-n", "prefect", "tier=web"},
			[]string{"configmap/applied labeled"}, false},
		{"select by label", []string{"get", "cm", "-n", "prefect", "-l", "tier=web", "-o",
			"name"}, []string{"configmap/applied"}, false},
		{"describe it", []string{"describe", "cm", "applied", "-n", "prefect"},
			[]string{"tier=web"}, false},
		{"create a secret", []string{"create", "secret", "generic", "key", "-n", "prefect",
			"--from-literal=key=value"}, []string{"secret/key created"}, false},
		{"short names", []string{"get", "sa,deploy", "-n", "prefect"},
			[]string{"serviceaccount/default"}, false},
		{"delete it", []string{"delete", "cm", "applied", "-n", "prefect"},
			[]string{`configmap "applied" deleted`}, false},
		{"forbidden", []string{"--context", "alice", "get", "secrets", "-n", "prefect"},
			[]string{`User "alice" cannot list resource "secrets"`}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--kubeconfig", kubeconfig, "--cache-dir",
				filepath.Join(dir, "cache")}, tt.args...)
			out, err := exec.Command(kubectl, args...).CombinedOutput()
			if (err != nil) != tt.wantErr {
				t.Fatalf("kubectl %s: error %v, want error %v\n%s", strings.Join(tt.args, " "),
					err, tt.wantErr, out)
			}
			for _, want := range tt.want {
				if !strings.Contains(string(out), want) {
					t.Errorf("kubectl %s printed\n%s\nwant %q", strings.Join(tt.args, " "), out,
						want)
				}
			}
		})
	}
}

func writeKubeconfig(t *testing.T, c *cluster, dir string) string {
	t.Helper()
	cfg := c.config("")
	ca := filepath.Join(dir, "ca.crt")
	writeFile(t, ca, string(cfg.CAData))
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: Config\ncurrent-context: admin\nclusters:\n"+
		"- name: sandbox\n  cluster:\n    server: %s\n    certificate-authority: %s\n",
		cfg.Host, ca)
	b.WriteString("users:\ncontexts:\n")
	for _, user := range []string{admin, alice} {
		fmt.Fprintf(&b, "- name: %s\n  context:\n    cluster: sandbox\n    user: %s\n", user, user)
	}
	text := strings.Replace(b.String(), "users:\n", "users:\n"+userEntries(c), 1)
	path := filepath.Join(dir, "kubeconfig")
	writeFile(t, path, text)

	return path
}

func userEntries(c *cluster) string {
	var b strings.Builder
	for _, user := range []string{admin, alice} {
		fmt.Fprintf(&b, "- name: %s\n  user:\n    token: %s\n", user, c.tokens[user])
	}

	return b.String()
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatalf("writing %s: %v", path, err)
	}
}

package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSandboxServesKubectl runs `onramp sandbox` as a person would, then kubectl with its
// export lines: aws-auth can be read through the kubeconfig whose user runs `onramp
// eks-token`, and an identity no cluster maps gets 401.
func TestSandboxServesKubectl(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not installed: this test drives `onramp sandbox` with it")
	}
	if testing.Short() {
		t.Skip("builds onramp; skipped with -short")
	}

	bin := filepath.Join(t.TempDir(), "onramp")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building onramp: %v\n%s", err, out)
	}
	env, unmapped := serveSandbox(t, bin)

	cmd := exec.Command(kubectl, "get", "configmap", "aws-auth", "-n", "kube-system", "-o",
		"yaml")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "role/iris-node-role") {
		t.Fatalf("kubectl as the admin: %v\n%s", err, out)
	}

	cmd = exec.Command(kubectl, "get", "pods")
	cmd.Env = append(env, unmapped...)
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Unauthorized") {
		t.Fatalf("kubectl as an unmapped user: %v, want Unauthorized\n%s", err, out)
	}
}

// serveSandbox starts `onramp sandbox` and returns the environment its export lines describe,
// and the variables its comment gives for the unmapped user.
func serveSandbox(t *testing.T, bin string) (env, unmapped []string) {
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "sandbox", "--sandbox-key-delay=0")
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })

	lines := make(chan string)
	go func() {
		defer close(lines)
		for sc := bufio.NewScanner(stdout); sc.Scan(); {
			lines <- sc.Text()
		}
	}()

	env = os.Environ()
	for {
		select {
		case line, ok := <-lines:
			switch {
			case !ok || strings.HasPrefix(line, "# Serving"):
				return env, unmapped
			case strings.HasPrefix(line, "export "):
				env = append(env, strings.TrimPrefix(line, "export "))
			case strings.HasPrefix(line, "unset "):
				for _, k := range strings.Fields(strings.TrimPrefix(line, "unset ")) {
					env = append(env, k+"=")
				}
			case strings.Contains(line, "kubectl get pods"):
				unmapped = strings.Fields(strings.TrimPrefix(line, "#"))[:2]
			}
		case <-time.After(30 * time.Second):
			t.Fatal("onramp sandbox printed no export lines within 30s")
		}
	}
}

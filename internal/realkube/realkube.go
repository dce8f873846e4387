// Package realkube starts a real etcd and kube-apiserver for tests, so that the sandbox's
// simulated Kubernetes API can be checked against the real one. The binaries are not part of
// the repository: ONRAMP_KUBE_ASSETS names a folder holding kube-apiserver (built by
// .ci/build-kube-apiserver) and optionally etcd, which is otherwise taken from PATH.
package realkube

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

// AssetsEnv names the folder holding the server binaries.
const AssetsEnv = "ONRAMP_KUBE_ASSETS"

// readyTimeout bounds the wait for a started server to report ready; it takes about 3 s.
const readyTimeout = 60 * time.Second

// Assets returns the folder named by ONRAMP_KUBE_ASSETS, or "" when unset.
func Assets() string {
	return os.Getenv(AssetsEnv)
}

// Token is a static bearer token the server accepts, one line of its --token-auth-file.
type Token struct {
	Token  string
	User   string
	UID    string
	Groups []string
}

// Options configure a Server.
type Options struct {
	// ExtraArgs are added to kube-apiserver's command line, after the ones Start sets.
	ExtraArgs []string
	// Tokens are accepted besides the admin token.
	Tokens []Token
}

// Server is a running kube-apiserver with its etcd.
type Server struct {
	// URL is the server's https address on 127.0.0.1.
	URL string
	// CAData holds the PEM certificates that verify the server's serving certificate.
	CAData []byte
	// AdminToken authenticates as "admin" in group system:masters.
	AdminToken string
	// Dir holds the server's files and the logs etcd.log and kube-apiserver.log.
	Dir string
}

// Config returns a client configuration that authenticates with token.
func (s *Server) Config(token string) *rest.Config {
	return &rest.Config{
		Host:            s.URL,
		BearerToken:     token,
		TLSClientConfig: rest.TLSClientConfig{CAData: s.CAData},
	}
}

// Start runs etcd and kube-apiserver on free loopback ports and waits until the server is
// ready; t.Cleanup stops both. The server authorizes with RBAC only and, like a cluster whose
// controller manager has run, has its aggregated ClusterRoles (admin, edit, view) filled in.
// Start fails t when the binaries are missing or the server does not become ready.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	apiserver, etcd := binaries(t)
	dir := t.TempDir()
	etcdURL := startEtcd(t, etcd, dir)
	s := &Server{AdminToken: randomToken(t), Dir: dir}
	port := freePort(t)
	s.URL = "https://127.0.0.1:" + strconv.Itoa(port)
	args := serverArgs(t, dir, etcdURL, port, s.AdminToken, opts)
	log := filepath.Join(dir, "kube-apiserver.log")
	done := startProcess(t, apiserver, args, log)
	s.waitReady(t, done, log)
	s.aggregateRoles(t)

	return s
}

func binaries(t testing.TB) (string, string) {
	t.Helper()
	assets := Assets()
	if assets == "" {
		t.Fatalf("%s is not set", AssetsEnv)
	}
	apiserver := filepath.Join(assets, "kube-apiserver")
	if _, err := os.Stat(apiserver); err != nil {
		t.Fatalf("finding kube-apiserver in %s=%s: %v", AssetsEnv, assets, err)
	}
	etcd := filepath.Join(assets, "etcd")
	if _, err := os.Stat(etcd); err == nil {
		return apiserver, etcd
	}
	etcd, err := exec.LookPath("etcd")
	if err != nil {
		t.Fatalf("finding etcd in %s or on PATH: %v", assets, err)
	}

	return apiserver, etcd
}

func startEtcd(t testing.TB, etcd, dir string) string {
	t.Helper()
	client := "http://127.0.0.1:" + strconv.Itoa(freePort(t))
	peer := "http://127.0.0.1:" + strconv.Itoa(freePort(t))
	args := []string{
		"--name=default",
		"--data-dir=" + filepath.Join(dir, "etcd"),
		"--listen-client-urls=" + client,
		"--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer,
		"--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=default=" + peer,
	}
	startProcess(t, etcd, args, filepath.Join(dir, "etcd.log"))

	return client
}

func serverArgs(t testing.TB, dir, etcdURL string, port int, admin string, opts Options,
) []string {
	t.Helper()
	pub, key := writeServiceAccountKeys(t, dir)
	tokens := writeTokens(t, dir, append([]Token{
		{Token: admin, User: "admin", UID: "admin", Groups: []string{"system:masters"}},
	}, opts.Tokens...))
	args := []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--cert-dir=" + filepath.Join(dir, "certs"),
		"--authorization-mode=RBAC",
		"--token-auth-file=" + tokens,
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + pub,
		"--service-account-signing-key-file=" + key,
		"--service-cluster-ip-range=10.0.0.0/24",
		"--endpoint-reconciler-type=none",
	}

	return append(args, opts.ExtraArgs...)
}

// startProcess runs a binary with its output in log, stopped when the test ends. The returned
// channel closes when the process exits.
func startProcess(t testing.TB, bin string, args []string, log string) <-chan struct{} {
	t.Helper()
	out, err := os.Create(log)
	if err != nil {
		t.Fatalf("creating %s: %v", log, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = dieWithParent()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = out.Close()
		close(done)
	}()
	t.Cleanup(func() { stop(cmd, done) })

	return done
}

// stop asks a process to end, and kills it when it has not within five seconds.
func stop(cmd *exec.Cmd, done <-chan struct{}) {
	_ = cmd.Process.Signal(os.Interrupt)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	defer l.Close()

	return l.Addr().(*net.TCPAddr).Port
}

func randomToken(t testing.TB) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("making a token: %v", err)
	}

	return hex.EncodeToString(b)
}

// tail returns the last n lines of a log file, for a failure message.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(reading %s: %v)", path, err)
	}
	lines := strings.Split(string(bytes.TrimSpace(data)), "\n")

	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

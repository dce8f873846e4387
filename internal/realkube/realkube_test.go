package realkube

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

const skipReal = "real API server tests skipped: set ONRAMP_KUBE_ASSETS to a folder holding " +
	"kube-apiserver (build it with .ci/build-kube-apiserver); etcd comes from that folder or PATH"

func TestStart(t *testing.T) {
	if Assets() == "" {
		t.Skip(skipReal)
	}
	srv := Start(t, Options{Tokens: []Token{
		{Token: "bob-token", User: "bob", UID: "bob-uid", Groups: []string{"devs", "ops"}},
	}})
	ctx := context.Background()
	cs := kubernetes.NewForConfigOrDie(srv.Config(srv.AdminToken))
	if _, err := cs.CoreV1().Namespaces().Get(ctx, "kube-system", metav1.GetOptions{}); err != nil {
		t.Errorf("reading kube-system as admin: %v", err)
	}
	view, err := cs.RbacV1().ClusterRoles().Get(ctx, "view", metav1.GetOptions{})
	if err != nil || len(view.Rules) == 0 {
		t.Errorf("the view role was not aggregated: %v, %v", err, view)
	}
	bob := kubernetes.NewForConfigOrDie(srv.Config("bob-token"))
	review, err := bob.AuthenticationV1().SelfSubjectReviews().Create(ctx,
		&authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("asking who bob is: %v", err)
	}
	got := review.Status.UserInfo
	want := []string{"devs", "ops", "system:authenticated"}
	if got.Username != "bob" || got.UID != "bob-uid" || !slices.Equal(got.Groups, want) {
		t.Errorf("bob is %+v, want groups %v", got, want)
	}
}

func TestStartFailsClearly(t *testing.T) {
	noBinary := t.TempDir()
	tests := []struct {
		name   string
		assets string
		opts   Options
		want   string
	}{
		{"unset", "", Options{}, "ONRAMP_KUBE_ASSETS is not set"},
		{"no kube-apiserver", noBinary, Options{}, "finding kube-apiserver in"},
		{"server exits", Assets(), Options{ExtraArgs: []string{"--no-such-flag"}},
			"kube-apiserver exited before it was ready; its log ends:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "server exits" && tt.assets == "" {
				t.Skip(skipReal)
			}
			t.Setenv(AssetsEnv, tt.assets)
			rec := &fatalRecorder{TB: t}
			rec.run(func(tb testing.TB) { Start(tb, tt.opts) })
			if !strings.Contains(rec.msg, tt.want) {
				t.Errorf("Start failed with %q, want %q", rec.msg, tt.want)
			}
		})
	}
}

func TestWriteTokens(t *testing.T) {
	dir := t.TempDir()
	path := writeTokens(t, dir, []Token{
		{Token: "a", User: "alice", UID: "1"},
		{Token: "b", User: "bob", UID: "2", Groups: []string{"x", "y"}},
	})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the token file: %v", err)
	}
	want := "a,alice,1\nb,bob,2,\"x,y\"\n"
	if string(data) != want || filepath.Dir(path) != dir {
		t.Errorf("wrote %q to %s, want %q", data, path, want)
	}
}

// fatalRecorder stands in for a test that Start fails: it records the message and stops the
// goroutine, as testing.T's Fatalf does.
type fatalRecorder struct {
	testing.TB
	msg      string
	cleanups []func()
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *fatalRecorder) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

// run calls fn in its own goroutine, so that Fatalf can end it, then runs the cleanups.
func (f *fatalRecorder) run(fn func(testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

package actions

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

func TestParseRepo(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantOwner string
		wantName  string
		wantErr   string
	}{
		{name: "plain", in: "acme/iris", wantOwner: "acme", wantName: "iris"},
		{name: "git suffix", in: "acme/iris.git", wantOwner: "acme", wantName: "iris"},
		{name: "dots and dashes", in: "a-b/c.d_e", wantOwner: "a-b", wantName: "c.d_e"},
		{name: "no slash", in: "iris", wantErr: "is not OWNER/NAME"},
		{name: "too many parts", in: "acme/iris/x", wantErr: "is not OWNER/NAME"},
		{name: "space in name", in: "acme/ir is", wantErr: "may hold only"},
		{name: "empty owner", in: "/iris", wantErr: "may hold only"},
		{name: "dot dot", in: "../iris", wantErr: "may hold only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			owner, name, err := ParseRepo(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseRepo(%q) error = %v, want it to say %q", tt.in, err, tt.wantErr)
				}
				if !errors.Is(err, ErrInvalidInput) {
					t.Errorf("error %v is not ErrInvalidInput", err)
				}
				return
			}
			if err != nil || owner != tt.wantOwner || name != tt.wantName {
				t.Fatalf("ParseRepo(%q) = %q, %q, %v", tt.in, owner, name, err)
			}
		})
	}
}

func TestRepoFromRemote(t *testing.T) {
	tests := []struct {
		remote  string
		want    string
		wantErr bool
	}{
		{remote: "git@github.com:acme/iris.git", want: "acme/iris"},
		{remote: "https://github.com/acme/iris", want: "acme/iris"},
		{remote: "https://github.com/acme/iris.git/", want: "acme/iris"},
		{remote: "ssh://git@github.com/acme/iris.git", want: "acme/iris"},
		{remote: "/srv/git/iris", wantErr: true},
		{remote: "https://github.com/acme", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.remote, func(t *testing.T) {
			got, err := RepoFromRemote(tt.remote)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("RepoFromRemote(%q) = %q, %v", tt.remote, got, err)
			}
			if err != nil && !errors.Is(err, ErrNoRepo) {
				t.Errorf("error %v is not ErrNoRepo", err)
			}
		})
	}
}

func TestCanonicalPrincipal(t *testing.T) {
	tests := []struct{ in, want string }{
		{"arn:aws:iam::111122223333:role/deploy", "arn:aws:iam::111122223333:role/deploy"},
		{"arn:aws:iam::111122223333:role/ci/github/deploy",
			"arn:aws:iam::111122223333:role/deploy"},
		{"arn:aws:sts::111122223333:assumed-role/deploy/gha-42",
			"arn:aws:iam::111122223333:role/deploy"},
		{"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/alice"},
		{"not an arn", "not an arn"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := CanonicalPrincipal(tt.in); got != tt.want {
				t.Errorf("CanonicalPrincipal(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseIAMARN(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{in: "arn:aws:iam::111122223333:role/deploy"},
		{in: "arn:aws:iam::111122223333:user/alice"},
		{in: "role/deploy", wantErr: "is not an ARN"},
		{in: "arn:aws:s3:::bucket", wantErr: "not IAM"},
		{in: "arn:aws:iam::1234:role/x", wantErr: "12 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseIAMARN(tt.in)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("ParseIAMARN(%q) = %v", tt.in, err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("ParseIAMARN(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
		})
	}
}

func TestValidateClusterName(t *testing.T) {
	for _, ok := range []string{"iris-dev", "a", "prod_1", strings.Repeat("a", 100)} {
		if err := ValidateClusterName(ok); err != nil {
			t.Errorf("ValidateClusterName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "-x", "has space", "a/b", strings.Repeat("a", 101)} {
		if err := ValidateClusterName(bad); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("ValidateClusterName(%q) = %v, want ErrInvalidInput", bad, err)
		}
	}
}

func TestRepoFromGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	for _, args := range [][]string{
		{"init", "-q"}, {"remote", "add", "origin", "git@github.com:acme/iris.git"},
	} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).
			CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}

	got, err := RepoFromGit(t.Context(), dir)
	if err != nil || got != "acme/iris" {
		t.Fatalf("RepoFromGit = %q, %v; want acme/iris", got, err)
	}

	_, err = RepoFromGit(t.Context(), t.TempDir())
	if !errors.Is(err, ErrNoRepo) || !strings.Contains(err.Error(), "--repo") {
		t.Fatalf("outside a checkout: error = %v, want ErrNoRepo advising --repo", err)
	}
}

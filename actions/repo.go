package actions

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"strings"

	"github.com/google/go-github/v50/github"
)

// LookupRepo asks GitHub for the repository and the token's permission on it.
func LookupRepo(ctx context.Context, gh *github.Client, owner, name string) (Repo, error) {
	user, _, err := gh.Users.Get(ctx, "")
	if err != nil {
		return Repo{}, fmt.Errorf("looking up the GitHub user: %w", classifyGitHub(err))
	}

	r, _, err := gh.Repositories.Get(ctx, owner, name)
	if err != nil {
		return Repo{}, fmt.Errorf("looking up %s/%s: %w", owner, name, classifyGitHub(err))
	}

	return Repo{
		Owner:         r.GetOwner().GetLogin(),
		Name:          r.GetName(),
		DefaultBranch: r.GetDefaultBranch(),
		Private:       r.GetPrivate(),
		Permission:    highestPermission(r.GetPermissions()),
		Login:         user.GetLogin(),
	}, nil
}

// permissionNames maps GitHub's permission flags, strongest first, to the names its web pages use.
var permissionNames = [][2]string{
	{"admin", "admin"}, {"maintain", "maintain"}, {"push", "write"}, {"triage", "triage"},
	{"pull", "read"},
}

// highestPermission names the strongest permission GitHub reports for the caller.
func highestPermission(p map[string]bool) string {
	for _, pn := range permissionNames {
		if p[pn[0]] {
			return pn[1]
		}
	}

	return "none"
}

func classifyGitHub(err error) error {
	var re *github.ErrorResponse
	if !errors.As(err, &re) || re.Response == nil {
		return err
	}
	switch re.Response.StatusCode {
	case http.StatusUnauthorized:
		return &Hint{Err: fmt.Errorf("%w: %w", ErrNoGitHubToken, err),
			What: "GitHub rejected the token",
			Do:   "set GH_TOKEN to a valid token, or run `gh auth login`"}
	case http.StatusNotFound:
		return &Hint{Err: fmt.Errorf("%w: %w", ErrNoRepo, err),
			What: "repository not found, or the token cannot see it",
			Do:   "check --repo OWNER/NAME, and that the token has access to the repository"}
	}

	return err
}

// FindGitHubToken returns the GitHub token from GH_TOKEN, GITHUB_TOKEN or the gh CLI's login,
// in that order, with the name of the source it came from.
func FindGitHubToken(ctx context.Context, getenv func(string) string) (Secret, string, error) {
	for _, name := range []string{"GH_TOKEN", "GITHUB_TOKEN"} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return NewSecret(v), name, nil
		}
	}

	out, err := exec.CommandContext(ctx, "gh", "auth", "token").Output()
	if tok := strings.TrimSpace(string(out)); err == nil && tok != "" {
		return NewSecret(tok), "gh auth token", nil
	}

	return Secret{}, "", &Hint{
		Err:  ErrNoGitHubToken,
		What: "no GitHub token found",
		Do:   "set GH_TOKEN or GITHUB_TOKEN, or run `gh auth login`",
	}
}

// RepoFromGit reads OWNER/NAME from the origin remote of the git checkout in dir.
func RepoFromGit(ctx context.Context, dir string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", "config", "--get", "remote.origin.url")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", &Hint{Err: ErrNoRepo, What: "no repository given and no git origin remote here",
			Do: "pass --repo OWNER/NAME, or run onramp inside a clone of the repository"}
	}

	return RepoFromRemote(strings.TrimSpace(string(out)))
}

// RepoFromRemote turns a GitHub remote URL (https, ssh or scp-like) into OWNER/NAME.
func RepoFromRemote(remote string) (string, error) {
	path := remote
	if u, err := url.Parse(remote); err == nil && u.Scheme != "" {
		path = u.Path
	} else if _, after, ok := strings.Cut(remote, ":"); ok {
		path = after
	}

	path = strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	owner, name, err := ParseRepo(path)
	if err != nil {
		return "", &Hint{Err: ErrNoRepo,
			What: fmt.Sprintf("the origin remote %q is not a GitHub repository URL", remote),
			Do:   "pass --repo OWNER/NAME"}
	}

	return owner + "/" + name, nil
}

package githubsim

import (
	"context"
	"net/http"
	"reflect"
	"testing"

	"github.com/google/go-github/v50/github"
)

// secretAPI is the repository or environment flavour of go-github's secret calls.
type secretAPI struct {
	env  string
	key  func(ctx context.Context) (*github.PublicKey, *github.Response, error)
	put  func(ctx context.Context, s *github.EncryptedSecret) (*github.Response, error)
	get  func(ctx context.Context, name string) (*github.Secret, *github.Response, error)
	list func(ctx context.Context, o *github.ListOptions) (*github.Secrets, *github.Response,
		error)
	delete func(ctx context.Context, name string) (*github.Response, error)
}

func repoSecrets(c *github.Client) secretAPI {
	a := c.Actions

	return secretAPI{
		key: func(ctx context.Context) (*github.PublicKey, *github.Response, error) {
			return a.GetRepoPublicKey(ctx, "octo", "app")
		},
		put: func(ctx context.Context, s *github.EncryptedSecret) (*github.Response, error) {
			return a.CreateOrUpdateRepoSecret(ctx, "octo", "app", s)
		},
		get: func(ctx context.Context, name string) (*github.Secret, *github.Response, error) {
			return a.GetRepoSecret(ctx, "octo", "app", name)
		},
		list: func(ctx context.Context, o *github.ListOptions) (*github.Secrets, *github.Response,
			error) {
			return a.ListRepoSecrets(ctx, "octo", "app", o)
		},
		delete: func(ctx context.Context, name string) (*github.Response, error) {
			return a.DeleteRepoSecret(ctx, "octo", "app", name)
		},
	}
}

// envSecrets uses the repository ID, as go-github v50 does.
func envSecrets(t *testing.T, c *github.Client, env string) secretAPI {
	r, _, err := c.Repositories.Get(ctx(t), "octo", "app")
	mustNil(t, err)
	id, a := int(r.GetID()), c.Actions

	return secretAPI{
		env: env,
		key: func(ctx context.Context) (*github.PublicKey, *github.Response, error) {
			return a.GetEnvPublicKey(ctx, id, env)
		},
		put: func(ctx context.Context, s *github.EncryptedSecret) (*github.Response, error) {
			return a.CreateOrUpdateEnvSecret(ctx, id, env, s)
		},
		get: func(ctx context.Context, name string) (*github.Secret, *github.Response, error) {
			return a.GetEnvSecret(ctx, id, env, name)
		},
		list: func(ctx context.Context, o *github.ListOptions) (*github.Secrets, *github.Response,
			error) {
			return a.ListEnvSecrets(ctx, id, env, o)
		},
		delete: func(ctx context.Context, name string) (*github.Response, error) {
			return a.DeleteEnvSecret(ctx, id, env, name)
		},
	}
}

func TestSecretLifecycle(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.client(tokWrite)
	tests := []struct {
		name string
		api  secretAPI
	}{
		{name: "repository", api: repoSecrets(c)},
		{name: "environment", api: envSecrets(t, c, "production")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			put(t, f, tt.api, "aws_secret_access_key", "first value", http.StatusCreated)
			put(t, f, tt.api, "AWS_SECRET_ACCESS_KEY", "second value", http.StatusNoContent)

			got, _, err := tt.api.get(ctx(t), "AWS_SECRET_ACCESS_KEY")
			mustNil(t, err)
			if got.Name != "AWS_SECRET_ACCESS_KEY" || got.CreatedAt.IsZero() {
				t.Errorf("got %+v, want the upper-case name with its dates", got)
			}
			resp, err := tt.api.delete(ctx(t), "AWS_SECRET_ACCESS_KEY")
			if err != nil || resp.StatusCode != http.StatusNoContent {
				t.Fatalf("delete: %v %v, want 204", resp, err)
			}
			if _, ok := f.srv.SecretValue("octo", "app", tt.api.env, "AWS_SECRET_ACCESS_KEY"); ok {
				t.Error("the secret survived its deletion")
			}
			_, err = tt.api.delete(ctx(t), "AWS_SECRET_ACCESS_KEY")
			_, _, getErr := tt.api.get(ctx(t), "AWS_SECRET_ACCESS_KEY")
			if statusOf(err) != http.StatusNotFound || statusOf(getErr) != http.StatusNotFound {
				t.Errorf("after deletion: %v and %v, want 404 twice", err, getErr)
			}
		})
	}
}

// put seals value with the API's public key, stores it, and checks the status and the value
// that arrived.
func put(t *testing.T, f *fixture, api secretAPI, name, value string, wantCode int) {
	t.Helper()

	key, _, err := api.key(ctx(t))
	mustNil(t, err)
	resp, err := api.put(ctx(t), &github.EncryptedSecret{Name: name, KeyID: key.GetKeyID(),
		EncryptedValue: seal(t, key, value)})
	if err != nil || resp.StatusCode != wantCode {
		t.Fatalf("put %s: %v %v, want %d", name, resp, err, wantCode)
	}
	if got, ok := f.srv.SecretValue("octo", "app", api.env, name); !ok || got != value {
		t.Fatalf("stored value of %s is %q (%v), want %q", name, got, ok, value)
	}
}

func TestPutSecretRefused(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.client(tokOwner)
	key, _, err := c.Actions.GetRepoPublicKey(ctx(t), "octo", "app")
	mustNil(t, err)
	envKey, _, err := envSecrets(t, c, "staging").key(ctx(t))
	mustNil(t, err)
	good := seal(t, key, "v")
	tests := []struct {
		name, secret, keyID, value, wantMsg string
	}{
		{name: "wrong key id", secret: "A", keyID: "123", value: good, wantMsg: msgBadlySealed},
		{name: "sealed to another key", secret: "A", keyID: key.GetKeyID(),
			value: seal(t, envKey, "v"), wantMsg: msgBadlySealed},
		{name: "not sealed", secret: "A", keyID: key.GetKeyID(), value: "cGxhaW4=",
			wantMsg: msgBadlySealed},
		{name: "not base64", secret: "A", keyID: key.GetKeyID(), value: "plain text!",
			wantMsg: msgBadlySealed},
		{name: "starts with a digit", secret: "1PASSWORD", keyID: key.GetKeyID(), value: good,
			wantMsg: msgSecretChars},
		{name: "has a dash", secret: "MY-SECRET", keyID: key.GetKeyID(), value: good,
			wantMsg: msgSecretChars},
		{name: "reserved prefix", secret: "github_token", keyID: key.GetKeyID(), value: good,
			wantMsg: msgSecretPrefix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Actions.CreateOrUpdateRepoSecret(ctx(t), "octo", "app",
				&github.EncryptedSecret{Name: tt.secret, KeyID: tt.keyID, EncryptedValue: tt.value})
			if statusOf(err) != http.StatusUnprocessableEntity || messageOf(err) != tt.wantMsg {
				t.Errorf("got %v, want 422 %q", err, tt.wantMsg)
			}
			if _, ok := f.srv.SecretValue("octo", "app", "", tt.secret); ok {
				t.Error("a refused secret was stored")
			}
		})
	}
}

func TestPutSecretWithoutKeyID(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.client(tokOwner)
	req, err := c.NewRequest("PUT", "repos/octo/app/actions/secrets/A",
		map[string]string{"encrypted_value": "AAAA"})
	mustNil(t, err)

	_, err = c.Do(ctx(t), req, nil)
	if statusOf(err) != http.StatusUnprocessableEntity ||
		messageOf(err) != "Invalid request.\n\n\"key_id\" wasn't supplied." {
		t.Errorf("got %v, want 422 about key_id", err)
	}
}

func TestSecretPermissions(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct {
		name     string
		token    string
		repo     string
		wantCode int
	}{
		{name: "admin", token: tokAdmin, repo: "app"},
		{name: "maintainer", token: tokMaintain, repo: "app"},
		{name: "writer", token: tokWrite, repo: "app"},
		{name: "triager", token: tokTriage, repo: "app", wantCode: http.StatusForbidden},
		{name: "reader", token: tokRead, repo: "app", wantCode: http.StatusForbidden},
		{name: "stranger on a private repository", token: tokStranger, repo: "app",
			wantCode: http.StatusNotFound},
		{name: "stranger on a public repository", token: tokStranger, repo: "site",
			wantCode: http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := f.client(tt.token).Actions

			_, _, keyErr := a.GetRepoPublicKey(ctx(t), "octo", tt.repo)
			_, _, listErr := a.ListRepoSecrets(ctx(t), "octo", tt.repo, nil)
			_, putErr := a.CreateOrUpdateRepoSecret(ctx(t), "octo", tt.repo,
				&github.EncryptedSecret{Name: "X", KeyID: "1", EncryptedValue: "AAAA"})
			if statusOf(keyErr) != tt.wantCode || statusOf(listErr) != tt.wantCode {
				t.Errorf("got %v and %v, want status %d", keyErr, listErr, tt.wantCode)
			}
			if tt.wantCode != 0 && statusOf(putErr) != tt.wantCode {
				t.Errorf("put: got %v, want status %d", putErr, tt.wantCode)
			}
			if tt.wantCode == http.StatusForbidden &&
				messageOf(putErr) != "Resource not accessible by personal access token" {
				t.Errorf("put: message %q", messageOf(putErr))
			}
		})
	}
}

func TestListSecretsPaging(t *testing.T) {
	f := newFixture(t, Options{})
	api := repoSecrets(f.client(tokOwner))
	for _, name := range []string{"E", "B", "D", "A", "C"} {
		put(t, f, api, name, "value of "+name, http.StatusCreated)
	}
	tests := []struct {
		page              int
		wantNames         []string
		wantNext, wantPrv int
	}{
		{page: 1, wantNames: []string{"A", "B"}, wantNext: 2},
		{page: 2, wantNames: []string{"C", "D"}, wantNext: 3, wantPrv: 1},
		{page: 3, wantNames: []string{"E"}, wantPrv: 2},
		{page: 4, wantPrv: 3},
	}
	for _, tt := range tests {
		t.Run("page "+itoa(int64(tt.page)), func(t *testing.T) {
			got, resp, err := api.list(ctx(t), &github.ListOptions{Page: tt.page, PerPage: 2})
			mustNil(t, err)

			var names []string
			for _, s := range got.Secrets {
				names = append(names, s.Name)
			}
			if !reflect.DeepEqual(names, tt.wantNames) || got.TotalCount != 5 {
				t.Errorf("got %v of %d, want %v of 5", names, got.TotalCount, tt.wantNames)
			}
			if resp.NextPage != tt.wantNext || resp.PrevPage != tt.wantPrv {
				t.Errorf("next %d prev %d, want %d and %d", resp.NextPage, resp.PrevPage,
					tt.wantNext, tt.wantPrv)
			}
		})
	}
}

func TestEnvironmentKeysAreSeparate(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.client(tokOwner)
	tests := []struct {
		name string
		path string
	}{
		{name: "repository", path: "repos/octo/app/actions/secrets/public-key"},
		{name: "production", path: "repos/octo/app/environments/production/secrets/public-key"},
		{name: "staging", path: "repos/octo/app/environments/staging/secrets/public-key"},
	}
	seen := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := c.NewRequest("GET", tt.path, nil)
			mustNil(t, err)

			key := new(github.PublicKey)
			_, err = c.Do(ctx(t), req, key)
			mustNil(t, err)
			if other, ok := seen[key.GetKey()]; ok || len(key.GetKey()) != 44 {
				t.Errorf("key %q is malformed or shared with %s", key.GetKey(), other)
			}
			seen[key.GetKey()] = tt.name
		})
	}
}

func TestMissingEnvironment(t *testing.T) {
	f := newFixture(t, Options{})

	_, _, err := envSecrets(t, f.client(tokOwner), "nowhere").key(ctx(t))
	if statusOf(err) != http.StatusNotFound {
		t.Errorf("got %v, want 404", err)
	}
}

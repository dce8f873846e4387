package githubsim

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestGetRepository(t *testing.T) {
	f := newFixture(t, Options{})
	all := map[string]bool{"admin": true, "maintain": true, "push": true, "triage": true,
		"pull": true}
	tests := []struct {
		name      string
		token     string
		repo      string
		wantCode  int
		wantPerms map[string]bool
	}{
		{name: "owner is admin", token: tokOwner, repo: "app", wantPerms: all},
		{name: "writer can push", token: tokWrite, repo: "app", wantPerms: map[string]bool{
			"admin": false, "maintain": false, "push": true, "triage": true, "pull": true}},
		{name: "reader can pull", token: tokRead, repo: "app", wantPerms: map[string]bool{
			"admin": false, "maintain": false, "push": false, "triage": false, "pull": true}},
		{name: "private repository is hidden", token: tokStranger, repo: "app",
			wantCode: http.StatusNotFound},
		{name: "missing repository", token: tokOwner, repo: "nope",
			wantCode: http.StatusNotFound},
		{name: "public repository is readable", token: tokStranger, repo: "site",
			wantPerms: map[string]bool{"admin": false, "maintain": false, "push": false,
				"triage": false, "pull": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _, err := f.client(tt.token).Repositories.Get(ctx(t), "octo", tt.repo)
			if statusOf(err) != tt.wantCode {
				t.Fatalf("got %v, want status %d", err, tt.wantCode)
			}
			if tt.wantCode != 0 {
				return
			}
			if !reflect.DeepEqual(r.Permissions, tt.wantPerms) {
				t.Errorf("permissions %v, want %v", r.Permissions, tt.wantPerms)
			}
			if r.GetFullName() != "octo/"+tt.repo || r.GetOwner().GetLogin() != "octo" ||
				r.GetDefaultBranch() != "main" || r.GetID() == 0 {
				t.Errorf("unexpected repository %v", r)
			}
		})
	}
}

func TestGetRepositoryIsCaseInsensitive(t *testing.T) {
	f := newFixture(t, Options{})

	r, _, err := f.client(tokOwner).Repositories.Get(ctx(t), "OCTO", "App")
	mustNil(t, err)
	if r.GetFullName() != "octo/app" || !r.GetPrivate() {
		t.Errorf("got %s private=%v, want octo/app private", r.GetFullName(), r.GetPrivate())
	}
}

func TestPermissionLevel(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct {
		user, wantPerm, wantRole string
		wantCode                 int
	}{
		{user: "octo", wantPerm: "admin", wantRole: "admin"},
		{user: "max", wantPerm: "write", wantRole: "maintain"},
		{user: "wes", wantPerm: "write", wantRole: "write"},
		{user: "tia", wantPerm: "read", wantRole: "triage"},
		{user: "rey", wantPerm: "read", wantRole: "read"},
		{user: "sam", wantPerm: "none", wantRole: "none"},
		{user: "ghost", wantCode: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			p, _, err := f.client(tokRead).Repositories.GetPermissionLevel(ctx(t), "octo", "app",
				tt.user)
			if statusOf(err) != tt.wantCode {
				t.Fatalf("got %v, want status %d", err, tt.wantCode)
			}
			if tt.wantCode != 0 {
				return
			}
			if p.GetPermission() != tt.wantPerm || p.GetUser().GetLogin() != tt.user {
				t.Errorf("got %s for %s, want %s", p.GetPermission(), p.GetUser().GetLogin(),
					tt.wantPerm)
			}
			if got := roleOf(t, f, tt.user); got != tt.wantRole {
				t.Errorf("role_name %q, want %q", got, tt.wantRole)
			}
		})
	}
}

// roleOf reads role_name, which go-github v50's RepositoryPermissionLevel leaves out.
func roleOf(t *testing.T, f *fixture, login string) string {
	c := f.client(tokRead)
	req, err := c.NewRequest("GET", "repos/octo/app/collaborators/"+login+"/permission", nil)
	mustNil(t, err)

	var got struct {
		RoleName string `json:"role_name"`
	}
	_, err = c.Do(ctx(t), req, &got)
	mustNil(t, err)

	return got.RoleName
}

func TestListEnvironments(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct {
		name      string
		token     string
		wantNames []string
		wantCode  int
	}{
		{name: "reader sees them", token: tokRead, wantNames: []string{"production", "staging"}},
		{name: "stranger does not", token: tokStranger, wantCode: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			envs, _, err := f.client(tt.token).Repositories.ListEnvironments(ctx(t), "octo", "app",
				nil)
			if statusOf(err) != tt.wantCode {
				t.Fatalf("got %v, want status %d", err, tt.wantCode)
			}
			if tt.wantCode != 0 {
				return
			}
			var names []string
			for _, e := range envs.Environments {
				names = append(names, e.GetName())
			}
			if !reflect.DeepEqual(names, tt.wantNames) || envs.GetTotalCount() != 2 {
				t.Errorf("got %v (total %d), want %v", names, envs.GetTotalCount(), tt.wantNames)
			}
		})
	}
}

func TestAddRepoRefuses(t *testing.T) {
	wf := Workflow{Path: ".github/workflows/a.yml", Content: ciYAML}
	tests := []struct {
		name    string
		repo    Repo
		wantErr string
	}{
		{name: "duplicate", repo: Repo{Owner: "Octo", Name: "APP"}, wantErr: "exists already"},
		{name: "bad name", repo: Repo{Owner: "octo", Name: "a b"}, wantErr: "letters, digits"},
		{name: "unknown role", repo: Repo{Owner: "octo", Name: "x",
			Permissions: map[string]string{"wes": "owner"}}, wantErr: `role "owner"`},
		{name: "workflow outside the folder", repo: Repo{Owner: "octo", Name: "x",
			Workflows: []Workflow{{Path: "deploy.yml"}}}, wantErr: "not a .yml or .yaml"},
		{name: "workflow not yaml", repo: Repo{Owner: "octo", Name: "x",
			Workflows: []Workflow{{Path: ".github/workflows/a.json"}}}, wantErr: "not a .yml"},
		{name: "repeated workflow", repo: Repo{Owner: "octo", Name: "x",
			Workflows: []Workflow{wf, wf}}, wantErr: "empty or repeated"},
		{name: "repeated environment", repo: Repo{Owner: "octo", Name: "x",
			Environments: []string{"prod", "Prod"}}, wantErr: "empty or repeated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Options{})

			err := f.srv.AddRepo(tt.repo)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
}

func TestOwnerOfAnOrganization(t *testing.T) {
	f := newFixture(t, Options{})
	mustNil(t, f.srv.AddRepo(Repo{Owner: "acme", Name: "api",
		Permissions: map[string]string{"wes": "admin"}}))

	r, _, err := f.client(tokWrite).Repositories.Get(ctx(t), "acme", "api")
	mustNil(t, err)
	if r.GetOwner().GetType() != "Organization" || r.GetOwner().GetID() == 0 {
		t.Errorf("owner %v, want an organization with an ID", r.GetOwner())
	}
	if !r.GetPermissions()["admin"] {
		t.Errorf("permissions %v, want admin", r.GetPermissions())
	}
}

package githubsim

import (
	"net/http"
	"strings"
	"testing"
)

func TestExportImport(t *testing.T) {
	f := newFixture(t, Options{})
	put(t, f, repoSecrets(f.client(tokOwner)), "AWS_ROLE_TO_ASSUME", "arn:aws:iam::1:role/r",
		http.StatusCreated)
	ids := addRuns(t, f)
	data, err := f.srv.Export()
	mustNil(t, err)

	g := newFixture(t, Options{})
	mustNil(t, g.srv.Import(data))

	if v, ok := g.srv.SecretValue("octo", "app", "", "AWS_ROLE_TO_ASSUME"); !ok ||
		v != "arn:aws:iam::1:role/r" {
		t.Errorf("imported secret %q (%v)", v, ok)
	}
	r, _, err := g.client(tokRead).Actions.GetWorkflowRunByID(ctx(t), "octo", "app", ids[0])
	mustNil(t, err)
	if r.GetConclusion() != "success" {
		t.Errorf("imported run %v", r)
	}
	// The imported key pair still takes new secrets, and new IDs do not collide.
	put(t, g, repoSecrets(g.client(tokOwner)), "AWS_ACCESS_KEY_ID", "AKIA", http.StatusCreated)
	id, err := g.srv.AddRun("octo", "app", Run{WorkflowPath: deployPath})
	mustNil(t, err)
	if id <= ids[2] {
		t.Errorf("new run ID %d collides with imported ones up to %d", id, ids[2])
	}
}

func TestImportRefuses(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		wantErr string
	}{
		{name: "not json", data: "{", wantErr: "decoding github state"},
		{name: "other version", data: `{"version": 9}`, wantErr: "version 9"},
		{name: "broken key", data: `{"version": 1, "repos": [{"owner": "o", "name": "r",
			"secrets": {"key": {"id": "1", "public": "AAAA"}}}]}`, wantErr: "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Options{})

			err := f.srv.Import([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, want an error with %q", err, tt.wantErr)
			}
			if _, _, err := f.client(tokOwner).Repositories.Get(ctx(t), "octo", "app"); err != nil {
				t.Errorf("a refused import changed the state: %v", err)
			}
		})
	}
}

package githubsim

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-github/v50/github"
)

func TestWorkflows(t *testing.T) {
	f := newFixture(t, Options{})
	a := f.client(tokRead).Actions
	list, _, err := a.ListWorkflows(ctx(t), "octo", "app", nil)
	mustNil(t, err)
	if list.GetTotalCount() != 2 || len(list.Workflows) != 2 {
		t.Fatalf("got %d workflows, want 2", list.GetTotalCount())
	}
	deployID := list.Workflows[0].GetID()
	tests := []struct {
		name     string
		get      func() (*github.Workflow, *github.Response, error)
		wantName string
		wantCode int
	}{
		{name: "by id", wantName: "Deploy",
			get: func() (*github.Workflow, *github.Response, error) {
				return a.GetWorkflowByID(ctx(t), "octo", "app", deployID)
			}},
		{name: "by file name", wantName: "CI",
			get: func() (*github.Workflow, *github.Response, error) {
				return a.GetWorkflowByFileName(ctx(t), "octo", "app", "ci.yml")
			}},
		{name: "unknown file", wantCode: http.StatusNotFound,
			get: func() (*github.Workflow, *github.Response, error) {
				return a.GetWorkflowByFileName(ctx(t), "octo", "app", "nope.yml")
			}},
		{name: "unknown id", wantCode: http.StatusNotFound,
			get: func() (*github.Workflow, *github.Response, error) {
				return a.GetWorkflowByID(ctx(t), "octo", "app", 1)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wf, _, err := tt.get()
			if statusOf(err) != tt.wantCode {
				t.Fatalf("got %v, want status %d", err, tt.wantCode)
			}
			if tt.wantCode == 0 && (wf.GetName() != tt.wantName || wf.GetState() != "active") {
				t.Errorf("got %q %q, want %q active", wf.GetName(), wf.GetState(), tt.wantName)
			}
		})
	}
}

func TestGetContents(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.client(tokRead)
	tests := []struct {
		name        string
		path, ref   string
		wantContent string
		wantEntries []string
		wantCode    int
	}{
		{name: "workflow file", path: ".github/workflows/deploy.yml", wantContent: deployYAML},
		{name: "on a branch", path: ".github/workflows/ci.yml", ref: "dev", wantContent: ciYAML},
		{name: "folder", path: ".github/workflows",
			wantEntries: []string{"ci.yml", "deploy.yml"}},
		{name: "root", path: "", wantEntries: []string{".github"}},
		{name: "missing file", path: "README.md", wantCode: http.StatusNotFound},
		{name: "unknown ref", path: ".github/workflows/ci.yml", ref: "nope",
			wantCode: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file, dir, _, err := c.Repositories.GetContents(ctx(t), "octo", "app", tt.path,
				&github.RepositoryContentGetOptions{Ref: tt.ref})
			if statusOf(err) != tt.wantCode {
				t.Fatalf("got %v, want status %d", err, tt.wantCode)
			}
			if tt.wantContent != "" {
				got, err := file.GetContent()
				mustNil(t, err)
				if got != tt.wantContent || file.GetSHA() != blobSHA(tt.wantContent) {
					t.Errorf("got %q with sha %s", got, file.GetSHA())
				}
			}
			var names []string
			for _, e := range dir {
				names = append(names, e.GetName())
			}
			if len(names) != len(tt.wantEntries) || (len(names) > 0 &&
				names[len(names)-1] != tt.wantEntries[len(names)-1]) {
				t.Errorf("entries %v, want %v", names, tt.wantEntries)
			}
		})
	}
}

func TestDownloadContents(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.client(tokRead)

	body, _, err := c.Repositories.DownloadContents(ctx(t), "octo", "app",
		".github/workflows/ci.yml", nil)
	mustNil(t, err)
	defer body.Close()
	buf := make([]byte, len(ciYAML)+1)
	n, _ := body.Read(buf)
	if string(buf[:n]) != ciYAML {
		t.Errorf("downloaded %q, want the file", buf[:n])
	}
}

func TestDispatch(t *testing.T) {
	queued := func(_ context.Context, _, _ string, wf Workflow, ref string) (Run, error) {
		return Run{WorkflowPath: wf.Path, Branch: ref}, nil
	}
	failing := func(context.Context, string, string, Workflow, string) (Run, error) {
		return Run{}, errors.New("replay refused")
	}
	tests := []struct {
		name     string
		dispatch func(context.Context, string, string, Workflow, string) (Run, error)
		token    string
		file     string
		ref      string
		wantCode int
		wantMsg  string
	}{
		{name: "runs", dispatch: queued, token: tokWrite, file: "deploy.yml", ref: "main"},
		{name: "on another branch", dispatch: queued, token: tokWrite, file: "deploy.yml",
			ref: "refs/heads/dev"},
		{name: "without Dispatch", token: tokWrite, file: "deploy.yml", ref: "main",
			wantCode: 422, wantMsg: msgNoDispatch},
		{name: "without the trigger", dispatch: queued, token: tokWrite, file: "ci.yml",
			ref: "main", wantCode: 422, wantMsg: msgNoDispatch},
		{name: "unknown branch", dispatch: queued, token: tokWrite, file: "deploy.yml",
			ref: "nope", wantCode: 422, wantMsg: "No ref found for: nope"},
		{name: "reader", dispatch: queued, token: tokRead, file: "deploy.yml", ref: "main",
			wantCode: http.StatusForbidden,
			wantMsg:  "Resource not accessible by personal access token"},
		{name: "unknown workflow", dispatch: queued, token: tokWrite, file: "x.yml", ref: "main",
			wantCode: http.StatusNotFound, wantMsg: "Not Found"},
		{name: "replay fails", dispatch: failing, token: tokWrite, file: "deploy.yml",
			ref: "main", wantCode: 422,
			wantMsg: "dispatching .github/workflows/deploy.yml: replay refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Options{Dispatch: tt.dispatch})
			a := f.client(tt.token).Actions

			resp, err := a.CreateWorkflowDispatchEventByFileName(ctx(t), "octo", "app", tt.file,
				github.CreateWorkflowDispatchEventRequest{Ref: tt.ref})
			if statusOf(err) != tt.wantCode || messageOf(err) != tt.wantMsg {
				t.Fatalf("got %v, want %d %q", err, tt.wantCode, tt.wantMsg)
			}
			runs, _, err := a.ListRepositoryWorkflowRuns(ctx(t), "octo", "app", nil)
			mustNil(t, err)
			wantRuns := map[bool]int{true: 1, false: 0}[tt.wantCode == 0]
			if runs.GetTotalCount() != wantRuns {
				t.Fatalf("%d runs, want %d", runs.GetTotalCount(), wantRuns)
			}
			if wantRuns == 1 && (resp.StatusCode != http.StatusNoContent ||
				runs.WorkflowRuns[0].GetEvent() != "workflow_dispatch") {
				t.Errorf("got %d and run %v", resp.StatusCode, runs.WorkflowRuns[0])
			}
		})
	}
}

func TestDispatchedRunMovesAlong(t *testing.T) {
	var s *Server
	var sawID int64
	dispatch := func(ctx context.Context, owner, repo string, wf Workflow, _ string) (Run,
		error) {
		sawID, _ = DispatchedRunID(ctx)
		running := Run{WorkflowPath: wf.Path, Status: "in_progress", Jobs: []Job{{
			Name: "deploy", Status: "in_progress",
			Steps: []Step{{Name: "Configure IAM credentials", Status: "in_progress"}}}}}
		if err := s.UpdateRun(owner, repo, sawID, running); err != nil {
			return Run{}, err
		}

		return Run{WorkflowPath: wf.Path}, nil
	}
	f := newFixture(t, Options{Dispatch: dispatch})
	s = f.srv
	a := f.client(tokWrite).Actions

	_, err := a.CreateWorkflowDispatchEventByFileName(ctx(t), "octo", "app", "deploy.yml",
		github.CreateWorkflowDispatchEventRequest{Ref: "main"})
	mustNil(t, err)
	run, _, err := a.GetWorkflowRunByID(ctx(t), "octo", "app", sawID)
	mustNil(t, err)
	if run.GetStatus() != "in_progress" || run.GetActor().GetLogin() != "wes" {
		t.Errorf("run %s by %s, want in_progress by wes (the update wins over the return)",
			run.GetStatus(), run.GetActor().GetLogin())
	}
}

func TestDispatchable(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    bool
	}{
		{name: "map", content: deployYAML, want: true},
		{name: "list without it", content: ciYAML},
		{name: "list with it", content: "on: [push, workflow_dispatch]\n", want: true},
		{name: "string", content: "on: workflow_dispatch\n", want: true},
		{name: "quoted key", content: "\"on\":\n  workflow_dispatch: {}\n", want: true},
		{name: "other string", content: "on: push\n"},
		{name: "not yaml", content: "on: [\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dispatchable(tt.content); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

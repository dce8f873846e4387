package githubsim

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v50/github"
)

const (
	deployPath = ".github/workflows/deploy.yml"
	ciPath     = ".github/workflows/ci.yml"
)

// addRuns stores three runs: a finished deploy on main, a failed CI on dev and a running
// deploy dispatched on main.
func addRuns(t *testing.T, f *fixture) []int64 {
	t.Helper()

	runs := []Run{
		{WorkflowPath: deployPath, Conclusion: "success", Jobs: []Job{{Name: "deploy",
			Conclusion: "success", Log: "assumed the role\n",
			Steps: []Step{{Name: "Configure IAM credentials", Conclusion: "success"},
				{Name: "Push image", Conclusion: "success"}}}}},
		{WorkflowPath: ciPath, Branch: "dev", Event: "pull_request", Conclusion: "failure"},
		{WorkflowPath: deployPath, Event: "workflow_dispatch", Status: "in_progress"},
	}
	var ids []int64
	for _, r := range runs {
		id, err := f.srv.AddRun("octo", "app", r)
		mustNil(t, err)
		ids = append(ids, id)
	}

	return ids
}

func TestListRuns(t *testing.T) {
	f := newFixture(t, Options{})
	ids := addRuns(t, f)
	a := f.client(tokRead).Actions
	tests := []struct {
		name    string
		file    string
		opts    github.ListWorkflowRunsOptions
		wantIDs []int64
	}{
		{name: "all, newest first", wantIDs: []int64{ids[2], ids[1], ids[0]}},
		{name: "by branch", opts: github.ListWorkflowRunsOptions{Branch: "dev"},
			wantIDs: []int64{ids[1]}},
		{name: "by event", opts: github.ListWorkflowRunsOptions{Event: "workflow_dispatch"},
			wantIDs: []int64{ids[2]}},
		{name: "by status", opts: github.ListWorkflowRunsOptions{Status: "in_progress"},
			wantIDs: []int64{ids[2]}},
		{name: "by conclusion", opts: github.ListWorkflowRunsOptions{Status: "failure"},
			wantIDs: []int64{ids[1]}},
		{name: "one workflow", file: "deploy.yml", wantIDs: []int64{ids[2], ids[0]}},
		{name: "paged", opts: github.ListWorkflowRunsOptions{
			ListOptions: github.ListOptions{Page: 2, PerPage: 2}}, wantIDs: []int64{ids[0]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *github.WorkflowRuns
			var err error
			if tt.file != "" {
				got, _, err = a.ListWorkflowRunsByFileName(ctx(t), "octo", "app", tt.file, &tt.opts)
			} else {
				got, _, err = a.ListRepositoryWorkflowRuns(ctx(t), "octo", "app", &tt.opts)
			}
			mustNil(t, err)

			var gotIDs []int64
			for _, r := range got.WorkflowRuns {
				gotIDs = append(gotIDs, r.GetID())
			}
			if itoas(gotIDs) != itoas(tt.wantIDs) {
				t.Errorf("got runs %v, want %v", gotIDs, tt.wantIDs)
			}
		})
	}
}

func itoas(ids []int64) string {
	var parts []string
	for _, id := range ids {
		parts = append(parts, itoa(id))
	}

	return strings.Join(parts, ",")
}

func TestGetRun(t *testing.T) {
	f := newFixture(t, Options{})
	ids := addRuns(t, f)
	a := f.client(tokRead).Actions
	tests := []struct {
		name           string
		id             int64
		wantStatus     string
		wantConclusion string
		wantNumber     int
		wantCode       int
	}{
		{name: "finished", id: ids[0], wantStatus: "completed", wantConclusion: "success",
			wantNumber: 1},
		{name: "running", id: ids[2], wantStatus: "in_progress", wantNumber: 2},
		{name: "missing", id: 9, wantCode: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _, err := a.GetWorkflowRunByID(ctx(t), "octo", "app", tt.id)
			if statusOf(err) != tt.wantCode {
				t.Fatalf("got %v, want status %d", err, tt.wantCode)
			}
			if tt.wantCode != 0 {
				return
			}
			if r.GetStatus() != tt.wantStatus || r.GetConclusion() != tt.wantConclusion ||
				r.GetRunNumber() != tt.wantNumber || r.GetName() != "Deploy" ||
				r.GetHeadBranch() != "main" {
				t.Errorf("got %s/%s #%d %q on %s", r.GetStatus(), r.GetConclusion(),
					r.GetRunNumber(), r.GetName(), r.GetHeadBranch())
			}
		})
	}
}

func TestJobsAndLogs(t *testing.T) {
	f := newFixture(t, Options{})
	ids := addRuns(t, f)
	a := f.client(tokRead).Actions

	jobs, _, err := a.ListWorkflowJobs(ctx(t), "octo", "app", ids[0], nil)
	mustNil(t, err)
	if jobs.GetTotalCount() != 1 || len(jobs.Jobs[0].Steps) != 2 {
		t.Fatalf("got %d jobs, want one with two steps", jobs.GetTotalCount())
	}
	job := jobs.Jobs[0]
	step := job.Steps[0]
	if step.GetName() != "Configure IAM credentials" || step.GetNumber() != 1 ||
		step.GetConclusion() != "success" || step.StartedAt == nil || step.CompletedAt == nil {
		t.Errorf("first step %v", step)
	}
	got, _, err := a.GetWorkflowJobByID(ctx(t), "octo", "app", job.GetID())
	mustNil(t, err)
	if got.GetRunID() != ids[0] || got.GetName() != "deploy" {
		t.Errorf("job %v", got)
	}

	logURL, _, err := a.GetWorkflowJobLogs(ctx(t), "octo", "app", job.GetID(), true)
	mustNil(t, err)
	resp, err := http.Get(logURL.String())
	mustNil(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "assumed the role\n" {
		t.Errorf("log %q", body)
	}
}

func TestUpdateRunKeepsJobIDs(t *testing.T) {
	clock := &fixedClock{}
	f := newFixture(t, Options{Now: clock.now})
	step := func(status, conclusion string) Run {
		return Run{WorkflowPath: deployPath, Status: status, Conclusion: conclusion,
			Jobs: []Job{{Name: "deploy", Status: status, Conclusion: conclusion,
				Steps: []Step{{Name: "Configure IAM credentials", Status: status,
					Conclusion: conclusion}}}}}
	}
	id, err := f.srv.AddRun("octo", "app", step("in_progress", ""))
	mustNil(t, err)
	a := f.client(tokRead).Actions
	before, _, err := a.ListWorkflowJobs(ctx(t), "octo", "app", id, nil)
	mustNil(t, err)

	mustNil(t, f.srv.UpdateRun("octo", "app", id, step("completed", "failure")))
	after, _, err := a.ListWorkflowJobs(ctx(t), "octo", "app", id, nil)
	mustNil(t, err)
	if before.Jobs[0].GetID() != after.Jobs[0].GetID() {
		t.Errorf("job ID changed from %d to %d", before.Jobs[0].GetID(), after.Jobs[0].GetID())
	}
	s := after.Jobs[0].Steps[0]
	if s.GetConclusion() != "failure" || s.StartedAt == nil || s.CompletedAt == nil {
		t.Errorf("step %v, want a failure with start and end", s)
	}
}

func TestAddRunRefuses(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct {
		name    string
		repo    string
		run     Run
		wantErr string
	}{
		{name: "unknown repository", repo: "nope", run: Run{WorkflowPath: deployPath},
			wantErr: "no such repository"},
		{name: "unknown workflow", repo: "app", run: Run{WorkflowPath: "x.yml"},
			wantErr: "no workflow"},
		{name: "unknown status", repo: "app",
			run: Run{WorkflowPath: deployPath, Status: "done"}, wantErr: `status "done"`},
		{name: "conclusion while running", repo: "app",
			run:     Run{WorkflowPath: deployPath, Status: "in_progress", Conclusion: "success"},
			wantErr: "does not go with"},
		{name: "unknown conclusion", repo: "app",
			run: Run{WorkflowPath: deployPath, Conclusion: "ok"}, wantErr: `conclusion "ok"`},
		{name: "bad step", repo: "app", run: Run{WorkflowPath: deployPath, Jobs: []Job{{
			Name: "j", Steps: []Step{{Name: "s", Status: "completed"}}}}},
			wantErr: `job "j": step "s"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.srv.AddRun("octo", tt.repo, tt.run)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
	runs, _, err := f.client(tokRead).Actions.ListRepositoryWorkflowRuns(ctx(t), "octo", "app",
		nil)
	mustNil(t, err)
	if runs.GetTotalCount() != 0 {
		t.Errorf("%d refused runs were stored", runs.GetTotalCount())
	}
}

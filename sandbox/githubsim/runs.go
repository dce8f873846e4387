package githubsim

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Run is the state of a workflow run, as AddRun stores it and UpdateRun changes it.
type Run struct {
	// WorkflowPath names the run's workflow, such as ".github/workflows/deploy.yml".
	WorkflowPath string
	// Branch is the head branch; empty means the repository's default branch, or no change
	// for UpdateRun.
	Branch string
	// Event is what triggered the run; empty means "push" for AddRun, "workflow_dispatch" for
	// a dispatched run, and no change for UpdateRun.
	Event string
	// Status is queued, in_progress, completed, waiting, requested or pending; empty means
	// completed when Conclusion is set and queued otherwise.
	Status string
	// Conclusion is success, failure, cancelled, skipped, timed_out, neutral, action_required,
	// stale or startup_failure once the run is completed, and empty before.
	Conclusion string
	Jobs       []Job
}

// Job is one job of a run. Its Status and Conclusion take the same values as a run's.
type Job struct {
	Name, Status, Conclusion string
	Steps                    []Step
	// Log is the job's log, served by GET .../actions/jobs/{id}/logs.
	Log string
}

// Step is one step of a job; Number 0 means its position, counting from 1.
type Step struct {
	Name, Status, Conclusion string
	Number                   int64
}

// run is a stored run.
type run struct {
	ID         int64     `json:"id"`
	WorkflowID int64     `json:"workflow_id"`
	Number     int       `json:"number"`
	Actor      string    `json:"actor"`
	Branch     string    `json:"branch"`
	Event      string    `json:"event"`
	Status     string    `json:"status"`
	Conclusion string    `json:"conclusion"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
	Jobs       []*job    `json:"jobs"`
	// Version counts the changes made after the run was queued.
	Version int `json:"version"`
}

// job is a stored job; LogToken is the secret part of its log's download URL.
type job struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Status     string     `json:"status"`
	Conclusion string     `json:"conclusion"`
	Started    *time.Time `json:"started,omitempty"`
	Completed  *time.Time `json:"completed,omitempty"`
	Steps      []*step    `json:"steps"`
	Log        string     `json:"log"`
	LogToken   string     `json:"log_token"`
}

type step struct {
	Name       string     `json:"name"`
	Status     string     `json:"status"`
	Conclusion string     `json:"conclusion"`
	Number     int64      `json:"number"`
	Started    *time.Time `json:"started,omitempty"`
	Completed  *time.Time `json:"completed,omitempty"`
}

var (
	statuses    = []string{"queued", "in_progress", "completed", "waiting", "requested", "pending"}
	conclusions = []string{"success", "failure", "cancelled", "skipped", "timed_out", "neutral",
		"action_required", "stale", "startup_failure"}
)

// AddRun stores a run of one of the repository's workflows and returns its ID.
func (s *Server) AddRun(owner, repo string, r Run) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	rp := s.st.repoByName(owner, repo)
	if rp == nil {
		return 0, fmt.Errorf("adding run to %s/%s: no such repository", owner, repo)
	}
	wf := rp.workflowByPath(r.WorkflowPath)
	if wf == nil {
		return 0, fmt.Errorf("adding run to %s/%s: no workflow %q", owner, repo, r.WorkflowPath)
	}
	rn := s.queueRun(rp, wf, r.Branch, rp.Owner, "push")
	if err := s.updateRun(rp, rn, r); err != nil {
		rp.removeRun(rn.ID)

		return 0, fmt.Errorf("adding run to %s/%s: %w", owner, repo, err)
	}
	rn.Version = 0

	return rn.ID, nil
}

// UpdateRun replaces the state of a stored run, so that a replay can move it along step by
// step. Jobs keep their IDs by position.
func (s *Server) UpdateRun(owner, repo string, id int64, r Run) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	rp := s.st.repoByName(owner, repo)
	if rp == nil {
		return fmt.Errorf("updating run %d of %s/%s: no such repository", id, owner, repo)
	}
	rn := rp.run(id)
	if rn == nil {
		return fmt.Errorf("updating run %d of %s/%s: no such run", id, owner, repo)
	}
	if err := s.updateRun(rp, rn, r); err != nil {
		return fmt.Errorf("updating run %d of %s/%s: %w", id, owner, repo, err)
	}

	return nil
}

// queueRun stores a new queued run without jobs.
func (s *Server) queueRun(rp *repo, wf *workflow, branch, actor, event string) *run {
	number := 1
	for _, rn := range rp.Runs {
		if rn.WorkflowID == wf.ID {
			number++
		}
	}
	if branch == "" {
		branch = rp.DefaultBranch
	}
	now := s.now()
	rn := &run{ID: s.st.nextID(), WorkflowID: wf.ID, Number: number, Actor: actor,
		Branch: branch, Event: event, Status: "queued", Created: now, Updated: now}
	rp.Runs = append(rp.Runs, rn)

	return rn
}

func (rp *repo) run(id int64) *run {
	for _, rn := range rp.Runs {
		if rn.ID == id {
			return rn
		}
	}

	return nil
}

func (rp *repo) removeRun(id int64) {
	rp.Runs = slices.DeleteFunc(rp.Runs, func(rn *run) bool { return rn.ID == id })
}

// updateRun checks r and copies it onto rn.
func (s *Server) updateRun(rp *repo, rn *run, r Run) error {
	if err := checkRun(rp, rn, &r); err != nil {
		return err
	}
	now := s.now()
	rn.Branch, rn.Event, rn.Status, rn.Conclusion = r.Branch, r.Event, r.Status, r.Conclusion
	rn.Updated = now
	rn.Version++
	for i, j := range r.Jobs {
		if i == len(rn.Jobs) {
			rn.Jobs = append(rn.Jobs, &job{ID: s.st.nextID(), LogToken: newToken()})
		}
		rn.Jobs[i].set(j, now)
	}
	rn.Jobs = rn.Jobs[:len(r.Jobs)]

	return nil
}

// checkRun fills r's defaults and refuses unknown statuses and a run of another workflow.
func checkRun(rp *repo, rn *run, r *Run) error {
	if wf := rp.workflowByPath(r.WorkflowPath); wf == nil || wf.ID != rn.WorkflowID {
		return fmt.Errorf("workflow %q is not the run's workflow", r.WorkflowPath)
	}
	if r.Branch == "" {
		r.Branch = rn.Branch
	}
	if r.Event == "" {
		r.Event = rn.Event
	}
	if err := checkStatus(&r.Status, r.Conclusion); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	for i := range r.Jobs {
		if err := checkJob(&r.Jobs[i]); err != nil {
			return fmt.Errorf("job %q: %w", r.Jobs[i].Name, err)
		}
	}

	return nil
}

func checkJob(j *Job) error {
	if err := checkStatus(&j.Status, j.Conclusion); err != nil {
		return err
	}
	for i := range j.Steps {
		st := &j.Steps[i]
		if err := checkStatus(&st.Status, st.Conclusion); err != nil {
			return fmt.Errorf("step %q: %w", st.Name, err)
		}
		if st.Number == 0 {
			st.Number = int64(i + 1)
		}
	}

	return nil
}

// checkStatus fills an empty status and checks that a conclusion comes exactly with completed.
func checkStatus(status *string, conclusion string) error {
	if *status == "" {
		*status = "queued"
		if conclusion != "" {
			*status = "completed"
		}
	}
	switch {
	case !slices.Contains(statuses, *status):
		return fmt.Errorf("status %q is not one of %v", *status, statuses)
	case (*status == "completed") != (conclusion != ""):
		return fmt.Errorf("status %q does not go with conclusion %q", *status, conclusion)
	case conclusion != "" && !slices.Contains(conclusions, conclusion):
		return fmt.Errorf("conclusion %q is not one of %v", conclusion, conclusions)
	}

	return nil
}

// set copies a job's state, stamping when it and its steps started and completed.
func (j *job) set(in Job, now time.Time) {
	j.Name, j.Status, j.Conclusion, j.Log = in.Name, in.Status, in.Conclusion, in.Log
	j.Started, j.Completed = stamp(j.Started, j.Completed, in.Status, now)
	old := j.Steps
	j.Steps = make([]*step, len(in.Steps))
	for i, st := range in.Steps {
		next := &step{Name: st.Name, Status: st.Status, Conclusion: st.Conclusion,
			Number: st.Number}
		if i < len(old) {
			next.Started, next.Completed = old[i].Started, old[i].Completed
		}
		next.Started, next.Completed = stamp(next.Started, next.Completed, st.Status, now)
		j.Steps[i] = next
	}
}

// stamp records the first time a job or step is seen running and completed.
func stamp(started, completed *time.Time, status string, now time.Time) (*time.Time, *time.Time) {
	if started == nil && (status == "in_progress" || status == "completed") {
		started = &now
	}
	if completed == nil && status == "completed" {
		completed = &now
	}

	return started, completed
}

// headSHA is a stable stand-in for the commit at the tip of a branch.
func headSHA(rp *repo, branch string) string {
	sum := sha1.Sum([]byte(rp.Owner + "/" + rp.Name + "@" + branch))

	return hex.EncodeToString(sum[:])
}

func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails.

	return hex.EncodeToString(b)
}

func itoa(n int64) string {
	return strconv.FormatInt(n, 10)
}

// pathID reads a numeric path value such as {run}; a malformed one reads as 0, which no
// object has.
func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)

	return id
}

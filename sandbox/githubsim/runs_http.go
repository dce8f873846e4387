package githubsim

import (
	"net/http"
	"net/url"
	"slices"
	"time"
)

// logsPath is where the sandbox serves job logs; like GitHub's log storage, it takes no token
// but an unguessable URL.
const logsPath = "/_sandbox/job-logs/"

// runJSON is GitHub's workflow run object.
type runJSON struct {
	ID              int64     `json:"id"`
	Name            string    `json:"name"`
	NodeID          string    `json:"node_id"`
	HeadBranch      string    `json:"head_branch"`
	HeadSHA         string    `json:"head_sha"`
	Path            string    `json:"path"`
	RunNumber       int       `json:"run_number"`
	RunAttempt      int       `json:"run_attempt"`
	Event           string    `json:"event"`
	Status          string    `json:"status"`
	Conclusion      *string   `json:"conclusion"`
	WorkflowID      int64     `json:"workflow_id"`
	URL             string    `json:"url"`
	JobsURL         string    `json:"jobs_url"`
	WorkflowURL     string    `json:"workflow_url"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	RunStartedAt    time.Time `json:"run_started_at"`
	Actor           userJSON  `json:"actor"`
	TriggeringActor userJSON  `json:"triggering_actor"`
}

// jobJSON is GitHub's workflow job object.
type jobJSON struct {
	ID           int64      `json:"id"`
	RunID        int64      `json:"run_id"`
	RunURL       string     `json:"run_url"`
	NodeID       string     `json:"node_id"`
	HeadSHA      string     `json:"head_sha"`
	HeadBranch   string     `json:"head_branch"`
	URL          string     `json:"url"`
	Status       string     `json:"status"`
	Conclusion   *string    `json:"conclusion"`
	CreatedAt    time.Time  `json:"created_at"`
	StartedAt    time.Time  `json:"started_at"`
	CompletedAt  *time.Time `json:"completed_at"`
	Name         string     `json:"name"`
	Steps        []stepJSON `json:"steps"`
	Labels       []string   `json:"labels"`
	RunAttempt   int        `json:"run_attempt"`
	WorkflowName string     `json:"workflow_name"`
}

// stepJSON is a step inside GitHub's job object.
type stepJSON struct {
	Name        string     `json:"name"`
	Status      string     `json:"status"`
	Conclusion  *string    `json:"conclusion"`
	Number      int64      `json:"number"`
	StartedAt   *time.Time `json:"started_at"`
	CompletedAt *time.Time `json:"completed_at"`
}

// listRuns serves both the repository's runs and one workflow's, newest first, filtered by
// branch, event, actor and status (which also matches a conclusion, as on GitHub).
func (s *Server) listRuns(c *call) {
	var wfID int64
	if key := c.r.PathValue("workflow"); key != "" {
		wf := c.repo.workflowByKey(key)
		if wf == nil {
			c.notFound()

			return
		}
		wfID = wf.ID
	}
	var match []*run
	for i := len(c.repo.Runs) - 1; i >= 0; i-- {
		if rn := c.repo.Runs[i]; rn.matches(wfID, c.r.URL.Query()) {
			match = append(match, rn)
		}
	}
	out := []runJSON{}
	for _, rn := range paginate(c, match) {
		out = append(out, s.runJSON(c, rn))
	}
	c.reply(http.StatusOK, map[string]any{"total_count": len(match), "workflow_runs": out})
}

func (rn *run) matches(wfID int64, q url.Values) bool {
	differs := func(key, value string) bool { return q.Get(key) != "" && q.Get(key) != value }
	status := q.Get("status")
	switch {
	case wfID != 0 && rn.WorkflowID != wfID, differs("branch", rn.Branch),
		differs("event", rn.Event), differs("actor", rn.Actor):
		return false
	case status != "" && status != rn.Status && status != rn.Conclusion:
		return false
	}

	return true
}

func (s *Server) getRun(c *call) {
	rn := c.repo.run(pathID(c.r, "run"))
	if rn == nil {
		c.notFound()

		return
	}
	c.reply(http.StatusOK, s.runJSON(c, rn))
}

func (s *Server) runJSON(c *call, rn *run) runJSON {
	wf := c.workflowByID(rn.WorkflowID)
	runURL := c.repoURL() + "/actions/runs/" + itoa(rn.ID)
	actor := c.userJSON(rn.Actor, s.actorID(c.repo, rn.Actor), "User")

	return runJSON{
		ID: rn.ID, Name: wf.Name, NodeID: nodeID("WorkflowRun", rn.ID), HeadBranch: rn.Branch,
		HeadSHA: headSHA(c.repo, rn.Branch), Path: wf.Path, RunNumber: rn.Number, RunAttempt: 1,
		Event: rn.Event, Status: rn.Status, Conclusion: nullable(rn.Conclusion),
		WorkflowID: wf.ID, URL: runURL, JobsURL: runURL + "/jobs",
		WorkflowURL: c.repoURL() + "/actions/workflows/" + itoa(wf.ID), CreatedAt: rn.Created,
		UpdatedAt: rn.Updated, RunStartedAt: rn.Created, Actor: actor, TriggeringActor: actor,
	}
}

func (c *call) workflowByID(id int64) *workflow {
	return c.repo.workflowByKey(itoa(id))
}

func (s *Server) actorID(rp *repo, login string) int64 {
	if u := s.st.userByLogin(login); u != nil {
		return u.ID
	}

	return rp.OwnerID
}

func nullable(v string) *string {
	if v == "" {
		return nil
	}

	return &v
}

func (s *Server) listJobs(c *call) {
	rn := c.repo.run(pathID(c.r, "run"))
	if rn == nil {
		c.notFound()

		return
	}
	out := []jobJSON{}
	for _, j := range paginate(c, rn.Jobs) {
		out = append(out, c.jobJSON(rn, j))
	}
	c.reply(http.StatusOK, map[string]any{"total_count": len(rn.Jobs), "jobs": out})
}

func (s *Server) getJob(c *call) {
	rn, j := c.repo.job(pathID(c.r, "job"))
	if j == nil {
		c.notFound()

		return
	}
	c.reply(http.StatusOK, c.jobJSON(rn, j))
}

func (rp *repo) job(id int64) (*run, *job) {
	for _, rn := range rp.Runs {
		for _, j := range rn.Jobs {
			if j.ID == id {
				return rn, j
			}
		}
	}

	return nil, nil
}

func (c *call) jobJSON(rn *run, j *job) jobJSON {
	started := rn.Created
	if j.Started != nil {
		started = *j.Started
	}
	steps := make([]stepJSON, 0, len(j.Steps))
	for _, st := range j.Steps {
		steps = append(steps, stepJSON{Name: st.Name, Status: st.Status,
			Conclusion: nullable(st.Conclusion), Number: st.Number, StartedAt: st.Started,
			CompletedAt: st.Completed})
	}
	runURL := c.repoURL() + "/actions/runs/" + itoa(rn.ID)

	return jobJSON{
		ID: j.ID, RunID: rn.ID, RunURL: runURL, NodeID: nodeID("WorkflowJob", j.ID),
		HeadSHA: headSHA(c.repo, rn.Branch), HeadBranch: rn.Branch,
		URL: c.repoURL() + "/actions/jobs/" + itoa(j.ID), Status: j.Status,
		Conclusion: nullable(j.Conclusion), CreatedAt: rn.Created, StartedAt: started,
		CompletedAt: j.Completed, Name: j.Name, Steps: steps, Labels: []string{"ubuntu-latest"},
		RunAttempt: 1, WorkflowName: c.workflowByID(rn.WorkflowID).Name,
	}
}

// jobLogs answers as GitHub does: a redirect to a short download URL that needs no token.
func (s *Server) jobLogs(c *call) {
	_, j := c.repo.job(pathID(c.r, "job"))
	if j == nil {
		c.notFound()

		return
	}
	c.w.Header().Set("Location", c.baseURL()+logsPath+j.LogToken)
	c.w.WriteHeader(http.StatusFound)
}

// serveLog serves the log a jobLogs redirect points to.
func (s *Server) serveLog(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()

	j := s.st.jobByToken(r.PathValue("token"))
	if j == nil {
		http.NotFound(w, r)

		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(j.Log))
}

func (st *state) jobByToken(token string) *job {
	for _, rp := range st.Repos {
		for _, rn := range rp.Runs {
			has := func(j *job) bool { return j.LogToken == token }
			if i := slices.IndexFunc(rn.Jobs, has); i >= 0 {
				return rn.Jobs[i]
			}
		}
	}

	return nil
}

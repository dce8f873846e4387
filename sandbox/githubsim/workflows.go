package githubsim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v2"
)

// Workflow is a workflow file under .github/workflows.
type Workflow struct {
	// Path is the file's path in the repository, such as ".github/workflows/deploy.yml".
	Path string
	// Name is the workflow's name; empty means the file's own `name:`, or else its path.
	Name string
	// Content is the file's YAML.
	Content string
}

// workflow is a stored workflow.
type workflow struct {
	ID      int64     `json:"id"`
	Path    string    `json:"path"`
	Name    string    `json:"name"`
	Content string    `json:"content"`
	Created time.Time `json:"created"`
}

// workflowJSON is GitHub's workflow object.
type workflowJSON struct {
	ID        int64     `json:"id"`
	NodeID    string    `json:"node_id"`
	Name      string    `json:"name"`
	Path      string    `json:"path"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	URL       string    `json:"url"`
}

const workflowDir = ".github/workflows/"

// msgNoDispatch is GitHub's answer to a dispatch of a workflow without that trigger.
const msgNoDispatch = "Workflow does not have 'workflow_dispatch' trigger"

func checkWorkflows(wfs []Workflow) error {
	paths := make([]string, 0, len(wfs))
	for _, wf := range wfs {
		rest, ok := strings.CutPrefix(wf.Path, workflowDir)
		ext := path.Ext(rest)
		if !ok || strings.Contains(rest, "/") || (ext != ".yml" && ext != ".yaml") {
			return fmt.Errorf("workflow %q is not a .yml or .yaml file in %s", wf.Path, workflowDir)
		}
		paths = append(paths, wf.Path)
	}

	return checkUnique("workflow", paths)
}

func (s *Server) newWorkflow(wf Workflow) *workflow {
	name := wf.Name
	if name == "" {
		name = yamlName(wf.Content)
	}
	if name == "" {
		name = wf.Path
	}

	return &workflow{ID: s.st.nextID(), Path: wf.Path, Name: name, Content: wf.Content,
		Created: s.now()}
}

// yamlName is the workflow file's top-level `name:`, or "" when it has none.
func yamlName(content string) string {
	var doc struct {
		Name string `yaml:"name"`
	}
	if yaml.Unmarshal([]byte(content), &doc) != nil {
		return ""
	}

	return doc.Name
}

// dispatchable reports whether the workflow file lists the workflow_dispatch trigger, in any
// of the three forms `on:` takes: a string, a list or a map.
func dispatchable(content string) bool {
	var doc map[any]any
	if yaml.Unmarshal([]byte(content), &doc) != nil {
		return false
	}
	on, ok := doc["on"]
	if !ok {
		on = doc[true] // YAML 1.1 reads a bare `on` key as true.
	}
	switch v := on.(type) {
	case string:
		return v == "workflow_dispatch"
	case []any:
		for _, e := range v {
			if e == "workflow_dispatch" {
				return true
			}
		}
	case map[any]any:
		_, ok := v["workflow_dispatch"]

		return ok
	}

	return false
}

// workflowByKey finds a workflow by ID or by file name, as GitHub's {workflow_id} allows.
func (rp *repo) workflowByKey(key string) *workflow {
	id, err := strconv.ParseInt(key, 10, 64)
	for _, wf := range rp.Workflows {
		if (err == nil && wf.ID == id) || (err != nil && path.Base(wf.Path) == key) {
			return wf
		}
	}

	return nil
}

func (rp *repo) workflowByPath(p string) *workflow {
	for _, wf := range rp.Workflows {
		if wf.Path == p {
			return wf
		}
	}

	return nil
}

func (c *call) workflowJSON(wf *workflow) workflowJSON {
	return workflowJSON{
		ID: wf.ID, NodeID: nodeID("Workflow", wf.ID), Name: wf.Name, Path: wf.Path,
		State: "active", CreatedAt: wf.Created, UpdatedAt: wf.Created,
		URL: c.repoURL() + "/actions/workflows/" + itoa(wf.ID),
	}
}

func (s *Server) listWorkflows(c *call) {
	out := []workflowJSON{}
	for _, wf := range paginate(c, c.repo.Workflows) {
		out = append(out, c.workflowJSON(wf))
	}
	c.reply(http.StatusOK, map[string]any{"total_count": len(c.repo.Workflows), "workflows": out})
}

func (s *Server) getWorkflow(c *call) {
	wf := c.repo.workflowByKey(c.r.PathValue("workflow"))
	if wf == nil {
		c.notFound()

		return
	}
	c.reply(http.StatusOK, c.workflowJSON(wf))
}

// dispatchBody is the body of POST .../dispatches.
//
// TODO: inputs are accepted as they come; GitHub checks them against the workflow's declared
// workflow_dispatch inputs, which onramp does not send.
type dispatchBody struct {
	Ref    *string        `json:"ref"`
	Inputs map[string]any `json:"inputs"`
}

// dispatch starts a run of a workflow through Options.Dispatch. The run is stored, queued,
// before Dispatch is called, so a replay can update it while Dispatch is still running.
func (s *Server) dispatch(c *call) {
	wf := c.repo.workflowByKey(c.r.PathValue("workflow"))
	if wf == nil {
		c.notFound()

		return
	}
	ref, ok := c.readRef(wf, s.opts.Dispatch != nil)
	if !ok {
		return
	}
	branch := strings.TrimPrefix(ref, "refs/heads/")
	rn := s.queueRun(c.repo, wf, branch, c.user.Login, "workflow_dispatch")
	if err := s.runDispatch(c, rn, wf, ref); err != nil {
		c.repo.removeRun(rn.ID)
		c.fail(http.StatusUnprocessableEntity, err.Error())

		return
	}
	c.reply(http.StatusNoContent, nil)
}

// readRef checks the dispatch request and returns its ref, answering the error when there is
// one.
func (c *call) readRef(wf *workflow, canRun bool) (string, bool) {
	var body dispatchBody
	if err := json.NewDecoder(http.MaxBytesReader(c.w, c.r.Body, 1<<20)).Decode(&body); err != nil {
		c.fail(http.StatusBadRequest, "Problems parsing JSON")

		return "", false
	}
	switch {
	case body.Ref == nil:
		c.missing("ref")
	case !canRun:
		// TODO: without Options.Dispatch the sandbox cannot run anything, so it refuses every
		// dispatch the way GitHub refuses a workflow that lacks the workflow_dispatch trigger.
		c.fail(http.StatusUnprocessableEntity, msgNoDispatch)
	case !dispatchable(wf.Content):
		c.fail(http.StatusUnprocessableEntity, msgNoDispatch)
	case !c.repo.hasBranch(*body.Ref):
		c.fail(http.StatusUnprocessableEntity, "No ref found for: "+*body.Ref)
	default:
		return *body.Ref, true
	}

	return "", false
}

// runIDKey keys the ID of the dispatched run in the context given to Options.Dispatch.
type runIDKey struct{}

// DispatchedRunID returns the ID of the run that an Options.Dispatch call is starting.
func DispatchedRunID(ctx context.Context) (int64, bool) {
	id, ok := ctx.Value(runIDKey{}).(int64)

	return id, ok
}

// runDispatch calls Options.Dispatch without holding the lock, since a replay may call back
// into the server, and stores the state it returns unless UpdateRun changed the run already.
func (s *Server) runDispatch(c *call, rn *run, wf *workflow, ref string) error {
	ctx := context.WithValue(context.WithoutCancel(c.r.Context()), runIDKey{}, rn.ID)
	owner, name, version := c.repo.Owner, c.repo.Name, rn.Version
	public := Workflow{Path: wf.Path, Name: wf.Name, Content: wf.Content}

	s.mu.Unlock()
	got, err := s.opts.Dispatch(ctx, owner, name, public, ref)
	s.mu.Lock()

	if err != nil {
		return fmt.Errorf("dispatching %s: %w", wf.Path, err)
	}
	if rn.Version != version {
		return nil
	}
	if got.WorkflowPath == "" {
		got.WorkflowPath = wf.Path
	}

	return s.updateRun(c.repo, rn, got)
}

package githubsim

import (
	"net/http"
	"strings"
)

// level is a permission on a repository, ordered so that a higher level includes the lower.
type level int

const (
	levelNone level = iota
	levelRead
	levelTriage
	levelWrite
	levelMaintain
	levelAdmin
)

// levels maps GitHub's role names to levels.
var levels = map[string]level{
	"read": levelRead, "triage": levelTriage, "write": levelWrite,
	"maintain": levelMaintain, "admin": levelAdmin,
}

// route is one endpoint: its ServeMux pattern, the operation name given to the fault
// injector, the permission it needs on the repository (levelNone for routes without one),
// the documentation URL of its error answers, and the handler.
type route struct {
	pattern string
	op      string
	need    level
	doc     string
	serve   func(*Server, *call)
}

const (
	docRoot    = "https://docs.github.com/rest"
	docRepos   = docRoot + "/repos/repos"
	docSecrets = docRoot + "/actions/secrets"
	docFlows   = docRoot + "/actions/workflows"
	docRuns    = docRoot + "/actions/workflow-runs"
	docJobs    = docRoot + "/actions/workflow-jobs"
	docEnvs    = docRoot + "/deployments/environments"
)

// repoRoutes serve the repository itself and what it holds.
var repoRoutes = []route{
	{pattern: "GET /user", serve: (*Server).getUser,
		doc: docRoot + "/users/users#get-the-authenticated-user"},
	{pattern: "GET /repos/{owner}/{repo}", need: levelRead, serve: (*Server).getRepo,
		doc: docRepos + "#get-a-repository"},
	{pattern: "GET /repos/{owner}/{repo}/collaborators/{username}/permission", need: levelRead,
		serve: (*Server).getPermission,
		doc:   docRoot + "/collaborators/collaborators#get-repository-permissions-for-a-user"},
	{pattern: "GET /repos/{owner}/{repo}/environments", need: levelRead,
		serve: (*Server).listEnvironments, doc: docEnvs + "#list-environments"},
	{pattern: "GET /repos/{owner}/{repo}/contents/{path...}", need: levelRead,
		serve: (*Server).getContents, doc: docRoot + "/repos/contents#get-repository-content"},
	{pattern: "GET " + rawPath + "{owner}/{repo}/{path...}", need: levelRead,
		serve: (*Server).getRaw, doc: docRoot + "/repos/contents#get-repository-content"},
}

// actionsRoutes serve workflows, runs and jobs.
var actionsRoutes = []route{
	{pattern: "GET /repos/{owner}/{repo}/actions/workflows", need: levelRead,
		serve: (*Server).listWorkflows, doc: docFlows + "#list-repository-workflows"},
	{pattern: "GET /repos/{owner}/{repo}/actions/workflows/{workflow}", need: levelRead,
		serve: (*Server).getWorkflow, doc: docFlows + "#get-a-workflow"},
	{pattern: "POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches",
		need: levelWrite, serve: (*Server).dispatch,
		doc: docFlows + "#create-a-workflow-dispatch-event"},
	{pattern: "GET /repos/{owner}/{repo}/actions/workflows/{workflow}/runs", need: levelRead,
		serve: (*Server).listRuns, doc: docRuns + "#list-workflow-runs-for-a-workflow"},
	{pattern: "GET /repos/{owner}/{repo}/actions/runs", need: levelRead,
		serve: (*Server).listRuns, doc: docRuns + "#list-workflow-runs-for-a-repository"},
	{pattern: "GET /repos/{owner}/{repo}/actions/runs/{run}", need: levelRead,
		serve: (*Server).getRun, doc: docRuns + "#get-a-workflow-run"},
	{pattern: "GET /repos/{owner}/{repo}/actions/runs/{run}/jobs", need: levelRead,
		serve: (*Server).listJobs, doc: docJobs + "#list-jobs-for-a-workflow-run"},
	{pattern: "GET /repos/{owner}/{repo}/actions/jobs/{job}", need: levelRead,
		serve: (*Server).getJob, doc: docJobs + "#get-a-job-for-a-workflow-run"},
	{pattern: "GET /repos/{owner}/{repo}/actions/jobs/{job}/logs", need: levelRead,
		serve: (*Server).jobLogs, doc: docJobs + "#download-job-logs-for-a-workflow-run"},
}

// secretRoutes returns the five secret endpoints under prefix; env names the documentation
// anchors ("repository" or "environment").
func secretRoutes(prefix, kind string) []route {
	an := "a"
	if kind == "environment" {
		an = "an"
	}
	base := prefix + "/secrets"

	return []route{
		{pattern: "GET " + base + "/public-key", serve: (*Server).publicKey,
			doc: docSecrets + "#get-" + an + "-" + kind + "-public-key"},
		{pattern: "GET " + base, serve: (*Server).listSecrets,
			doc: docSecrets + "#list-" + kind + "-secrets"},
		{pattern: "GET " + base + "/{name}", serve: (*Server).getSecret,
			doc: docSecrets + "#get-" + an + "-" + kind + "-secret"},
		{pattern: "PUT " + base + "/{name}", serve: (*Server).putSecret,
			doc: docSecrets + "#create-or-update-" + an + "-" + kind + "-secret"},
		{pattern: "DELETE " + base + "/{name}", serve: (*Server).deleteSecret,
			doc: docSecrets + "#delete-" + an + "-" + kind + "-secret"},
	}
}

// allRoutes lists every endpoint. Environment secrets are served both where go-github v50
// asks for them (by repository ID) and where GitHub documents them today (by name).
func allRoutes() []route {
	all := append(append([]route{}, repoRoutes...), actionsRoutes...)
	secrets := secretRoutes("/repos/{owner}/{repo}/actions", "repository")
	secrets = append(secrets, secretRoutes("/repositories/{repo_id}/environments/{env}",
		"environment")...)
	secrets = append(secrets, secretRoutes("/repos/{owner}/{repo}/environments/{env}",
		"environment")...)
	for i := range secrets {
		// GitHub lets collaborators with write access manage secrets through the API.
		secrets[i].need = levelWrite
	}

	return append(all, secrets...)
}

func (s *Server) routes() {
	for _, rt := range allRoutes() {
		rt.op = opName(rt.pattern)
		s.mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) {
			s.serve(&rt, w, r)
		})
	}
	s.mux.HandleFunc("GET "+logsPath+"{token}", s.serveLog)
	s.mux.HandleFunc("/", s.serveUnknown)
}

// serveUnknown answers a path or method GitHub does not serve: 404, even for a method that
// another route takes, with the caller's rate-limit headers.
func (s *Server) serveUnknown(w http.ResponseWriter, r *http.Request) {
	c := &call{w: w, r: r, rt: &route{doc: docRoot}}
	token, _ := bearer(r.Header.Get("Authorization"))
	s.mu.Lock()
	c.user = s.st.userByToken(token)
	s.mu.Unlock()
	if c.user == nil {
		s.limitAnonymous(c)
	} else if !s.limit(c) {
		return
	}
	c.notFound()
}

// opName turns a pattern into the operation name given to the fault injector: the method and
// the path without the repository prefix or any parameter, as in "PUT actions/secrets".
func opName(pattern string) string {
	method, path, _ := strings.Cut(pattern, " ")
	var kept []string
	for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		if !strings.HasPrefix(seg, "{") {
			kept = append(kept, seg)
		}
	}
	if len(kept) > 1 && (kept[0] == "repos" || kept[0] == "repositories") {
		kept = kept[1:]
	}

	return method + " " + strings.Join(kept, "/")
}

// resolve finds the repository (and environment) the request names and checks that the caller
// may use the route there: a repository the caller cannot see is Not Found, as on GitHub.
func (s *Server) resolve(c *call) bool {
	c.repo = s.st.repoFor(c.r)
	if c.repo == nil || c.repo.level(c.user.Login) < levelRead {
		c.notFound()

		return false
	}
	if c.repo.level(c.user.Login) < c.rt.need {
		c.forbidden()

		return false
	}
	if name := c.r.PathValue("env"); name != "" {
		c.env = c.repo.environment(name)
		if c.env == nil {
			c.notFound()

			return false
		}
	}

	return true
}

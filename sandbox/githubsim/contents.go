package githubsim

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"sort"
	"strings"
)

// rawPath is where the sandbox serves files' bytes, for the download_url of contents.
const rawPath = "/_sandbox/raw/"

// contentJSON is GitHub's content object, for a file or for an entry of a directory.
type contentJSON struct {
	Type        string  `json:"type"`
	Encoding    string  `json:"encoding,omitempty"`
	Size        int     `json:"size"`
	Name        string  `json:"name"`
	Path        string  `json:"path"`
	Content     string  `json:"content,omitempty"`
	SHA         string  `json:"sha"`
	URL         string  `json:"url"`
	DownloadURL *string `json:"download_url"`
}

// getContents serves the repository's files, which are its workflow files: a file as an
// object with its base64 content, a directory as a list of its entries.
func (s *Server) getContents(c *call) {
	if ref := c.r.URL.Query().Get("ref"); ref != "" && !c.repo.hasBranch(ref) {
		c.fail(http.StatusNotFound, "No commit found for the ref "+ref)

		return
	}
	p := strings.Trim(c.r.PathValue("path"), "/")
	files := c.repo.files()
	if content, ok := files[p]; ok {
		c.reply(http.StatusOK, c.fileJSON(p, content))

		return
	}
	entries := c.dirJSON(p, files)
	if len(entries) == 0 {
		c.notFound()

		return
	}
	c.reply(http.StatusOK, entries)
}

// files maps each file's path to its content.
func (rp *repo) files() map[string]string {
	files := map[string]string{}
	for _, wf := range rp.Workflows {
		files[wf.Path] = wf.Content
	}

	return files
}

func (c *call) fileJSON(p, content string) contentJSON {
	out := c.entryJSON("file", p, blobSHA(content), len(content))
	out.Encoding = "base64"
	out.Content = wrap(base64.StdEncoding.EncodeToString([]byte(content)), 60)
	out.DownloadURL = c.rawURL(p)

	return out
}

// rawURL is where the file's bytes can be downloaded with the same token.
func (c *call) rawURL(p string) *string {
	u := c.baseURL() + rawPath + c.repo.Owner + "/" + c.repo.Name + "/" + p

	return &u
}

// getRaw serves a file's bytes, as raw.githubusercontent.com does.
func (s *Server) getRaw(c *call) {
	content, ok := c.repo.files()[c.r.PathValue("path")]
	if !ok {
		c.notFound()

		return
	}
	c.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = c.w.Write([]byte(content))
}

func (c *call) entryJSON(kind, p, sha string, size int) contentJSON {
	return contentJSON{Type: kind, Size: size, Name: path.Base(p), Path: p, SHA: sha,
		URL: c.repoURL() + "/contents/" + p}
}

// dirJSON lists the files and directories directly inside dir ("" for the root).
func (c *call) dirJSON(dir string, files map[string]string) []contentJSON {
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	seen := map[string]bool{}
	var out []contentJSON
	for p, content := range files {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok {
			continue
		}
		child, _, nested := strings.Cut(rest, "/")
		if seen[child] {
			continue
		}
		seen[child] = true
		out = append(out, c.childJSON(prefix+child, content, nested))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })

	return out
}

func (c *call) childJSON(p, content string, dir bool) contentJSON {
	if dir {
		return c.entryJSON("dir", p, blobSHA("tree "+p), 0)
	}
	out := c.entryJSON("file", p, blobSHA(content), len(content))
	out.DownloadURL = c.rawURL(p)

	return out
}

// blobSHA is the git object ID of a blob with this content.
func blobSHA(content string) string {
	sum := sha1.Sum([]byte(fmt.Sprintf("blob %d\x00%s", len(content), content)))

	return hex.EncodeToString(sum[:])
}

// wrap breaks s into lines of n characters, as GitHub does with base64 content.
func wrap(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n] + "\n")
		s = s[n:]
	}
	b.WriteString(s + "\n")

	return b.String()
}

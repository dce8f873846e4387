package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// state is the file that keeps a world between runs: each service's own export, and the
// credentials the sandbox handed out, so that a second run hands out the same ones.
type state struct {
	AWS      json.RawMessage            `json:"aws"`
	GitHub   json.RawMessage            `json:"github"`
	Clusters map[string]json.RawMessage `json:"clusters"`
	Env      Env                        `json:"env"`
}

// save writes the world to path, through a temporary file so that a kill mid-write leaves the
// previous state whole.
func (sb *Sandbox) save(path string) error {
	st := state{Clusters: map[string]json.RawMessage{}, Env: sb.env}
	st.Env.Kubeconfig = ""

	var err error
	if st.AWS, err = sb.AWS.Export(); err != nil {
		return fmt.Errorf("saving the AWS state: %w", err)
	}
	if st.GitHub, err = sb.GitHub.Export(); err != nil {
		return fmt.Errorf("saving the GitHub state: %w", err)
	}
	for name, c := range sb.Clusters {
		if st.Clusters[name], err = c.Kube.Export(); err != nil {
			return fmt.Errorf("saving cluster %s: %w", name, err)
		}
	}

	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the sandbox state: %w", err)
	}

	return writeAtomic(path, data)
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".onramp-state-*")
	if err != nil {
		return fmt.Errorf("saving the sandbox state: %w", err)
	}
	defer os.Remove(tmp.Name())

	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the sandbox state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the sandbox state: %w", err)
	}

	return os.Rename(tmp.Name(), path)
}

// load restores a world saved by save, starting an API server for each of its clusters.
func (sb *Sandbox) load(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading the sandbox state: %w", err)
	}

	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("the sandbox state %s is not valid: %w; remove it to start afresh",
			path, err)
	}
	if err := sb.AWS.Import(st.AWS); err != nil {
		return fmt.Errorf("loading the AWS state: %w", err)
	}
	if err := sb.GitHub.Import(st.GitHub); err != nil {
		return fmt.Errorf("loading the GitHub state: %w", err)
	}

	return sb.loadClusters(st)
}

func (sb *Sandbox) loadClusters(st state) error {
	names := make([]string, 0, len(st.Clusters))
	for name := range st.Clusters {
		names = append(names, name)
	}
	sort.Strings(names)

	for _, name := range names {
		c, err := sb.addCluster(name)
		if err != nil {
			return err
		}
		if err := c.Kube.Import(st.Clusters[name]); err != nil {
			return fmt.Errorf("loading cluster %s: %w", name, err)
		}
	}

	urls := sb.env
	sb.env = st.Env
	sb.env.AWSEndpoint, sb.env.GitHubURL, sb.env.Region = urls.AWSEndpoint, urls.GitHubURL,
		urls.Region

	return nil
}

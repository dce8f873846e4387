package githubsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// stateVersion is the format of Export's document; Import refuses any other.
const stateVersion = 1

// state is everything the sandbox remembers, in the form Export writes.
type state struct {
	Version int     `json:"version"`
	LastID  int64   `json:"last_id"`
	Users   []*user `json:"users"`
	Repos   []*repo `json:"repos"`
}

func newState() state {
	return state{Version: stateVersion, LastID: 1000}
}

// nextID hands out IDs for every kind of object, so no two objects share one.
func (st *state) nextID() int64 {
	st.LastID++

	return st.LastID
}

func (st *state) userByToken(token string) *user {
	if token == "" {
		return nil
	}
	for _, u := range st.Users {
		for _, t := range u.Tokens {
			if t == token {
				return u
			}
		}
	}

	return nil
}

func (st *state) userByLogin(login string) *user {
	for _, u := range st.Users {
		if strings.EqualFold(u.Login, login) {
			return u
		}
	}

	return nil
}

func (st *state) repoByName(owner, name string) *repo {
	for _, rp := range st.Repos {
		if strings.EqualFold(rp.Owner, owner) && strings.EqualFold(rp.Name, name) {
			return rp
		}
	}

	return nil
}

// repoFor finds the repository a request names, by owner and name or by ID.
func (st *state) repoFor(r *http.Request) *repo {
	if raw := r.PathValue("repo_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil
		}
		for _, rp := range st.Repos {
			if rp.ID == id {
				return rp
			}
		}

		return nil
	}

	return st.repoByName(r.PathValue("owner"), r.PathValue("repo"))
}

// Export writes the whole state as JSON, for `--state FILE`. The document holds the users'
// tokens and the private keys that open the stored secrets, so it is as sensitive as they are.
func (s *Server) Export() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	data, err := json.MarshalIndent(&s.st, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding github state: %w", err)
	}

	return data, nil
}

// Import replaces the whole state with a document Export wrote.
func (s *Server) Import(data []byte) error {
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("decoding github state: %w", err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("decoding github state: version %d, want %d", st.Version, stateVersion)
	}
	if err := st.check(); err != nil {
		return fmt.Errorf("decoding github state: %w", err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	s.st = st

	return nil
}

// check refuses a document whose key pairs could not open the secrets.
func (st *state) check() error {
	for _, rp := range st.Repos {
		if err := rp.Secrets.check(); err != nil {
			return fmt.Errorf("repository %s/%s: %w", rp.Owner, rp.Name, err)
		}
		for _, env := range rp.Environments {
			if err := env.Secrets.check(); err != nil {
				return fmt.Errorf("environment %s of %s/%s: %w", env.Name, rp.Owner, rp.Name, err)
			}
		}
	}

	return nil
}

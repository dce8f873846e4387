package githubsim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"golang.org/x/crypto/nacl/box"
)

// keyPair is the X25519 key pair a repository or environment seals its secrets to.
type keyPair struct {
	ID      string `json:"id"`
	Public  []byte `json:"public"`
	Private []byte `json:"private"`
}

// secret is a stored secret: the sealed box exactly as the client sent it.
type secret struct {
	Name    string    `json:"name"`
	KeyID   string    `json:"key_id"`
	Sealed  []byte    `json:"sealed"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// secretStore holds the secrets of a repository or of one of its environments.
type secretStore struct {
	Key     keyPair            `json:"key"`
	Secrets map[string]*secret `json:"secrets"`
}

// secretJSON is GitHub's secret object; values are never returned.
type secretJSON struct {
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// putSecretBody is the body of PUT .../secrets/{name}.
type putSecretBody struct {
	EncryptedValue *string `json:"encrypted_value"`
	KeyID          *string `json:"key_id"`
}

var secretNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

const (
	msgSecretChars = "Secret names can only contain alphanumeric characters ([a-z], [A-Z], " +
		"[0-9]) or underscores (_). Spaces are not allowed. Must start with a letter ([a-z], " +
		"[A-Z]) or underscores (_)."
	msgSecretPrefix = "Secret names must not start with GITHUB_."
	msgBadlySealed  = "Bad request - validation failed due to an improperly encrypted secret"
)

func newSecretStore() (secretStore, error) {
	pub, priv, err := box.GenerateKey(rand.Reader)
	if err != nil {
		return secretStore{}, fmt.Errorf("generating secrets key pair: %w", err)
	}
	id, err := rand.Int(rand.Reader, big.NewInt(9e17))
	if err != nil {
		return secretStore{}, fmt.Errorf("generating secrets key id: %w", err)
	}
	kp := keyPair{ID: id.Add(id, big.NewInt(1e17)).String(), Public: pub[:], Private: priv[:]}

	return secretStore{Key: kp, Secrets: map[string]*secret{}}, nil
}

// check refuses a store whose key pair is not two 32-byte keys.
func (ss *secretStore) check() error {
	if len(ss.Key.Public) != 32 || len(ss.Key.Private) != 32 || ss.Key.ID == "" {
		return errors.New("secrets key pair is malformed")
	}
	if ss.Secrets == nil {
		ss.Secrets = map[string]*secret{}
	}

	return nil
}

// open decrypts a sealed box addressed to the key pair.
func (kp keyPair) open(sealed []byte) ([]byte, bool) {
	var pub, priv [32]byte
	copy(pub[:], kp.Public)
	copy(priv[:], kp.Private)

	return box.OpenAnonymous(nil, sealed, &pub, &priv)
}

// secretNameProblem is GitHub's message for a name it refuses, or "" for a good one.
func secretNameProblem(name string) string {
	switch {
	case !secretNamePattern.MatchString(name):
		return msgSecretChars
	case strings.HasPrefix(strings.ToUpper(name), "GITHUB_"):
		return msgSecretPrefix
	}

	return ""
}

// store is the secret store the call's path names: the environment's or the repository's.
func (c *call) store() *secretStore {
	if c.env != nil {
		return &c.env.Secrets
	}

	return &c.repo.Secrets
}

func (s *Server) publicKey(c *call) {
	kp := c.store().Key
	c.reply(http.StatusOK, map[string]string{
		"key_id": kp.ID, "key": base64.StdEncoding.EncodeToString(kp.Public),
	})
}

func (s *Server) listSecrets(c *call) {
	all := c.store().sorted()
	out := make([]secretJSON, 0, len(all))
	for _, sec := range paginate(c, all) {
		out = append(out, sec.json())
	}
	c.reply(http.StatusOK, map[string]any{"total_count": len(all), "secrets": out})
}

func (ss *secretStore) sorted() []*secret {
	all := make([]*secret, 0, len(ss.Secrets))
	for _, sec := range ss.Secrets {
		all = append(all, sec)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })

	return all
}

func (sec *secret) json() secretJSON {
	return secretJSON{Name: sec.Name, CreatedAt: sec.Created, UpdatedAt: sec.Updated}
}

func (s *Server) getSecret(c *call) {
	sec := c.store().Secrets[strings.ToUpper(c.r.PathValue("name"))]
	if sec == nil {
		c.notFound()

		return
	}
	c.reply(http.StatusOK, sec.json())
}

func (s *Server) deleteSecret(c *call) {
	ss := c.store()
	name := strings.ToUpper(c.r.PathValue("name"))
	if ss.Secrets[name] == nil {
		c.notFound()

		return
	}
	delete(ss.Secrets, name)
	c.reply(http.StatusNoContent, nil)
}

// putSecret stores a sealed value once it has checked that the store's key opens it. GitHub
// keeps secret names in upper case; the answer is 201 for a new secret, 204 for an update.
func (s *Server) putSecret(c *call) {
	name := c.r.PathValue("name")
	if msg := secretNameProblem(name); msg != "" {
		c.fail(http.StatusUnprocessableEntity, msg)

		return
	}
	sealed, ok := c.readSealed()
	if !ok {
		return
	}
	ss := c.store()
	if _, opened := ss.Key.open(sealed); !opened {
		c.fail(http.StatusUnprocessableEntity, msgBadlySealed)

		return
	}
	c.reply(ss.upsert(strings.ToUpper(name), sealed, s.now()), nil)
}

// readSealed decodes the request body into the sealed box, answering the error when it cannot.
func (c *call) readSealed() ([]byte, bool) {
	var body putSecretBody
	if err := json.NewDecoder(http.MaxBytesReader(c.w, c.r.Body, 1<<20)).Decode(&body); err != nil {
		c.fail(http.StatusBadRequest, "Problems parsing JSON")

		return nil, false
	}
	switch {
	case body.KeyID == nil:
		c.missing("key_id")

		return nil, false
	case body.EncryptedValue == nil:
		c.missing("encrypted_value")

		return nil, false
	}
	sealed, err := base64.StdEncoding.DecodeString(*body.EncryptedValue)
	if err != nil || *body.KeyID != c.store().Key.ID {
		c.fail(http.StatusUnprocessableEntity, msgBadlySealed)

		return nil, false
	}

	return sealed, true
}

func (ss *secretStore) upsert(name string, sealed []byte, now time.Time) int {
	if sec := ss.Secrets[name]; sec != nil {
		sec.Sealed, sec.KeyID, sec.Updated = sealed, ss.Key.ID, now

		return http.StatusNoContent
	}
	ss.Secrets[name] = &secret{Name: name, KeyID: ss.Key.ID, Sealed: sealed, Created: now,
		Updated: now}

	return http.StatusCreated
}

// SecretValue decrypts a stored repository secret (env == "") or environment secret, so tests
// can check the exact value that arrived. ok is false when it does not exist.
func (s *Server) SecretValue(owner, repo, env, name string) (value string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()

	rp := s.st.repoByName(owner, repo)
	if rp == nil {
		return "", false
	}
	ss := &rp.Secrets
	if env != "" {
		e := rp.environment(env)
		if e == nil {
			return "", false
		}
		ss = &e.Secrets
	}
	sec := ss.Secrets[strings.ToUpper(name)]
	if sec == nil {
		return "", false
	}
	plain, ok := ss.Key.open(sec.Sealed)

	return string(plain), ok
}

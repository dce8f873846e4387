package realkube

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/csv"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeServiceAccountKeys writes a new RSA key pair for signing service account tokens and
// returns the paths of the public and the private key.
func writeServiceAccountKeys(t testing.TB, dir string) (string, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("generating the service account key: %v", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatalf("encoding the service account public key: %v", err)
	}
	pubPath := filepath.Join(dir, "sa.pub")
	keyPath := filepath.Join(dir, "sa.key")
	writePEM(t, pubPath, "PUBLIC KEY", pub)
	writePEM(t, keyPath, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))

	return pubPath, keyPath
}

func writePEM(t testing.TB, path, kind string, der []byte) {
	t.Helper()
	data := pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatalf("writing %s: %v", path, err)
	}
}

// writeTokens writes the static token file: token, user, uid and the groups in one quoted
// field.
func writeTokens(t testing.TB, dir string, tokens []Token) string {
	t.Helper()
	path := filepath.Join(dir, "tokens.csv")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatalf("creating %s: %v", path, err)
	}
	defer f.Close()

	w := csv.NewWriter(f)
	for _, tok := range tokens {
		row := []string{tok.Token, tok.User, tok.UID}
		if len(tok.Groups) > 0 {
			row = append(row, strings.Join(tok.Groups, ","))
		}
		_ = w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatalf("writing %s: %v", path, err)
	}

	return path
}

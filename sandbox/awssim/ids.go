package awssim

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// idAlphabet is the alphabet of IAM's unique IDs and access key IDs.
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// newID returns prefix followed by n random characters of IAM's ID alphabet, such as an
// AKIA… access key ID or an AIDA… user ID.
func newID(prefix string, n int) string {
	b := make([]byte, n)
	rand.Read(b)

	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}

	return prefix + string(b)
}

// newSecret returns n random bytes as standard base64 without padding, the shape of secret
// access keys (n=30 gives 40 characters) and session tokens.
func newSecret(n int) string {
	b := make([]byte, n)
	rand.Read(b)

	return base64.RawStdEncoding.EncodeToString(b)
}

// newRequestID returns a random UUID, the form of AWS request IDs.
func newRequestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80

	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

//go:build !linux

package realkube

import "syscall"

// dieWithParent returns nil: outside Linux a child outlives a crashed test binary.
func dieWithParent() *syscall.SysProcAttr {
	return nil
}

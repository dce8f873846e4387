package realkube

import "syscall"

// dieWithParent makes a child process get killed when the test binary dies, so that a crashed
// test leaves no server behind.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

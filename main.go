// Command onramp connects a GitHub repository's Actions workflows to AWS: IAM, ECR, EKS access
// and GitHub secrets, in a guided terminal program or as plain commands for scripts.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		if !errors.Is(err, errSilent) {
			fmt.Fprintln(os.Stderr, "onramp:", err)
		}
		os.Exit(1)
	}
}

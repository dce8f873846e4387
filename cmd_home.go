package main

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/spf13/cobra"

	"github.com/onramp-dev/onramp/actions"
	"github.com/onramp-dev/onramp/tui"
)

// runHome opens the home screen, or without a terminal prints what it would show.
func runHome(cmd *cobra.Command, g *globals) error {
	return runScreen(cmd, g, "home", printHome)
}

// runScreen opens a screen on the terminal; without one it runs plain instead, so that onramp
// never waits for a key that cannot come.
func runScreen(cmd *cobra.Command, g *globals, screen string,
	plain func(context.Context, *cobra.Command, *globals, *clients) error) error {
	ctx := cmd.Context()
	if isTerminal() {
		logFile, err := setupDebugLog()
		if err != nil {
			return err
		}
		defer logFile.Close()
	}

	c, err := newClients(ctx, g)
	if err != nil {
		return err
	}
	defer c.close()

	if !isTerminal() {
		return plain(g.plainContext(ctx, cmd), cmd, g, c)
	}

	return tui.Run(ctx, c.deps(), tui.Options{
		Cluster: g.cluster, Start: screen, NoColor: os.Getenv("NO_COLOR") != "",
	})
}

// home is what the home screen shows, for the plain output.
type home struct {
	Identity *actions.Identity `json:"identity,omitempty"`
	Clusters []actions.Cluster `json:"clusters,omitempty"`
	Repo     *actions.Repo     `json:"repository,omitempty"`
	Errors   map[string]string `json:"errors,omitempty"`
}

func printHome(ctx context.Context, cmd *cobra.Command, g *globals, c *clients) error {
	h := lookupHome(ctx, c.deps())
	table := func() string { return homeTable(h) }
	if err := printOutput(cmd.OutOrStdout(), g.output, h, table); err != nil {
		return err
	}
	if len(h.Errors) > 0 {
		return errSilent
	}

	return nil
}

// lookupHome runs the three lookups of the home screen concurrently.
func lookupHome(ctx context.Context, d tui.Deps) home {
	h := home{Errors: map[string]string{}}
	var mu sync.Mutex
	fail := func(what string, err error) {
		mu.Lock()
		defer mu.Unlock()
		h.Errors[what] = err.Error()
	}

	var wg sync.WaitGroup
	wg.Go(func() {
		id, err := d.Identity(ctx)
		if err != nil {
			fail("identity", err)
			return
		}
		h.Identity = &id
	})
	wg.Go(func() {
		cl, err := d.Clusters(ctx)
		if err != nil {
			fail("clusters", err)
			return
		}
		h.Clusters = cl
	})
	wg.Go(func() {
		r, err := d.Repo(ctx)
		if err != nil {
			fail("repository", err)
			return
		}
		h.Repo = &r
	})
	wg.Wait()

	return h
}

func homeTable(h home) string {
	var out string
	if h.Identity != nil {
		out += fmt.Sprintf("account\t%s\ncaller\t%s\nregion\t%s\n", h.Identity.Account,
			h.Identity.ARN, h.Identity.Region)
	}
	for _, cl := range h.Clusters {
		out += fmt.Sprintf("cluster\t%s (Kubernetes %s, %s, %s)\n", cl.Name, cl.Version,
			cl.AuthMode, cl.Endpoint)
	}
	if h.Repo != nil {
		out += fmt.Sprintf("repository\t%s (%s, default branch %s)\n", h.Repo.FullName(),
			h.Repo.Permission, h.Repo.DefaultBranch)
	}
	for _, what := range []string{"identity", "clusters", "repository"} {
		if e, ok := h.Errors[what]; ok {
			out += fmt.Sprintf("%s\terror: %s\n", what, e)
		}
	}

	return out
}

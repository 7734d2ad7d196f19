package bench

import (
	"context"
	"errors"
	"io"
)

// RunOptions configure Run.
type RunOptions struct {
	Binary      string // the parley binary, to start servers
	Dir         string
	URL         string
	DatabaseURL string
	Dataset     *Dataset
	Workloads   []string
	Requests    int
	Out, Log    io.Writer
}

// Run is written next.
func Run(ctx context.Context, o RunOptions) error { return errors.New("bench: not yet") }

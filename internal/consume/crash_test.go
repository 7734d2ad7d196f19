package consume_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// childEnv names the database a child process runs the test consumer on.
const childEnv = "PARLEY_TEST_CONSUMER_URL"

// TestMain lets the test binary serve as a node running the test consumer
// for the crash tests: with PARLEY_TEST_CONSUMER_URL set it runs it until
// killed, printing "holding" when it takes the consumer, "handled N" for
// each event it handles (before its transaction commits) and "moved N"
// after each commit.
func TestMain(m *testing.M) {
	if url := os.Getenv(childEnv); url != "" {
		if err := runChild(url); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runChild(url string) error {
	s, err := store.Open(context.Background(), store.Options{URL: url})
	if err != nil {
		return err
	}
	defer s.Close()
	r := consume.NewRunner(s, quiet(), consume.Consumer{Name: "effects", FromStart: true,
		Handle: func(ctx context.Context, tx *store.Tx, e parley.Event) error {
			fmt.Printf("handled %d\n", e.Seq)
			return enqueueEffect(ctx, tx, e)
		}}, nil)
	r.Batch, r.Retry = 7, 20*time.Millisecond
	r.OnMove = func(seq int64) { fmt.Printf("moved %d\n", seq) }
	r.OnHold = func(held bool) {
		if held {
			fmt.Println("holding")
		}
	}
	r.Run(context.Background())
	return nil
}

// child is a node running the test consumer.
type child struct {
	cmd   *exec.Cmd
	lines *bufio.Scanner
	out   bytes.Buffer // stderr
}

func startChild(t *testing.T, url string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], "-test.run=^$")}
	c.cmd.Env = append(os.Environ(), childEnv+"="+url)
	c.cmd.Stderr = &c.out
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			c.kill(t)
		}
	})
	c.lines = bufio.NewScanner(stdout)
	return c
}

// next returns the child's next line; the test fails if the child ends.
func (c *child) next(t *testing.T) string {
	t.Helper()
	if !c.lines.Scan() {
		c.kill(t)
		t.Fatalf("the child ended: %v\n%s", c.lines.Err(), c.out.String())
	}
	return c.lines.Text()
}

// kill ends the child at once, as a crash or kill -9 would.
func (c *child) kill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	c.cmd.Wait()
}

// TestConsumerCrash kills a node running a consumer at random points, in
// and between its transactions, and starts another each time: at the end
// the consumer's effects are each event exactly once. On PostgreSQL every
// new node must also take over the lock the killed one held.
func TestConsumerCrash(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			url := storetest.URL(t, engine)
			s := open(t, url)
			appendEvents(t, s, 1000)
			last, err := s.LastSeq(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			// A child that stops making progress is killed, which fails
			// the test instead of hanging it.
			var current atomic.Pointer[child]
			deadline := time.AfterFunc(25*time.Second, func() {
				t.Error("the crash test took over 25 s")
				current.Load().cmd.Process.Kill()
			})
			defer deadline.Stop()
			for range 5 {
				c := startChild(t, url)
				current.Store(c)
				for n := 1 + rand.IntN(150); n > 0; {
					if strings.HasPrefix(c.next(t), "handled ") {
						n--
					}
				}
				c.kill(t)
			}
			c := startChild(t, url)
			current.Store(c)
			for {
				line := c.next(t)
				if seq, ok := strings.CutPrefix(line, "moved "); ok && seq == strconv.FormatInt(last, 10) {
					break
				}
			}
			c.kill(t)
			checkEffects(t, s, url)
		})
	}
}

// TestSurvivorTakesOver runs the consumer on two live nodes of one
// PostgreSQL database and kills the one holding it outright, at a random
// point: until then the other handled nothing; then it takes over within
// seconds and finishes, and every effect is there exactly once.
func TestSurvivorTakesOver(t *testing.T) {
	url := storetest.URL(t, "postgres")
	s := open(t, url)
	appendEvents(t, s, 1000)
	last, err := s.LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	a := startChild(t, url)
	if line := a.next(t); line != "holding" {
		t.Fatalf("the first node said %q, want holding", line)
	}
	b := startChild(t, url)
	survivor := make(chan string, 4096)
	go func() {
		for b.lines.Scan() {
			survivor <- b.lines.Text()
		}
		close(survivor)
	}()
	for n := 1 + rand.IntN(400); n > 0; {
		if strings.HasPrefix(a.next(t), "handled ") {
			n--
		}
	}
	a.kill(t)
	select {
	case line := <-survivor:
		if line != "holding" {
			t.Fatalf("while the first node held the consumer, the second said %q", line)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the second node did not take over within 15 s\n%s", b.out.String())
	}
	deadline := time.After(20 * time.Second)
	for done := false; !done; {
		select {
		case line, ok := <-survivor:
			if !ok {
				t.Fatalf("the second node ended\n%s", b.out.String())
			}
			done = line == "moved "+strconv.FormatInt(last, 10)
		case <-deadline:
			t.Fatal("the second node did not finish within 20 s")
		}
	}
	b.kill(t)
	checkEffects(t, s, url)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestMain lets the test binary serve as a parley process for the
// multi-node test: with PARLEY_TEST_SERVE=1 it runs "parley serve".
func TestMain(m *testing.M) {
	if os.Getenv("PARLEY_TEST_SERVE") == "1" {
		if err := run(context.Background(), []string{"serve"}, os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// node is a separate parley serve process.
type node struct {
	addr string // HTTP
	cmd  *exec.Cmd
}

// startNode starts a parley serve process with env (KEY=value) on free
// ports and returns once it answers /readyz. It is stopped at the end of
// the test, if it is still running.
func startNode(t *testing.T, env ...string) *node {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "PARLEY_TEST_SERVE=1", "PARLEY_LISTEN="+addr, "PARLEY_DATA_DIR="+t.TempDir(),
		"PARLEY_SMTP_ADDR="+freeAddr(t), "PARLEY_LOG_LEVEL=warn"), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState != nil {
			return // killed by the test
		}
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Errorf("node %s did not stop; output:\n%s", addr, out.String())
		}
	})
	for deadline := time.Now().Add(15 * time.Second); ; {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return &node{addr: addr, cmd: cmd}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("node %s not ready; output:\n%s", addr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill ends the process at once, as a crash or kill -9 would.
func (n *node) kill(t *testing.T) {
	t.Helper()
	if err := n.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	n.cmd.Wait()
}

// TestTwoNodes runs two parley serve processes on one PostgreSQL database:
// an event committed through one node reaches a client of the other, and so
// does a typing signal.
func TestTwoNodes(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.PostgresEnv + " is not set: the multi-node test needs PostgreSQL")
	}
	url := storetest.URL(t, "postgres")
	// Only LISTEN/NOTIFY can carry events between the nodes.
	a := startNode(t, "PARLEY_DATABASE_URL="+url, "PARLEY_STREAM_POLL=1h").addr
	b := startNode(t, "PARLEY_DATABASE_URL="+url, "PARLEY_STREAM_POLL=1h").addr

	getenv := func(k string) string {
		return map[string]string{"PARLEY_DATABASE_URL": url, "PARLEY_DATA_DIR": t.TempDir()}[k]
	}
	cli := func(args ...string) string {
		var out bytes.Buffer
		if err := run(context.Background(), args, getenv, strings.NewReader(""), &out, &out); err != nil {
			t.Fatalf("%v: %v %s", args, err, out.String())
		}
		return strings.TrimSpace(out.String())
	}
	cli("user", "create", "--email", "ana@example.com", "--name", "Ana", "--role", "agent")
	cli("user", "create", "--email", "bob@example.com", "--name", "Bob", "--role", "agent")
	ana, bob := cli("token", "create", "--email", "ana@example.com"), cli("token", "create", "--email", "bob@example.com")

	call := func(addr, token, method, path, body string) map[string]any {
		req, _ := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		if res.StatusCode >= 300 {
			t.Fatalf("%s %s on %s: %d %v", method, path, addr, res.StatusCode, m)
		}
		return m
	}
	dial := func(addr, token string) *websocket.Conn {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn, _, err := websocket.Dial(ctx, "ws://"+addr+"/api/v1/stream",
			&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
		if err != nil {
			t.Fatal(err)
		}
		conn.Write(ctx, websocket.MessageText, []byte(`{"resume_after": 0}`))
		return conn
	}
	// await reads until a message of a type arrives; fails after 5 s.
	await := func(conn *websocket.Conn, typ string) map[string]any {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for {
			_, raw, err := conn.Read(ctx)
			if err != nil {
				t.Fatalf("waiting for %s: %v", typ, err)
			}
			var m map[string]any
			json.Unmarshal(raw, &m)
			if m["type"] == typ {
				return m
			}
		}
	}
	bobOnB := dial(b, bob)
	defer bobOnB.CloseNow()
	anaOnA := dial(a, ana)
	defer anaOnA.CloseNow()
	channel := call(a, ana, "GET", "/api/v1/inboxes/1/channels", "")["items"].([]any)[0].(map[string]any)["id"]

	// An event committed through node A reaches a client of node B.
	began := time.Now()
	res := call(a, ana, "POST", fmt.Sprintf("/api/v1/channels/%v/messages", channel),
		`{"client_id":"x1","contact":{"email":"jo@example.org"},"text":"through node A"}`)
	got := await(bobOnB, "message.received")
	if got["conversation_id"] != res["conversation_id"] {
		t.Errorf("node B's client got %v, want conversation %v", got, res["conversation_id"])
	}
	t.Logf("from the commit on A to the client on B: %v", time.Since(began))

	// A typing signal sent through node A reaches a client of node B.
	await(anaOnA, "message.received") // ana's stream is live
	anaOnA.Write(context.Background(), websocket.MessageText, fmt.Appendf(nil, `{"type":"typing","conversation_id":%v}`, res["conversation_id"]))
	sig := await(bobOnB, "typing")
	if actor, _ := sig["actor"].(map[string]any); actor["name"] != "Ana" || sig["conversation_id"] != res["conversation_id"] {
		t.Errorf("bob on B heard %v, want Ana typing in %v", sig, res["conversation_id"])
	}
}

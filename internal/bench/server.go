package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// server is a parley serve process the bench started.
type server struct {
	cmd   *exec.Cmd
	url   string
	smtp  string        // the SMTP listener's address
	ready time.Duration // from exec to /readyz answering 200
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer runs binary serve with env on a free loopback port.
func startServer(ctx context.Context, o RunOptions, env []string, log io.Writer) (*server, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	smtpAddr, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, o.Binary, "serve")
	if o.ServerCPUs != "" {
		// Pinned apart from the load generator (which the caller pins to
		// the other cores with taskset), as a comparison with a peer is.
		cmd = exec.CommandContext(ctx, "taskset", "-c", o.ServerCPUs, o.Binary, "serve")
	}
	cmd.Env = append(append(os.Environ(), env...), "PARLEY_LISTEN="+addr, "PARLEY_SMTP_ADDR="+smtpAddr, "PARLEY_LOG_LEVEL=warn")
	cmd.Stdout, cmd.Stderr = io.Discard, log
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, url: "http://" + addr, smtp: smtpAddr}
	client := &http.Client{Timeout: time.Second}
	for deadline := began.Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		res, err := client.Get(s.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				s.ready = time.Since(began)
				return s, nil
			}
		}
	}
	s.stop()
	return nil, fmt.Errorf("bench: server on %s not ready after 60 s", addr)
}

// rss returns the process's resident memory in bytes.
func (s *server) rss() (int64, error) {
	return rssOf(s.cmd.Process.Pid)
}

func rssOf(pid int) (int64, error) { return statusOf(pid, "VmRSS") }

// privateOf is a process's anonymous resident memory: its own heap, stacks
// and runtime, without the binary's code and data paged in from its file
// (clean pages the kernel shares and can drop).
func privateOf(pid int) (int64, error) { return statusOf(pid, "RssAnon") }

// statusOf reads a size in kB from /proc/<pid>/status.
func statusOf(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("bench: no %s for %d", field, pid)
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	gosmtp "github.com/emersion/go-smtp"
)

// Target of W1's latency (BENCHMARKS.md); its rate is targetW1Share of
// the machine's calibrated parse + index rate.
const targetW1 = 250 * time.Millisecond

// w1Ingest sends mail through the SMTP listener of a server held to one
// core (GOMAXPROCS=1) at a fixed rate, with a stream client connected, and
// measures from the moment a message is handed to SMTP to the moment its
// event reaches the client: parse, thread, store, index and fan-out. Each
// message comes from its own sender, whose name identifies it on the
// stream.
func w1Ingest(ctx context.Context, o RunOptions, env []string, t *table, m machine) error {
	srv, err := startServer(ctx, o, append(env, "GOMAXPROCS=1", "PARLEY_MAIL_DOMAIN=bench.test",
		"PARLEY_API_RATE=1000000", "PARLEY_API_BURST=1000000"), o.Log)
	if err != nil {
		return err
	}
	defer srv.stop()
	// At the target rate, latency is what counts; at twice it, how much
	// gets through (the headroom).
	rate := int(targetW1Share*m.ingest() + 0.5)
	// (Missed at the target rate, the run has measured the capacity
	// already: twice the rate would only queue longer.)
	if met, err := w1Run(ctx, o, srv, rate, t, m, true); err != nil || !met {
		return err
	}
	_, err = w1Run(ctx, o, srv, 2*rate, t, m, false)
	return err
}

// w1Run sends rate messages a second for a while and reports whether all
// got through at that rate.
func w1Run(ctx context.Context, o RunOptions, srv *server, rate int, t *table, m machine, latency bool) (bool, error) {
	const (
		duration = 10 * time.Second
		senders  = 32 // SMTP connections: a sender waits for its 250
	)
	token := o.Dataset.Tokens[0] // an admin's: sees every inbox
	c := newClient(srv.url)
	_, inboxes, _, err := c.do(ctx, token, "GET", "/api/v1/inboxes", nil)
	if err != nil {
		return false, err
	}
	items, _ := inboxes["items"].([]any)
	if len(items) == 0 {
		return false, fmt.Errorf("bench: W1: no inbox")
	}
	address, _ := items[0].(map[string]any)["address"].(string)

	run := make([]byte, 4)
	_, _ = rand.Read(run)
	prefix := "w1-" + hex.EncodeToString(run) + "-"
	total := int(float64(rate) * duration.Seconds())
	sent := make([]time.Time, total)
	arrived := make([]time.Time, total)
	var mu sync.Mutex

	sctx, cancel := context.WithTimeout(ctx, duration+30*time.Second)
	defer cancel()
	// The stream client resumes after a close, as the web app does: a
	// replay of earlier runs' events can outrun its buffer.
	dial := func(after int64) (*websocket.Conn, error) {
		ws, _, err := websocket.Dial(sctx, strings.Replace(srv.url, "http", "ws", 1)+"/api/v1/stream",
			&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
		if err != nil {
			return nil, fmt.Errorf("bench: W1 stream: %w", err)
		}
		ws.SetReadLimit(1 << 20)
		return ws, ws.Write(sctx, websocket.MessageText, fmt.Appendf(nil, `{"resume_after": %d}`, after))
	}
	ws, err := dial(-1) // from now: the client has the inbox already
	if err != nil {
		return false, err
	}
	got := make(chan struct{}, total)
	go func() {
		defer func() { // the reader owns the connection
			if ws != nil {
				ws.CloseNow()
			}
		}()
		var seq int64
		for {
			_, data, err := ws.Read(sctx)
			if err != nil {
				ws.CloseNow()
				if sctx.Err() != nil {
					return
				}
				from := seq
				if from == 0 {
					from = -1
				}
				if ws, err = dial(from); err != nil { // err is this goroutine's (from ws.Read)
					return
				}
				continue
			}
			now := time.Now()
			var ev struct {
				Seq   int64  `json:"seq"`
				Type  string `json:"type"`
				Actor struct {
					Name string `json:"name"`
				} `json:"actor"`
			}
			if json.Unmarshal(data, &ev) != nil {
				continue
			}
			seq = max(seq, ev.Seq)
			if ev.Type != "message.received" || !strings.HasPrefix(ev.Actor.Name, prefix) {
				continue
			}
			var i int
			if _, err := fmt.Sscanf(strings.TrimPrefix(ev.Actor.Name, prefix), "%d", &i); err != nil || i < 0 || i >= total {
				continue
			}
			mu.Lock()
			if arrived[i].IsZero() {
				arrived[i] = now
				got <- struct{}{}
			}
			mu.Unlock()
		}
	}()

	// Open loop: message i is due at start + i/rate whatever the server
	// does; a sender that falls behind sends late, and the lateness counts.
	jobs := make(chan int, total)
	var refused sync.Map
	var wg sync.WaitGroup
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var cl *gosmtp.Client
			defer func() {
				if cl != nil {
					cl.Close()
				}
			}()
			for i := range jobs {
				if cl == nil {
					var err error
					if cl, err = gosmtp.Dial(srv.smtp); err != nil {
						refused.Store(i, err)
						cl = nil
						continue
					}
				}
				from, msg := w1Message(prefix, i, address, time.Now())
				if err := cl.SendMail(from, []string{address}, strings.NewReader(msg)); err != nil {
					refused.Store(i, err)
					cl.Close()
					cl = nil
				}
			}
		}()
	}
	start := time.Now()
	for i := range total {
		due := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
		time.Sleep(time.Until(due))
		sent[i] = due
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	acked := time.Since(start)
	received := 0
	for received < total {
		select {
		case <-got:
			received++
			continue
		case <-time.After(10 * time.Second):
		}
		break
	}
	nRefused := 0
	refused.Range(func(_, v any) bool {
		if nRefused == 0 {
			fmt.Fprintf(o.Log, "bench: W1: a message was refused: %v\n", v)
		}
		nRefused++
		return true
	})
	var s sample
	mu.Lock()
	var last time.Time
	for i := range total {
		if !arrived[i].IsZero() {
			s = append(s, arrived[i].Sub(sent[i]))
			if arrived[i].After(last) {
				last = arrived[i]
			}
		}
	}
	mu.Unlock()
	throughput := float64(len(s)) / last.Sub(start).Seconds()
	offered := fmt.Sprintf("%d msg/s offered", rate)
	if latency {
		t.latency("W1", "SMTP → stream, "+offered+", 1 core", s, targetW1)
		t.figure("W1", "throughput at "+offered, perSecond(throughput, "msg/s")+share(throughput, m.ingest()),
			fmt.Sprintf("≥ %d msg/s (%.0f%% of the probe)", rate, 100*targetW1Share), boolp(throughput >= float64(rate)*0.98 && len(s) == total))
	} else {
		t.latency("W1", "SMTP → stream, "+offered+" (capacity)", s, 0)
		t.figure("W1", "throughput at "+offered, perSecond(throughput, "msg/s")+share(throughput, m.ingest()), "", nil)
	}
	t.figure("W1", "refused or lost at "+offered, fmt.Sprintf("%d refused, %d not streamed of %d", nRefused, total-len(s), total), "0", boolp(nRefused == 0 && len(s) == total))
	fmt.Fprintf(o.Log, "bench: W1: %d sent in %s, %d streamed\n", total, acked.Round(time.Millisecond), len(s))
	return throughput >= float64(rate)*0.98 && len(s) == total, nil
}

// w1Message is W1's mail number i, from its own sender, and who sent it.
func w1Message(prefix string, i int, address string, at time.Time) (from, msg string) {
	from = fmt.Sprintf("%s%d@senders.example", prefix, i)
	return from, fmt.Sprintf("From: \"%s%d\" <%s>\r\nTo: %s\r\nSubject: Order %d has not arrived\r\n"+
		"Message-ID: <%s%d@senders.example>\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Hello, my order %d has not arrived yet. Could you check where it is?\r\n\r\nThanks\r\n",
		prefix, i, from, address, i, prefix, i, at.Format(time.RFC1123Z), i)
}

package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/coder/websocket"
)

// W2 and W5 (issue 14): live chat. W2 is the round trip of a visitor's
// message to the agents' stream — sent on the widget's stream, received as
// message.received by an agent's — with 1,000 and 10,000 chats open at once;
// W5 is what an idle widget connection costs the server: its RSS and the
// kernel's socket memory, per connection.

const (
	w2Sites     = 50   // chat channels: a site's own rate is 50 messages a second
	w2Samples   = 2000 // round trips measured per size
	w2Rate      = 200  // measured messages a second, across visitors
	w2Sources   = 60   // loopback source addresses (127.0.0.2…): the per-address limit on new connections
	targetChat  = 20 * time.Millisecond
	targetP50   = 2 * time.Millisecond
	targetIdleB = 10 << 10 // bytes per idle widget connection
)

// raiseFiles lifts this process's open-file limit to its hard limit; the
// server it starts inherits it.
func raiseFiles() uint64 {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
	return l.Cur
}

// sockMem is the kernel's TCP socket memory, in bytes (/proc/net/sockstat).
func sockMem() int64 {
	b, err := os.ReadFile("/proc/net/sockstat")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "TCP:"); ok {
			f := strings.Fields(rest)
			for i := 0; i+1 < len(f); i++ {
				if f[i] == "mem" {
					pages, _ := strconv.ParseInt(f[i+1], 10, 64)
					return pages * int64(os.Getpagesize())
				}
			}
		}
	}
	return 0
}

// widgetConn is one visitor's stream in the bench. A reader goroutine
// reads it all the time, as a browser does — which also answers the
// server's pings — and hands the frames over.
type widgetConn struct {
	ws     *websocket.Conn
	frames chan []byte
	conv   int64
	mu     sync.Mutex
}

// next returns the stream's next frame.
func (w *widgetConn) next(ctx context.Context) ([]byte, error) {
	select {
	case f, ok := <-w.frames:
		if !ok {
			return nil, fmt.Errorf("the stream closed")
		}
		return f, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func w2Chat(ctx context.Context, o RunOptions, env []string, t *table) error {
	files := raiseFiles()
	sizes := []int{1000, 10000}
	if files < 10000+1000 {
		fmt.Fprintf(o.Log, "bench: W2: open-file limit %d: 10,000 chats need about 11,000 in this process and the server's; measuring 1,000 only\n", files)
		sizes = sizes[:1]
	}
	srv, err := startServer(ctx, o, append(env, "PARLEY_API_RATE=1000000", "PARLEY_API_BURST=1000000"), o.Log)
	if err != nil {
		return err
	}
	defer srv.stop()
	token := o.Dataset.Tokens[0]
	c := newClient(srv.url)
	_, inboxes, _, err := c.do(ctx, token, "GET", "/api/v1/inboxes", nil)
	if err != nil {
		return err
	}
	items, _ := inboxes["items"].([]any)
	if len(items) == 0 {
		return fmt.Errorf("bench: W2: no inbox")
	}
	inbox := int64(items[0].(map[string]any)["id"].(float64))
	var keys []string
	for i := range w2Sites {
		_, ch, _, err := c.do(ctx, token, "POST", fmt.Sprintf("/api/v1/inboxes/%d/channels", inbox),
			map[string]any{"kind": "chat", "name": fmt.Sprintf("W2 site %d", i)})
		if err != nil {
			return err
		}
		keys = append(keys, ch["public_key"].(string))
	}

	// The agents' stream: every message.received, by conversation.
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// It resumes after a close, as the app does: ten thousand visitors
	// writing their first message at once outrun a stream's buffer.
	dial := func(after int64) (*websocket.Conn, error) {
		ws, _, err := websocket.Dial(sctx, strings.Replace(srv.url, "http", "ws", 1)+"/api/v1/stream",
			&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
		if err != nil {
			return nil, err
		}
		ws.SetReadLimit(1 << 20)
		return ws, ws.Write(sctx, websocket.MessageText, fmt.Appendf(nil, `{"resume_after": %d}`, after))
	}
	agent, err := dial(-1)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	waiting := map[int64]chan time.Time{}
	go func() {
		var seq int64 = -1
		for {
			_, data, err := agent.Read(sctx)
			if err != nil {
				agent.CloseNow()
				if sctx.Err() != nil {
					return
				}
				if agent, err = dial(seq); err != nil {
					return
				}
				continue
			}
			now := time.Now()
			var ev struct {
				Seq  int64  `json:"seq"`
				Type string `json:"type"`
				Conv int64  `json:"conversation_id"`
			}
			if json.Unmarshal(data, &ev) != nil {
				continue
			}
			seq = max(seq, ev.Seq)
			if ev.Type != "message.received" {
				continue
			}
			mu.Lock()
			if ch, ok := waiting[ev.Conv]; ok {
				delete(waiting, ev.Conv)
				ch <- now
			}
			mu.Unlock()
		}
	}()

	var open []*widgetConn
	defer func() {
		for _, w := range open {
			w.ws.CloseNow()
		}
	}()
	base := strings.Replace(srv.url, "http", "ws", 1)
	for _, n := range sizes {
		rssBefore, _ := srv.rss()
		memBefore := sockMem()
		for len(open) < n {
			w, err := openVisitor(sctx, base, keys[len(open)%len(keys)], len(open))
			if err != nil {
				return fmt.Errorf("bench: W2: visitor %d: %w", len(open), err)
			}
			open = append(open, w)
		}
		// Idle: what the connections cost the server (W5). The kernel's
		// socket memory counts both ends, ours and the server's: half is
		// the server's.
		time.Sleep(2 * time.Second)
		rssAfter, _ := srv.rss()
		per := (rssAfter - rssBefore + (sockMem()-memBefore)/2) / int64(n)
		ok := per <= targetIdleB
		t.figure("W5", fmt.Sprintf("memory per idle widget connection (%d open)", n), fmt.Sprintf("%.1f KB", float64(per)/1024),
			fmt.Sprintf("≤ %d KB", targetIdleB>>10), &ok)

		s, err := w2RoundTrips(sctx, o, open, fmt.Sprintf("w2-%d", n), &mu, waiting)
		if err != nil {
			return err
		}
		t.latency("W2", fmt.Sprintf("chat round trip, visitor → agent's stream (%d chats open)", n), s, targetChat)
		p50 := s.pct(50) <= targetP50
		t.figure("W2", fmt.Sprintf("  p50 at %d chats", n), ms(s.pct(50)), "≤ 2 ms", &p50)
	}

	// With a bot (issue 15): the inbox's chats now open with a bot whose
	// step answers every message (a buttons step that asks again), so each
	// round trip also runs a step and writes the bot's answer, in the
	// message's transaction. A thousand new chats.
	for _, w := range open {
		w.ws.CloseNow()
	}
	open = open[:0]
	if _, _, _, err := c.do(ctx, token, "POST", fmt.Sprintf("/api/v1/inboxes/%d/chat-flows", inbox), map[string]any{
		"name": "W2 bot", "enabled": true, "bot": map[string]any{"steps": []map[string]any{
			{"id": "menu", "kind": "buttons", "text": "Pick one", "buttons": []map[string]string{{"label": "Sales", "next": "people"}}},
			{"id": "people", "kind": "handoff"},
		}}}); err != nil {
		return err
	}
	const bots = 1000
	for len(open) < bots {
		w, err := openVisitor(sctx, base, keys[len(open)%len(keys)], len(open))
		if err != nil {
			return fmt.Errorf("bench: W2: bot visitor %d: %w", len(open), err)
		}
		open = append(open, w)
	}
	s, err := w2RoundTrips(sctx, o, open, "w2-bot", &mu, waiting)
	if err != nil {
		return err
	}
	t.latency("W2", fmt.Sprintf("chat round trip with a bot step on each message (%d chats open)", bots), s, targetChat)
	return nil
}

// w2RoundTrips has each visitor of open that has not written yet write
// once, opening its conversation; then it times w2Samples round trips, a
// message to an open conversation until it reaches the agents' stream.
func w2RoundTrips(ctx context.Context, o RunOptions, open []*widgetConn, name string, mu *sync.Mutex, waiting map[int64]chan time.Time) (sample, error) {
	var warm sync.WaitGroup
	gate := make(chan struct{}, 64)
	for _, w := range open {
		if w.conv != 0 {
			continue
		}
		warm.Add(1)
		gate <- struct{}{}
		go func() {
			defer warm.Done()
			defer func() { <-gate }()
			_ = w.first(ctx)
		}()
	}
	warm.Wait()
	var s sample
	failed := map[string]int{}
	tick := time.NewTicker(time.Second / w2Rate)
	var wg sync.WaitGroup
	var smu sync.Mutex
	for i := range w2Samples {
		<-tick.C
		w := open[rand.IntN(len(open))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := w.roundTrip(ctx, fmt.Sprintf("%s-%d", name, i), mu, waiting)
			smu.Lock()
			if err == nil {
				s = append(s, d)
			} else {
				failed[err.Error()]++
			}
			smu.Unlock()
		}()
	}
	tick.Stop()
	wg.Wait()
	for why, count := range failed {
		fmt.Fprintf(o.Log, "bench: W2 %s: %d round trips failed: %s\n", name, count, why)
	}
	if len(s) < w2Samples*9/10 {
		return nil, fmt.Errorf("bench: W2 %s: only %d of %d round trips completed", name, len(s), w2Samples)
	}
	return s, nil
}

// openVisitor opens a widget's stream from one of several loopback source
// addresses (each has its own limit on new connections).
func openVisitor(ctx context.Context, base, key string, i int) (*widgetConn, error) {
	src := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i%w2Sources))}
	tr := &http.Transport{DialContext: (&net.Dialer{LocalAddr: src, Timeout: 10 * time.Second}).DialContext}
	ws, _, err := websocket.Dial(ctx, base+"/widget/v1/stream?inbox="+key, &websocket.DialOptions{HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(1 << 20)
	if err := ws.Write(ctx, websocket.MessageText, []byte(`{"type":"hello"}`)); err != nil {
		return nil, err
	}
	if _, _, err := ws.Read(ctx); err != nil {
		return nil, err
	}
	w := &widgetConn{ws: ws, frames: make(chan []byte, 16)}
	go func() {
		defer close(w.frames)
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				return
			}
			select {
			case w.frames <- data:
			default: // nobody waits for it: a frame of another's round trip
			}
		}
	}()
	return w, nil
}

// roundTrip sends one message and waits for it on the agents' stream.
func (w *widgetConn) roundTrip(ctx context.Context, id string, mu *sync.Mutex, waiting map[int64]chan time.Time) (time.Duration, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conv == 0 {
		return 0, fmt.Errorf("no conversation yet")
	}
	arrived := make(chan time.Time, 1)
	mu.Lock()
	waiting[w.conv] = arrived
	mu.Unlock()
	start := time.Now()
	frame, _ := json.Marshal(map[string]string{"type": "message", "client_id": id, "text": "Hello from the bench"})
	if _, err := w.send(ctx, frame); err != nil {
		return 0, err
	}
	select {
	case at := <-arrived:
		return at.Sub(start), nil
	case <-time.After(10 * time.Second):
		return 0, fmt.Errorf("never reached the agents' stream")
	}
}

// first writes the visitor's first message, which opens its conversation.
func (w *widgetConn) first(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	conv, err := w.send(ctx, []byte(`{"type":"message","client_id":"first","text":"Hello"}`))
	w.conv = conv
	return err
}

// send writes a message frame and waits for its acknowledgement; it
// returns the message's conversation.
func (w *widgetConn) send(ctx context.Context, frame []byte) (int64, error) {
	if err := w.ws.Write(ctx, websocket.MessageText, frame); err != nil {
		return 0, err
	}
	for {
		data, err := w.next(ctx)
		if err != nil {
			return 0, err
		}
		var f struct {
			Type    string `json:"type"`
			Message *struct {
				Conv int64 `json:"conversation_id"`
			} `json:"message"`
		}
		if json.Unmarshal(data, &f) == nil && f.Type == "ack" && f.Message != nil {
			return f.Message.Conv, nil
		}
		if f.Type == "error" {
			return 0, fmt.Errorf("refused: %s", data)
		}
	}
}

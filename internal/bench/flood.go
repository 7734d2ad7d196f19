package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// measureCapacity is the rate of inbound messages the server sustains with
// no limit in the way: eight writers, each with their own token, as fast as
// they can for three seconds.
func measureCapacity(ctx context.Context, c *client, o RunOptions) float64 {
	var done atomic.Int64
	var wg sync.WaitGroup
	end := time.Now().Add(3 * time.Second)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok := o.Dataset.Tokens[2+w%(len(o.Dataset.Tokens)-2)]
			for i := 0; time.Now().Before(end); i++ {
				status, _, _, err := post(ctx, c, tok, o.Dataset.Channels[w%len(o.Dataset.Channels)], fmt.Sprintf("cap-%d-%d-%d", time.Now().UnixNano(), w, i))
				if err == nil && status == 201 {
					done.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return float64(done.Load()) / 3
}

type ack struct {
	clientID               string
	channel                int64
	conversation, messages float64
}

// w8Flood floods the API from one token at three times the capacity while
// four other users list conversations at a steady pace, and checks: the
// flood gets explicit 429s, the others' p99 stays within twice their
// baseline, and every acknowledged write is stored.
func w8Flood(ctx context.Context, o RunOptions, env []string, capacity float64, t *table) error {
	srv, err := startServer(ctx, o, env, o.Log) // default limits
	if err != nil {
		return err
	}
	defer srv.stop()
	c := newClient(srv.url)
	others := o.Dataset.Tokens[10:14]
	steady := func(d time.Duration) sample {
		var mu sync.Mutex
		var s sample
		var wg sync.WaitGroup
		for _, tok := range others {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tick := time.NewTicker(100 * time.Millisecond) // 10 requests a second each
				defer tick.Stop()
				for end := time.Now().Add(d); time.Now().Before(end); <-tick.C {
					status, _, took, err := c.do(ctx, tok, "GET", "/api/v1/conversations?view=open&limit=25", nil)
					if err == nil && status == 200 {
						mu.Lock()
						s = append(s, took)
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		return s
	}
	baseline := steady(5 * time.Second)

	rate := 3 * capacity
	flooder := o.Dataset.Tokens[19%len(o.Dataset.Tokens)]
	var (
		mu                     sync.Mutex
		acks                   []ack
		created, limited, rest atomic.Int64
	)
	floodCtx, stop := context.WithCancel(ctx)
	var fwg sync.WaitGroup
	const workers = 64
	interval := time.Duration(float64(time.Second) * workers / rate)
	for w := range workers {
		fwg.Add(1)
		go func() {
			defer fwg.Done()
			tick := time.NewTicker(interval)
			defer tick.Stop()
			for i := 0; ; i++ {
				select {
				case <-floodCtx.Done():
					return
				case <-tick.C:
				}
				id := fmt.Sprintf("flood-%d-%d-%d", time.Now().UnixNano(), w, i)
				ch := o.Dataset.Channels[w%len(o.Dataset.Channels)]
				status, body, _, err := post(floodCtx, c, flooder, ch, id)
				switch {
				case err != nil:
				case status == 201:
					created.Add(1)
					mu.Lock()
					acks = append(acks, ack{clientID: id, channel: ch, conversation: num(body, "conversation_id"), messages: num(body, "message_id")})
					mu.Unlock()
				case status == 429:
					limited.Add(1)
				default:
					rest.Add(1)
				}
			}
		}()
	}
	began := time.Now()
	underFlood := steady(5 * time.Second)
	stop()
	fwg.Wait()
	took := time.Since(began)
	offered := float64(created.Load()+limited.Load()+rest.Load()) / took.Seconds()

	// Every acknowledged write must be stored: sent again with its
	// client_id, it must come back as the same message.
	lost := 0
	verifiers := o.Dataset.Tokens[14:19]
	for i, a := range acks {
		tok := verifiers[i%len(verifiers)]
		for attempt := 0; ; attempt++ {
			status, body, _, err := post(ctx, c, tok, a.channel, a.clientID)
			if err == nil && status == 429 && attempt < 50 {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			if err != nil || status != 200 || body["duplicate"] != true || num(body, "message_id") != a.messages || num(body, "conversation_id") != a.conversation {
				lost++
			}
			break
		}
	}
	t.latency("W8", "others' list, baseline", baseline, 0)
	t.latency("W8", "others' list, under the flood", underFlood, 0)
	ratio := float64(underFlood.pct(99)) / float64(max(baseline.pct(99), time.Microsecond))
	t.figure("W8", "others' p99 under flood / baseline", fmt.Sprintf("%.2f×", ratio), "≤ 2×", boolp(ratio <= 2))
	t.figure("W8", "capacity (inbound messages, no limit)", fmt.Sprintf("%.0f/s", capacity), "", nil)
	t.figure("W8", "flood offered from one token", fmt.Sprintf("%.0f/s (%.1f× capacity)", offered, offered/max(capacity, 1)), "3× capacity", nil)
	t.figure("W8", "flood answered 201 / 429 / other", fmt.Sprintf("%d / %d / %d", created.Load(), limited.Load(), rest.Load()), "explicit 429s", boolp(limited.Load() > 0 && rest.Load() == 0))
	t.figure("W8", "acknowledged writes lost", fmt.Sprintf("%d of %d", lost, len(acks)), "0", boolp(lost == 0 && len(acks) > 0))
	return nil
}

func num(m map[string]any, k string) float64 {
	v, _ := m[k].(float64)
	return v
}

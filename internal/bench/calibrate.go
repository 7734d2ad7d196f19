package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/parleyhq/parley/internal/mail"
)

// machine is what this machine can do, measured by small probes at the
// start of a run on the bench's own data, so that a figure from any
// machine can be judged: a throughput is also stated as a fraction of the
// probe that bounds it (BENCHMARKS.md, "Calibration").
type machine struct {
	parse float64       // W1's messages parsed per second, one core
	index float64       // their text inserted into FTS5 per second, 64 per transaction, one core
	fsync time.Duration // median write of 4 KiB and fsync, in the dataset's directory
	rtt   time.Duration // median empty HTTP round trip over loopback
}

// ingest is the rate one core could take W1's mail in at if it did nothing
// but parse each message and index its text.
func (m machine) ingest() float64 { return 1 / (1/m.parse + 1/m.index) }

// Fractions of the calibrated rate a workload must reach (BENCHMARKS.md).
const targetW1Share = 0.60

const probeTime = 400 * time.Millisecond

// calibrate runs the probes, each on one core (GOMAXPROCS=1 while it runs),
// in dir.
func calibrate(ctx context.Context, dir string) (machine, error) {
	var m machine
	runtime.GOMAXPROCS(1)
	defer runtime.SetDefaultGOMAXPROCS() // as it was: the runtime's own, following the machine
	texts, err := probeParse(&m)
	if err != nil {
		return m, err
	}
	tmp, err := os.MkdirTemp(dir, "calibrate-")
	if err != nil {
		return m, err
	}
	defer os.RemoveAll(tmp)
	if m.index, err = probeIndex(ctx, tmp, texts); err != nil {
		return m, err
	}
	if m.fsync, err = probeFsync(tmp); err != nil {
		return m, err
	}
	m.rtt, err = probeHTTP(ctx)
	return m, err
}

// probeParse parses W1's messages for probeTime and returns their texts.
func probeParse(m *machine) ([]string, error) {
	var texts []string
	began := time.Now()
	for i := 0; time.Since(began) < probeTime; i++ {
		_, raw := w1Message("probe-", i, "support@bench.test", began)
		msg, err := mail.Parse([]byte(raw))
		if err != nil {
			return nil, fmt.Errorf("bench: calibrate: %w", err)
		}
		texts = append(texts, msg.Text)
	}
	m.parse = float64(len(texts)) / time.Since(began).Seconds()
	return texts, nil
}

// probeIndex inserts texts into an FTS5 table made as messages_fts is, in
// a WAL database with the server's settings, 64 rows per transaction (the
// group commit's size), for probeTime at most.
func probeIndex(ctx context.Context, dir string, texts []string) (float64, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "fts.db")+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE VIRTUAL TABLE t USING fts5(text, tokenize='unicode61 remove_diacritics 2')`); err != nil {
		return 0, fmt.Errorf("bench: calibrate: %w", err)
	}
	n := 0
	began := time.Now()
	for n < len(texts) && time.Since(began) < probeTime {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		for end := min(n+64, len(texts)); n < end; n++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO t (rowid, text) VALUES (?, ?)`, n+1, texts[n]); err != nil {
				tx.Rollback()
				return 0, err
			}
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(began).Seconds(), nil
}

// probeFsync writes 4 KiB and syncs it, 50 times.
func probeFsync(dir string) (time.Duration, error) {
	f, err := os.Create(filepath.Join(dir, "fsync"))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	page := make([]byte, 4096)
	var s sample
	for i := range 50 {
		began := time.Now()
		if _, err := f.WriteAt(page, int64(i)*4096); err != nil {
			return 0, err
		}
		if err := f.Sync(); err != nil {
			return 0, err
		}
		s = append(s, time.Since(began))
	}
	return s.pct(50), nil
}

// probeHTTP times 500 requests to a handler that answers nothing, over one
// kept-alive loopback connection.
func probeHTTP(ctx context.Context) (time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })}
	go srv.Serve(ln)
	defer srv.Close()
	c := newClient("http://" + ln.Addr().String())
	var s sample
	for range 500 {
		status, _, took, err := c.do(ctx, "", "GET", "/", nil)
		if err != nil {
			return 0, err
		}
		if status != http.StatusNoContent {
			return 0, fmt.Errorf("bench: calibrate: HTTP probe answered %d", status)
		}
		s = append(s, took)
	}
	return s.pct(50), nil
}

// record puts the probes at the top of the table.
func (m machine) record(t *table) {
	t.figure("probe", "MIME parse (W1's mail), 1 core", perSecond(m.parse, "msg/s"), "", nil)
	t.figure("probe", "FTS5 insert of its text, 64 per tx, 1 core", perSecond(m.index, "rows/s"), "", nil)
	t.figure("probe", "parse + index, 1 core", perSecond(m.ingest(), "msg/s"), "", nil)
	t.figure("probe", "write 4 KiB + fsync (p50)", ms(m.fsync), "", nil)
	t.figure("probe", "empty HTTP round trip, loopback (p50)", ms(m.rtt), "", nil)
}

func perSecond(r float64, unit string) string { return fmt.Sprintf("%.0f %s", r, unit) }

// share states a rate as a fraction of the calibrated one it is judged by.
func share(r, of float64) string {
	if of <= 0 {
		return ""
	}
	return fmt.Sprintf(" (%.0f%% of the probe)", 100*r/of)
}

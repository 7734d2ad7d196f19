#!/usr/bin/env python3
"""W6: time from exec to a ready /readyz, and idle RSS, of `parley serve` on an
empty SQLite database. Usage: make build && scripts/measure_start.py [runs]"""
import http.client, os, shutil, statistics, subprocess, sys, tempfile, time

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
port = 18790
ready, rss = [], []
for i in range(runs):
    data = tempfile.mkdtemp(prefix="parley-w6-")
    env = dict(os.environ, PARLEY_DATA_DIR=data, PARLEY_LISTEN=f"127.0.0.1:{port}")
    t0 = time.perf_counter()
    p = subprocess.Popen(["./bin/parley", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                break
        except OSError:
            pass
        if time.perf_counter() - t0 > 10:
            sys.exit("not ready after 10 s")
        time.sleep(0.001)
    ready.append((time.perf_counter() - t0) * 1000)
    time.sleep(3)  # idle
    with open(f"/proc/{p.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss.append(int(line.split()[1]) / 1024)
    p.terminate()
    p.wait()
    shutil.rmtree(data)

print(f"runs {runs}: ready p50 {statistics.median(ready):.0f} ms, max {max(ready):.0f} ms; "
      f"idle RSS p50 {statistics.median(rss):.1f} MB, max {max(rss):.1f} MB")

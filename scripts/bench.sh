#!/usr/bin/env bash
# make bench: the workloads of BENCHMARKS.md on SQLite, then on PostgreSQL.
# Datasets are made once and kept in data-bench/ (SQLite 100k: ~2 min, 1M
# with 10M messages: ~20 min; PostgreSQL 100k: ~1 min, 1M: ~11 min), the
# PostgreSQL ones in a cluster of their own (data-bench/postgres), started
# for the run and stopped after it. PARLEY_BENCH_ENGINES=sqlite (or
# postgres) runs one engine only; PARLEY_BENCH_PG_SIZES lists the
# PostgreSQL datasets' sizes (default "100000 1000000") and
# PARLEY_BENCH_PG_WORKLOADS the workloads of all but the 1M one.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./bin/parley
engines=${PARLEY_BENCH_ENGINES:-sqlite,postgres}
case ,$engines, in
*,sqlite,* | *,postgres,*) ;;
*) echo "PARLEY_BENCH_ENGINES=$engines: want sqlite, postgres or both"; exit 2 ;;
esac

if [[ ,$engines, == *,sqlite,* ]]; then
	[ -f data-bench/100000/bench.json ] || $BIN bench seed --conversations 100000
	$BIN bench --dir data-bench/100000
	[ -f data-bench/1000000/bench.json ] ||
		$BIN bench seed --conversations 1000000 --contacts 1000000 --companies 50000 --tickets 100000
	$BIN bench --dir data-bench/1000000 --workloads W3,W4
	node web/bench/first-paint.mjs --dir data-bench/1000000
fi

if [[ ,$engines, == *,postgres,* ]]; then
	. scripts/pg.sh
	need_postgres
	pg=$PWD/data-bench/postgres
	port=5498
	trap 'pg_stop "$pg"' EXIT
	echo "== PostgreSQL for the bench on 127.0.0.1:$port ($pg)"
	pg_start "$pg" "$port"
	for n in ${PARLEY_BENCH_PG_SIZES:-100000 1000000}; do
		url="postgres://postgres@127.0.0.1:$port/parley_$n?sslmode=disable"
		have=$(run_pg "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -Atc \
			"SELECT 1 FROM pg_database WHERE datname = 'parley_$n'" postgres)
		if [ ! -f "data-bench/pg-$n/bench.json" ] || [ "$have" != 1 ]; then
			rm -rf "data-bench/pg-$n"
			run_pg "$PGBIN/dropdb" -h 127.0.0.1 -p "$port" -U postgres --if-exists "parley_$n"
			run_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "parley_$n"
			PARLEY_DATABASE_URL=$url $BIN bench seed --conversations "$n" --dir "data-bench/pg-$n"
		fi
		# What differs by engine: views, search, ingest through the API and
		# the group commit, the flood, webhooks (W2, W5 to W7 and W9 are the
		# same code on either). W1's email is offered at 60% of one core's
		# parse + index rate, some 5,000 a second, which PostgreSQL's ~200 a
		# second of ingest would queue for many minutes: W11 measures that.
		workloads=${PARLEY_BENCH_PG_WORKLOADS:-W3,W4,W8,W10,W11}
		[ "$n" = 1000000 ] && workloads=W3,W4
		PARLEY_DATABASE_URL=$url $BIN bench --dir "data-bench/pg-$n" --workloads "$workloads"
	done
fi

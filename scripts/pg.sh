# Sourced by test.sh and bench.sh: install what is missing and run a
# PostgreSQL cluster of our own, on loopback.

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=
apt_install() {
	if [ -z "$apt_updated" ]; then
		as_root apt-get update -qq
		apt_updated=1
	fi
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@"
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

need_postgres() {
	if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
		echo "== installing PostgreSQL"
		apt_install postgresql
	fi
	PGBIN=$(pg_bin)
}

# PostgreSQL refuses to run as root: run it as the postgres system user then.
run_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start DIR PORT starts the cluster in DIR/data (made first if missing),
# its socket and log in DIR, fsync off: test and bench data are throwaway.
pg_start() {
	local dir=$1 port=$2
	mkdir -p "$dir"
	chmod 755 "$dir"
	[ "$(id -u)" = 0 ] && chown postgres "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		run_pg "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-instructions >/dev/null
	fi
	# Left running by a run that was killed: start afresh.
	if run_pg "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		pg_stop "$dir"
	fi
	run_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
}

# pg_stop DIR stops the cluster in DIR/data, if it runs.
pg_stop() {
	run_pg "$PGBIN/pg_ctl" -D "$1/data" -m fast stop >/dev/null 2>&1 || true
}

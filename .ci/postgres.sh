# Sourced by .ci/run: a throwaway PostgreSQL cluster for the registry tests
# (tests/registry.rs), from Debian's packages, installed when absent. The
# cluster lives in a temporary directory, listens on a free port of
# 127.0.0.1 only, trusts local connections, and is stopped and removed when
# the run ends. Exports ZHICE_TEST_POSTGRES (the server's URL) and
# ZHICE_REQUIRE_POSTGRES (the tests then fail rather than skip without it).

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pg_bin)" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get install -y -qq postgresql >/dev/null 2>&1 || echo "could not install PostgreSQL from Debian's packages"
fi
if [ -n "$(pg_bin)" ]; then
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/zhice-pg.XXXXXX")
  pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # initdb refuses to run as root: the cluster then belongs to the `postgres` user
  as_pg() { if [ "$(id -u)" = 0 ]; then chown -R postgres "$pg_dir" && runuser -u postgres -- "$@"; else "$@"; fi; }
  as_pg "$(pg_bin)/initdb" -D "$pg_dir/data" -U zhice --auth=trust --encoding=UTF8 --no-locale >/dev/null
  as_pg "$(pg_bin)/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  trap 'as_pg "$(pg_bin)/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$pg_dir"' EXIT
  export ZHICE_TEST_POSTGRES="postgres://zhice@127.0.0.1:$pg_port/postgres"
  export ZHICE_REQUIRE_POSTGRES=1
else
  echo "PostgreSQL is not installed: the registry tests on PostgreSQL say they are skipped"
fi

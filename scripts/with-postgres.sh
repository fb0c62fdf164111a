#!/bin/bash
# Run a command against a throwaway PostgreSQL cluster started from the machine's binaries in a
# temporary directory; the cluster is stopped and removed afterwards, whatever the outcome.
# DANGVU_PG_OPTIONS adds server settings ("-c shared_buffers=4GB …"), as bench/scale.py wants.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
    exit 1
fi
dir=$(mktemp -d /tmp/dangvu-pg.XXXXXX)
as=()
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    as=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT
"${as[@]}" "$bin/initdb" -D "$dir/data" -U dangvu --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${DANGVU_PG_OPTIONS:-}" >/dev/null
"$bin/createdb" -h 127.0.0.1 -p "$port" -U dangvu dangvu
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
DANGVU_DATABASE_URL="postgres://dangvu@127.0.0.1:$port/dangvu" "$@"

#!/bin/bash
# Run a command against a throwaway PostgreSQL cluster started from the machine's binaries in a
# temporary directory; the cluster is stopped and removed afterwards, whatever the outcome.
# DANGVU_PG_OPTIONS adds server settings ("-c shared_buffers=4GB …"), as bench/scale.py wants.
# DANGVU_PG_REPLICA=1 starts beside it a streaming replica (a second cluster on loopback, from
# pg_basebackup -R), and gives the command DANGVU_TEST_REPLICA_URL and DANGVU_TEST_REPLICA_CTL (a
# script taking "stop" or "start") — the replica tests (tests/core/test_replica.py) use them.
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
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
stop() {
    "${as[@]}" "$bin/pg_ctl" -D "$dir/replica" -m immediate -w stop >/dev/null 2>&1 || true
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT
port=$(free_port)
"${as[@]}" "$bin/initdb" -D "$dir/data" -U dangvu --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${DANGVU_PG_OPTIONS:-}" >/dev/null
"$bin/createdb" -h 127.0.0.1 -p "$port" -U dangvu dangvu
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
if [ "${DANGVU_PG_REPLICA:-0}" = "1" ]; then
    rport=$(free_port)
    # The base backup of the primary, with the settings to follow it (-R: standby.signal and
    # primary_conninfo); the WAL it needs streamed alongside (-X stream).
    "${as[@]}" "$bin/pg_basebackup" -h 127.0.0.1 -p "$port" -U dangvu -D "$dir/replica" -R -X stream --checkpoint=fast
    # A script to stop and start it (the replica tests stop it), its settings quoted once here.
    {
        echo '#!/bin/bash'
        echo "# stop | start the streaming replica on 127.0.0.1:$rport"
        echo 'set -euo pipefail'
        printf 'as=(%s)\n' "${as[*]:-}"
        printf 'ctl=%q; data=%q; log=%q\n' "$bin/pg_ctl" "$dir/replica" "$dir/replica.log"
        printf 'options=%q\n' "-p $rport -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c hot_standby=on ${DANGVU_PG_OPTIONS:-}"
        cat <<'CTL'
case "${1:-}" in
    stop) "${as[@]}" "$ctl" -D "$data" -m fast -w stop >/dev/null ;;
    start) "${as[@]}" "$ctl" -D "$data" status >/dev/null ||
        "${as[@]}" "$ctl" -D "$data" -l "$log" -w start -o "$options" >/dev/null ;;
    *) echo "usage: $0 stop|start" >&2; exit 2 ;;
esac
CTL
    } >"$dir/replica-ctl"
    chmod 755 "$dir/replica-ctl"
    "$dir/replica-ctl" start
    echo "streaming replica on 127.0.0.1:$rport" >&2
    export DANGVU_TEST_REPLICA_URL="postgres://dangvu@127.0.0.1:$rport/dangvu"
    export DANGVU_TEST_REPLICA_CTL="$dir/replica-ctl"
fi
DANGVU_DATABASE_URL="postgres://dangvu@127.0.0.1:$port/dangvu" "$@"

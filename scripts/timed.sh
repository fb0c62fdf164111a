#!/bin/bash
# Run a command and say how long it took: `make test` prints the time of each of its phases.
# Usage: scripts/timed.sh NAME COMMAND [ARG …]
name=$1
shift
start=$EPOCHREALTIME
"$@"
rc=$?
awk -v s="$start" -v e="$EPOCHREALTIME" -v n="$name" -v rc="$rc" \
    'BEGIN { printf "── %s: %.0f s%s\n", n, e - s, (rc ? " (failed, exit " rc ")" : "") }' >&2
exit $rc

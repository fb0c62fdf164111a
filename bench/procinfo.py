"""Memory and CPU time of processes from /proc (Linux), for the benchmarks.

Peak resident memory is VmHWM: `ru_maxrss` would carry over the peak of the process that started
this one across exec (bench/scale.py starts the import and round benchmarks).
"""

from __future__ import annotations

import os
import resource
from pathlib import Path


def status_mb(pid: int | str = "self") -> dict[str, float]:
    """The process's memory fields in MB (VmRSS, VmHWM, …)."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _sep, value = line.partition(":")
        if name.startswith("Vm") and value.strip().endswith("kB"):
            found[name] = int(value.split()[0]) / 1024
    return found


def peak_mb() -> float:
    """This process's peak resident memory (MB)."""
    try:
        return status_mb()["VmHWM"]
    except (OSError, KeyError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds(pids: list[int | str]) -> dict[str, float]:
    """User and system CPU time (s) each process has used so far; a process gone is left out."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime (proc(5): fields 14 and 15)
        found[str(pid)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def cpu_used(before: dict[str, float], after: dict[str, float]) -> float:
    """CPU time (s) used between two readings of `cpu_seconds`, by the processes alive at the
    second: one that ended between them (a closed connection's backend) would count as negative."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def children(pid: int | str) -> list[str]:
    return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()


def machine_busy_seconds() -> float:
    """CPU time (s) all the machine's cores have been busy since boot (/proc/stat: user, nice,
    system, irq, softirq, steal): what a process that ended meanwhile used is counted too."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")

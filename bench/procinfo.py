"""Memory of a process from /proc (Linux), for the benchmarks.

Peak resident memory is VmHWM: `ru_maxrss` would carry over the peak of the process that started
this one across exec (bench/scale.py starts the import and round benchmarks).
"""

from __future__ import annotations

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

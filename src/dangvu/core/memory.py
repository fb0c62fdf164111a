"""Work that builds hundreds of thousands of long-lived objects (an import of a province).

Python's cyclic garbage collector runs after every 700 new container objects and, from time to
time, walks every object still alive: on a 150,000-row import it re-scans the rows it holds again
and again (a third of the import's time, measured by bench/import_members.py). Inside
`fewer_collections` the youngest generation is collected after every 100,000 and the older ones
seldom; reference counting still frees whatever is not in a cycle at once, so the code run inside
must not build reference cycles per row (tests/core/test_bulk.py checks the import builds none).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] = gc.get_threshold()

THRESHOLD = 100_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(THRESHOLD, 100, 100)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)

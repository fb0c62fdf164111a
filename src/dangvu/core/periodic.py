"""Work the task worker does every few seconds beside its queue, registered at start-up by the area that owns it
(as `accounts` does for the access records spooled while the database was locked): `core` knows no area."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    name: str
    run: Callable[[], object]
    every: float  # seconds


PERIODIC: list[Periodic] = []


def register_periodic(name: str, run: Callable[[], object], *, every: float) -> None:
    if all(p.name != name for p in PERIODIC):
        PERIODIC.append(Periodic(name, run, every))

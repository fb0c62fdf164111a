"""Shared database states: each built once per run (per database, per worker), every test rolled
back to it (issue 18).

A *layer* is a named state of the test database built by the project's own services inside an
open transaction: the named world, the year of comings and goings on top of it, the demo province
at three dates (31/12/2023; 30/6/2025, the day before the reform; 31/12/2025). A test asks for a
state through its fixtures (`world`, `history`, `demo_2023`, `demo`); the stack of layers it needs
is opened once and kept while the tests that share it run, each in a savepoint of its own
(pytest-django's `TestCase` atomic nested inside), so everything a test writes is undone and the
next test finds the state as built. This is Django's `setUpTestData`, across modules. A test that
compares the records with what they were at an earlier layer reads it with `recorded` (see
`record_on`) instead of building the demo again.

Tests are ordered so that tests of the same stack run one after another (tests/conftest.py); the
demo's tests run on one worker (`xdist_group`), so the demo is built once per database per run. A
test that a rollback cannot undo — it commits for real, like the live server's and the browser's —
asks for `transactional_db` or is marked `django_db(transaction=True)`: every layer is closed
first, it gets an empty database and it is flushed after, as before. Python objects handed to a
test are deep copies of the ones the layer built (the demo's builder copied when the test first
reads it, `LazyCopy`): a test may change them freely.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction

# name -> (the layer it stands on, or None; what builds it from the value of that layer)
LAYERS: dict[str, tuple[str | None, Callable[[Any], Any]]] = {}
# name -> readings taken as soon as the layer is built (`record_on`)
READINGS: dict[str, list[Callable[[], Any]]] = {}


def layer(name: str, on: str | None = None) -> Callable[[Callable[[Any], Any]], Callable[..., Any]]:
    """Declare a layer built by `build(value of the layer below)`."""

    def register(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
        LAYERS[name] = (on, build)
        return build

    return register


def record_on(name: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Declare a reading of the records taken as soon as the layer `name` is built, before the
    layers above it add their later records. A test standing on a higher layer compares the
    records as they are then with the reading, `recorded(reading)` (the fixture): "the figures of
    31/12/2023 before the events of 2024 and 2025 were recorded" without building the demo again.
    Readings are module-level functions of a test module, taken whichever tests are selected."""

    def register(reading: Callable[[], Any]) -> Callable[[], Any]:
        READINGS.setdefault(name, []).append(reading)
        return reading

    return register


def stack_of(name: str) -> tuple[str, ...]:
    below, _build = LAYERS[name]
    return (*stack_of(below), name) if below else (name,)


class Layers:
    """The layers open on this worker's connection, bottom first."""

    def __init__(self) -> None:
        self.open: list[tuple[str, Any, Any]] = []  # (name, its atomic block, what it built)
        self.readings: dict[Callable[[], Any], Any] = {}  # of the open layers

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _atomic, _value in self.open)

    def ensure(self, wanted: tuple[str, ...]) -> None:
        common = 0
        for have, want in zip(self.names, wanted, strict=False):
            if have != want:
                break
            common += 1
        while len(self.open) > common:
            self.close_top()
        for name in wanted[common:]:
            self.push(name)

    def push(self, name: str) -> None:
        _below, build = LAYERS[name]
        if len(transaction.get_connection().atomic_blocks) != len(self.open):
            # The test's own atomic block is already open: a layer built inside it would be
            # rolled back with the test (pytest-django's `_django_db_helper` no longer ordered).
            raise RuntimeError(f"the layer {name} must be opened before the test's transaction")
        below = copy.deepcopy(self.open[-1][2]) if self.open else None
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            value = build(below)
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
        # The deferred constraints of what the layer wrote, checked once here: PostgreSQL would
        # otherwise check them again at the end of every test that stands on it.
        transaction.get_connection().check_constraints()
        self.open.append((name, atomic, value))
        for reading in READINGS.get(name, []):
            self.readings[reading] = reading()

    def close_top(self) -> None:
        name, atomic, _value = self.open.pop()
        for reading in READINGS.get(name, []):
            self.readings.pop(reading, None)
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)

    def recorded(self, reading: Callable[[], Any]) -> Any:
        """What `reading` read when its layer was built (`record_on`)."""
        if reading not in self.readings:
            raise LookupError(
                f"{reading.__qualname__} is read on a layer this test does not stand on "
                f"(open: {self.names})"
            )
        return copy.deepcopy(self.readings[reading])

    def close_all(self) -> None:
        while self.open:
            self.close_top()

    def value(self, name: str) -> Any:
        for have, _atomic, value in self.open:
            if have == name:
                # The demo's builder holds the whole province: a deep copy of it cost 1.2–1.6 s a
                # test, and most of its tests read only the database. It is copied when a test
                # first reads it.
                return LazyCopy(value) if name.startswith("demo") else copy.deepcopy(value)
        raise LookupError(f"the layer {name} is not open (open: {self.names})")


class LazyCopy:
    """A layer's value, deep-copied the first time a test reads or sets one of its attributes:
    the test may still change it freely, and a test that never reads it pays nothing."""

    def __init__(self, source: Any) -> None:
        object.__setattr__(self, "_source", source)
        object.__setattr__(self, "_copied", None)

    def _target(self) -> Any:
        copied = object.__getattribute__(self, "_copied")
        if copied is None:
            copied = copy.deepcopy(object.__getattribute__(self, "_source"))
            object.__setattr__(self, "_copied", copied)
        return copied

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._target(), name, value)


# --- the layers ---------------------------------------------------------------------------------


@layer("world")
def _world(_below: None) -> Any:
    from tests.conftest import build_world

    return build_world()


@layer("history", on="world")
def _history(world: Any) -> Any:
    from tests.reports.conftest import build_history

    return build_history(world)


# The demo province shared by the tests that read it: seed 7 at 5 % of the members (about 4,900
# in 2019), the whole tree (the reform's figures count its communes), with ratings.
DEMO_SEED = 7
DEMO_SCALE = 0.05


@layer("demo_2023")
def _demo_2023(_below: None) -> Any:
    from dangvu.demo.province import DemoBuilder

    builder = DemoBuilder(seed=DEMO_SEED, scale=DEMO_SCALE)
    # Cell meetings from 04/2025 only (the full demo's start from 01/2024): the quarter before the
    # reform shows the merged province answering through its predecessors, at a third of the cost.
    builder.activities_from = dt.date(2025, 4, 1)
    builder.build(history_until=dt.date(2023, 12, 31))
    return builder


@layer("demo_before_reform", on="demo_2023")
def _demo_before_reform(builder: Any) -> Any:
    builder.advance(dt.date(2025, 6, 30))
    return builder


@layer("demo", on="demo_before_reform")
def _demo(builder: Any) -> Any:
    builder.advance(dt.date(2025, 12, 31))  # the reform of 1/7/2025 included
    return builder


def wanted_layers(fixturenames: list[str]) -> tuple[str, ...]:
    """The stack of layers a test needs, from the fixtures it asks for."""
    wanted: tuple[str, ...] = ()
    for name in LAYERS:
        if name not in fixturenames:
            continue
        stack = stack_of(name)
        if stack[: len(wanted)] == wanted:
            wanted = stack
        elif wanted[: len(stack)] != stack:
            raise ValueError(f"a test cannot stand on both {wanted[-1]} and {name}")
    return wanted


def commits(fixturenames: list[str], marker: Any) -> bool:
    """Whether a test commits for real (pytest-django's TransactionTestCase): it runs with no
    layer open."""
    marked = marker is not None and (
        marker.kwargs.get("transaction")
        or marker.kwargs.get("reset_sequences")
        or (marker.args and marker.args[0])
    )
    return bool(marked) or "transactional_db" in fixturenames or "live_server" in fixturenames

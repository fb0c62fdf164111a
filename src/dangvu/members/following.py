"""What may come next for a member, as the engine judges it (issue 22, point 3): each kind a person
records (members.kinds.offered) tried after the member's facts with the details the engine asks of
any such event, kept when the engine accepts it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from dangvu.core.dates import add_months
from dangvu.members.lifecycle import (
    Fact,
    LifecycleError,
    Replayed,
    State,
    derive,
    official_date_for,
)
from dangvu.rules.charter import REMOVAL_GROUNDS

_ANY_CELL = -1  # a party cell other than the member's own, for a trial


def _trial(kind: str, s: State, on: dt.date) -> Fact:
    """The event of `kind` as a person would write it on `on`, with the details the engine asks of
    any such event (a cell, an end date, a ground): what is left to judge is the member's state."""
    org: int | None = None
    details: dict[str, Any] = {}
    if kind == "recognition" and s.ceremony_date is not None:
        on = official_date_for(s.ceremony_date)
    elif kind == "transfer_in":
        org = s.transit["to"] if s.transit is not None else _ANY_CELL
    elif kind == "temp_transfer_in":
        org = (s.temp_transit or {}).get("to") or _ANY_CELL
    elif kind in ("restoration", "readmission"):
        org = _ANY_CELL
        details = {"hardship": True}  # the page asks; the rule is judged on what is written
    elif kind == "temp_exemption":
        details = {"until": add_months(on, 1)}
    elif kind == "removal":
        details = {"ground": next(g for g in REMOVAL_GROUNDS if g != "probation_unqualified")}
    return Fact(kind, on, org, details)


def may_follow(facts: Sequence[Fact], on: dt.date, kinds: Sequence[str]) -> list[str]:
    """Those of `kinds` (the ones a person records, members.kinds.offered) that may be recorded
    next on `on`, as the engine judges them: each one tried after the member's facts, kept when the
    engine accepts it. Nothing else decides what may follow (issue 22, point 3).

    A member whose recorded facts the engine refuses (written before the rule, or brought in
    by an old system) takes nothing new until the wrong fact is corrected (`problem` says why)."""
    try:
        replayed = Replayed(facts)
    except LifecycleError:
        return []
    state = replayed.state
    day = max([on, *(f.on for f in facts)])
    allowed = []
    for kind in kinds:
        trial = _trial(kind, state, day)
        if replayed.last is None or trial.on >= replayed.last:
            # It comes last: tried on the facts' state, not after replaying them each time.
            if replayed.accepts(trial):
                allowed.append(kind)
            continue
        try:  # a recognition dated before a later fact: judged in its place among them
            derive([*facts, trial])
        except LifecycleError:
            continue
        allowed.append(kind)
    return allowed


def problem(facts: Sequence[Fact]) -> str | None:
    """Why the engine refuses the member's recorded facts, or None when they hold together."""
    try:
        derive(facts)
    except LifecycleError as error:
        return str(error)
    return None

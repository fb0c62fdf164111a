"""The membership lifecycle engine: from a member's events to the derived state (DOMAIN.md §4).

Pure functions over plain values, so that rules can be tested without a database and so that
rebuilding stored state from the events is exact. This issue's engine knows admission and
recognition; the other event kinds are refused with a reason until their rules are built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from dangvu.core.dates import add_months, format_date

PROBATION_MONTHS = 12  # DOMAIN.md §4.2: probation is 12 months from the admission ceremony.


class LifecycleError(ValueError):
    """An impossible sequence of events; the message says why, in the active language."""


@dataclass(frozen=True)
class Fact:
    kind: str
    on: dt.date
    org_id: int | None = None
    ceremony_date: dt.date | None = None


@dataclass(frozen=True)
class Period:
    org_id: int
    status: str
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass
class State:
    status: str = ""
    status_since: dt.date | None = None
    org_id: int | None = None
    admission_decision_date: dt.date | None = None
    ceremony_date: dt.date | None = None
    official_date: dt.date | None = None
    periods: list[Period] = field(default_factory=list)


def official_date_for(ceremony_date: dt.date) -> dt.date:
    """DOMAIN.md §4.3: the official date is the day the 12 months of probation end."""
    return add_months(ceremony_date, PROBATION_MONTHS)


def derive(facts: Sequence[Fact]) -> State:
    state = State()
    open_from: dt.date | None = None
    for fact in sorted(facts, key=lambda f: (f.on, 0 if f.kind == "admission" else 1)):
        if fact.kind == "admission":
            if state.status:
                raise LifecycleError(_("The member was already admitted."))
            if fact.org_id is None:
                raise LifecycleError(_("An admission needs the party cell that admits the member."))
            if fact.ceremony_date is not None and fact.ceremony_date < fact.on:
                raise LifecycleError(
                    _(
                        "The admission ceremony (%(ceremony)s) cannot precede the admission decision (%(decision)s)."
                    )
                    % {
                        "ceremony": format_date(fact.ceremony_date),
                        "decision": format_date(fact.on),
                    }
                )
            state.status, state.status_since, state.org_id = "probationary", fact.on, fact.org_id
            state.admission_decision_date, state.ceremony_date = fact.on, fact.ceremony_date
            open_from = fact.on
        elif fact.kind == "recognition":
            if state.status != "probationary":
                raise LifecycleError(
                    _("Only a probationary member can be recognised as an official member.")
                )
            if state.ceremony_date is None:
                raise LifecycleError(_("Recognition needs the date of the admission ceremony."))
            expected = official_date_for(state.ceremony_date)
            if fact.on != expected:
                raise LifecycleError(
                    _(
                        "The official date must be %(expected)s, 12 months after the ceremony of %(ceremony)s."
                    )
                    % {
                        "expected": format_date(expected),
                        "ceremony": format_date(state.ceremony_date),
                    }
                )
            assert state.org_id is not None and open_from is not None
            state.periods.append(Period(state.org_id, "probationary", open_from, fact.on))
            state.status, state.status_since, state.official_date = "official", fact.on, fact.on
            open_from = fact.on
        else:
            raise LifecycleError(_("This kind of event cannot be recorded yet."))
    if state.status and open_from is not None and state.org_id is not None:
        state.periods.append(Period(state.org_id, state.status, open_from, None))
    return state

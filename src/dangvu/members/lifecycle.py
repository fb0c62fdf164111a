"""The membership lifecycle engine: from a member's events to the derived state (DOMAIN.md §3.2, §4).

Pure functions over plain values, so that rules are tested without a database and rebuilding the
stored state from the events is exact. `derive` refuses an impossible sequence with a reason in the
active language. Deadlines counted in working days need the calendar and are checked by the
services; this module judges the order and the dates of the facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvu.core.dates import add_months, add_years, format_date, months_between
from dangvu.rules.charter import BADGE_TIERS, REMOVAL_GROUNDS, rules_on

ACTIVE = ("probationary", "official")
EXITS = {
    "removal": "removed",
    "expulsion": "expelled",
    "resignation": "resigned",
    "death": "deceased",
}
FLAG_EVENTS = {  # start kind -> (flag, end kind)
    "exemption": ("exempted", "exemption_end"),
    "temp_exemption": ("temporarily_exempted", "temp_exemption_end"),
    "suspension": ("suspended", "suspension_end"),
}
FLAG_ENDS = {end: flag for flag, end in FLAG_EVENTS.values()}


STATUS_LABELS = {
    "probationary": gettext_lazy("a probationary member"),
    "official": gettext_lazy("an official member"),
    "removed": gettext_lazy("removed from the list"),
    "expelled": gettext_lazy("expelled"),
    "resigned": gettext_lazy("resigned"),
    "deceased": gettext_lazy("deceased"),
    "transferred_out": gettext_lazy("transferred out"),
    "": gettext_lazy("not admitted"),
}
FLAG_LABELS = {
    "exempted": gettext_lazy("exempted from work and party activity"),
    "temporarily_exempted": gettext_lazy("temporarily exempted from activity"),
    "suspended": gettext_lazy("suspended from party activity"),
}


def _kind_label(kind: str) -> str:
    from dangvu.members.models import EventKind

    return str(EventKind(kind).label) if kind in EventKind.values else kind


class LifecycleError(ValueError):
    """An impossible sequence of events; the message says why, in the active language."""


@dataclass(frozen=True)
class Fact:
    kind: str
    on: dt.date
    org_id: int | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Period:
    org_id: int
    status: str
    valid_from: dt.date
    valid_to: dt.date | None
    temporary: bool = False


@dataclass(frozen=True)
class FlagPeriod:
    flag: str
    valid_from: dt.date
    valid_to: dt.date | None
    until: dt.date | None = None


@dataclass
class State:
    status: str = ""
    status_since: dt.date | None = None
    org_id: int | None = None
    temp_org_id: int | None = None
    first_admission_date: dt.date | None = None
    admission_decision_date: dt.date | None = None
    ceremony_date: dt.date | None = None
    official_date: dt.date | None = None
    readmitted: bool = False
    outside: bool = False  # admitted or transferred outside the organisations kept here
    transit: dict[str, Any] | None = None  # an official transfer between cells not yet presented
    temp_transit: dict[str, Any] | None = None
    flags: dict[str, dict[str, Any]] = field(default_factory=dict)
    periods: list[Period] = field(default_factory=list)
    flag_periods: list[FlagPeriod] = field(default_factory=list)
    timeline: list[tuple[dt.date, str]] = field(default_factory=list)  # status from a day
    gaps: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)  # not party activity
    exit_cause: str = ""
    _open: dict[str, Any] = field(
        default_factory=dict
    )  # open home/temp periods: key -> (org, status, from)
    _status_before_exit: str = ""
    _gap_open: dt.date | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def flag_list(self) -> list[str]:
        names = sorted(self.flags)
        if self.temp_org_id is not None or self.temp_transit is not None:
            names.append("on_temporary_transfer")
        if self.transit is not None:
            names.append("in_transit")
        return names


def official_date_for(ceremony_date: dt.date) -> dt.date:
    """DOMAIN.md §4.3: the official date is the day the 12 months of probation end."""
    return add_months(ceremony_date, rules_on(ceremony_date).probation_months)


def _fail(message: str, **params: Any) -> LifecycleError:
    return LifecycleError(
        message % {k: format_date(v) if isinstance(v, dt.date) else v for k, v in params.items()}
    )


class _Engine:
    def __init__(self) -> None:
        self.s = State()

    # --- periods ---------------------------------------------------------------------------
    def open(self, key: str, org_id: int, status: str, on: dt.date) -> None:
        self.close(key, on)
        self.s._open[key] = (org_id, status, on)

    def close(self, key: str, on: dt.date) -> None:
        current = self.s._open.pop(key, None)
        if current is not None and on > current[2]:
            org_id, status, start = current
            self.s.periods.append(Period(org_id, status, start, on, temporary=key == "temp"))

    def set_status(self, status: str, on: dt.date) -> None:
        s = self.s
        s.status, s.status_since = status, on
        s.timeline.append((on, status))
        for key in list(s._open):
            org_id, _old, _start = s._open[key]
            if status in ACTIVE:
                self.open(key, org_id, status, on)
            else:
                self.close(key, on)

    def end_flags(self, on: dt.date) -> None:
        for flag in list(self.s.flags):
            self.flag_off(flag, on)

    def flag_on(self, flag: str, on: dt.date, until: dt.date | None = None) -> None:
        self.s.flags[flag] = {"since": on, "until": until}

    def flag_off(self, flag: str, on: dt.date) -> None:
        info = self.s.flags.pop(flag)
        if on > info["since"]:
            self.s.flag_periods.append(FlagPeriod(flag, info["since"], on, info["until"]))

    def start_gap(self, on: dt.date) -> None:
        self.s._gap_open = on

    def end_gap(self, on: dt.date, deduct: bool = True) -> None:
        start = self.s._gap_open
        self.s._gap_open = None
        if start is not None and deduct and on > start:
            self.s.gaps.append((start, on))

    # --- facts -----------------------------------------------------------------------------
    def apply(self, f: Fact) -> None:
        s = self.s
        if s.status == "deceased":
            raise _fail(
                _("No event can follow the death of the member (%(date)s)."), date=s.status_since
            )
        if s.status == "" and f.kind not in ("admission",):
            raise _fail(
                _("The member must first be admitted; “%(kind)s” cannot come first."),
                kind=_kind_label(f.kind),
            )
        handler = getattr(self, f"on_{f.kind}", None)
        if handler is None:
            raise _fail(_("Unknown kind of event: %(kind)s."), kind=_kind_label(f.kind))
        handler(f)

    def require_active(self, f: Fact) -> None:
        if not self.s.active:
            raise _fail(
                _(
                    "On %(date)s the member is not in the Party (%(status)s): “%(kind)s” is not possible."
                ),
                date=f.on,
                status=STATUS_LABELS.get(self.s.status, self.s.status),
                kind=_kind_label(f.kind),
            )

    def require_inside(self, f: Fact) -> None:
        self.require_active(f)
        if self.s.outside or self.s.transit is not None:
            raise _fail(
                _(
                    "On %(date)s the member is not in a party cell kept here (transferred or in transit)."
                ),
                date=f.on,
            )

    def on_admission(self, f: Fact) -> None:
        s = self.s
        if s.status:
            raise _fail(
                _(
                    "The member was already admitted on %(date)s; a second admission is a re-admission."
                ),
                date=s.first_admission_date,
            )
        s.first_admission_date = s.admission_decision_date = f.on
        external = f.details.get("external_org")
        if f.org_id is None and not external:
            raise _fail(_("An admission needs the party cell that admits the member."))
        s.outside = f.org_id is None
        if f.org_id is not None:
            s.org_id = f.org_id
            s._open["home"] = (f.org_id, "probationary", f.on)
        self.set_status("probationary", f.on)

    def on_ceremony(self, f: Fact) -> None:
        s = self.s
        if s.status != "probationary" or s.ceremony_date is not None:
            raise _fail(_("An admission ceremony follows an admission decision, once."))
        assert s.admission_decision_date is not None
        if f.on < s.admission_decision_date:
            raise _fail(
                _(
                    "The admission ceremony (%(ceremony)s) cannot precede the admission decision (%(decision)s)."
                ),
                ceremony=f.on,
                decision=s.admission_decision_date,
            )
        s.ceremony_date = f.on

    def on_recognition(self, f: Fact) -> None:
        s = self.s
        if s.status != "probationary":
            raise _fail(_("Only a probationary member can be recognised as an official member."))
        if s.ceremony_date is None:
            raise _fail(_("Recognition needs the date of the admission ceremony."))
        expected = official_date_for(s.ceremony_date)
        if f.on != expected:
            raise _fail(
                _(
                    "The official date must be %(expected)s, 12 months after the ceremony of %(ceremony)s."
                ),
                expected=expected,
                ceremony=s.ceremony_date,
            )
        s.official_date = f.on
        self.set_status("official", f.on)

    def on_transfer_out(self, f: Fact) -> None:
        s = self.s
        self.require_inside(f)
        if s.temp_org_id is not None or s.temp_transit is not None:
            raise _fail(_("End the temporary transfer before transferring the member officially."))
        if f.org_id is not None and f.org_id == s.org_id:
            raise _fail(_("The member is already in that party cell."))
        self.close("home", f.on)
        if f.org_id is None:  # out of the organisations kept here
            s.outside = True
            s.transit = None
            self.end_flags(f.on)
            s._status_before_exit = s.status
            s.timeline.append((f.on, "transferred_out"))
            s.status, s.status_since = "transferred_out", f.on
        else:
            s.transit = {"out_on": f.on, "to": f.org_id, "from": s.org_id}
            s.org_id = f.org_id

    def on_transfer_in(self, f: Fact) -> None:
        s = self.s
        if f.org_id is None:
            raise _fail(_("A transfer in needs the receiving party cell."))
        if s.transit is not None:
            if f.org_id != s.transit["to"]:
                raise _fail(_("The introduction letter sends the member to another party cell."))
            if f.on < s.transit["out_on"]:
                raise _fail(
                    _("The letter cannot be presented (%(in)s) before it was issued (%(out)s)."),
                    **{"in": f.on, "out": s.transit["out_on"]},
                )
            if rules_on(f.on).transfer_gap_deducted and f.on > s.transit["out_on"]:
                s.gaps.append((s.transit["out_on"], f.on))
            s.transit = None
        elif s.outside:
            if s.status == "transferred_out":
                s.status = s._status_before_exit
                s.timeline.append((f.on, s.status))
                s.status_since = f.on
            elif not s.active:
                raise _fail(
                    _(
                        "On %(date)s the member is not in the Party (%(status)s): “%(kind)s” is not possible."
                    ),
                    date=f.on,
                    status=STATUS_LABELS.get(s.status, s.status),
                    kind=_kind_label(f.kind),
                )
            s.outside = False
        else:
            raise _fail(
                _("The member is in a party cell here already: record the transfer out first.")
            )
        s.org_id = f.org_id
        s._open["home"] = (f.org_id, s.status, f.on)

    def on_reassignment(self, f: Fact) -> None:
        """The member's cell was merged, split or dissolved by a restructuring decision: the home
        membership continues in the successor cell, with no interruption (DOMAIN.md §10)."""
        s = self.s
        if f.org_id is None:
            raise _fail(_("A reassignment needs the party cell that takes the member over."))
        if s.transit is not None and s.transit["to"] == f.details.get("from"):
            s.transit = {**s.transit, "to": f.org_id}
            s.org_id = f.org_id
            return
        if f.details.get("temporary"):
            if s.temp_transit is None:
                raise _fail(_("The member is not on a temporary transfer."))
            s.temp_transit = {**s.temp_transit, "to": f.org_id}
            if s.temp_org_id is not None:
                s.temp_org_id = f.org_id
                self.open("temp", f.org_id, s.status, f.on)
            return
        if "home" not in s._open:
            raise _fail(
                _(
                    "On %(date)s the member is not in a party cell kept here (transferred or in transit)."
                ),
                date=f.on,
            )
        s.org_id = f.org_id
        self.open("home", f.org_id, s.status, f.on)

    def on_temp_transfer_out(self, f: Fact) -> None:
        s = self.s
        self.require_inside(f)
        if s.temp_org_id is not None or s.temp_transit is not None:
            raise _fail(_("The member is already on a temporary transfer."))
        until = f.details.get("until")
        if until is not None and until <= f.on:
            raise _fail(_("A temporary transfer must end after it begins."))
        s.temp_transit = {"out_on": f.on, "to": f.org_id, "until": until}

    def on_temp_transfer_in(self, f: Fact) -> None:
        s = self.s
        if s.temp_transit is None:
            raise _fail(_("No temporary transfer out was recorded for this member."))
        if s.temp_org_id is not None:
            raise _fail(_("The member's temporary transfer was already received."))
        if s.temp_transit["to"] is not None and f.org_id != s.temp_transit["to"]:
            raise _fail(_("The introduction letter sends the member to another party cell."))
        if f.org_id is None:
            raise _fail(_("A transfer in needs the receiving party cell."))
        s.temp_org_id = f.org_id
        s._open["temp"] = (f.org_id, s.status, f.on)
        s.temp_transit = {**s.temp_transit, "in_on": f.on}

    def on_temp_transfer_end(self, f: Fact) -> None:
        s = self.s
        if s.temp_transit is None:
            raise _fail(_("The member is not on a temporary transfer."))
        self.close("temp", f.on)
        s.temp_org_id, s.temp_transit = None, None

    def _flag_start(self, f: Fact) -> None:
        s = self.s
        self.require_inside(f)
        flag, _end = FLAG_EVENTS[f.kind]
        if flag in s.flags:
            raise _fail(
                _("The member is already %(flag)s since %(date)s."),
                flag=FLAG_LABELS[flag],
                date=s.flags[flag]["since"],
            )
        until = f.details.get("until")
        if f.kind == "temp_exemption":
            limit = add_months(f.on, rules_on(f.on).temporary_exemption_max_months)
            if until is None or until <= f.on or until >= limit:
                raise _fail(
                    _(
                        "A temporary exemption lasts less than 12 months: give an end date before %(limit)s."
                    ),
                    limit=limit,
                )
        self.flag_on(flag, f.on, until)

    on_exemption = on_temp_exemption = on_suspension = _flag_start

    def _flag_end(self, f: Fact) -> None:
        flag = FLAG_ENDS[f.kind]
        if flag not in self.s.flags:
            raise _fail(_("The member is not %(flag)s."), flag=FLAG_LABELS[flag])
        self.flag_off(flag, f.on)

    on_exemption_end = on_temp_exemption_end = on_suspension_end = _flag_end

    def _exit(self, f: Fact) -> None:
        s = self.s
        self.require_active(f)
        if f.kind == "expulsion" and s.status != "official":
            raise _fail(
                _(
                    "Only an official member can be expelled; a probationary member is removed from the list instead."
                )
            )
        if f.kind == "removal":
            ground = f.details.get("ground")
            if ground not in REMOVAL_GROUNDS:
                raise _fail(_("Removal from the list needs one of its grounds."))
            if ground == "probation_unqualified" and s.status != "probationary":
                raise _fail(
                    _(
                        "Only a probationary member can be removed for not qualifying at the end of probation."
                    )
                )
        if s.temp_transit is not None:
            self.close("temp", f.on)
            s.temp_org_id, s.temp_transit = None, None
        s.transit = None
        self.end_flags(f.on)
        s._status_before_exit = s.status
        s.exit_cause = f"{f.kind}:{f.details.get('ground', '')}".rstrip(":")
        self.set_status(EXITS[f.kind], f.on)
        if f.kind != "death":
            self.start_gap(f.on)

    on_removal = on_expulsion = on_resignation = on_death = _exit

    def on_restoration(self, f: Fact) -> None:
        """Wrongful removal or expulsion annulled: membership and party age are continuous (§3.2)."""
        s = self.s
        if s.status not in ("removed", "expelled"):
            raise _fail(_("Only a member removed from the list or expelled can be restored."))
        if f.org_id is None:
            raise _fail(_("A restoration needs the party cell the member returns to."))
        self.end_gap(f.on, deduct=False)
        s.org_id = f.org_id
        s._open["home"] = (f.org_id, s._status_before_exit, f.on)
        self.set_status(s._status_before_exit, f.on)

    def on_readmission(self, f: Fact) -> None:
        """Re-admission: once only, with probation again; party age from the first admission (§4.8)."""
        s = self.s
        if s.status not in ("removed", "resigned", "expelled"):
            raise _fail(_("Only a person who has left the Party can be re-admitted."))
        if s.readmitted:
            raise _fail(_("A person can be re-admitted only once (QĐ 24-QĐ/TW, 3.5.3)."))
        refused = rules_on(f.on).readmission_refused_for
        causes = {s.exit_cause, s.exit_cause.split(":")[0], *f.details.get("circumstances", ())}
        if f.details.get("hardship") and "resignation" in causes:
            causes.discard("resignation")
        blocked = sorted(c for c in causes if c in refused)
        if blocked:
            raise _fail(
                _("Under %(rule)s this person cannot be re-admitted (%(causes)s)."),
                rule=rules_on(f.on).citation,
                causes=", ".join(blocked),
            )
        if f.org_id is None:
            raise _fail(_("An admission needs the party cell that admits the member."))
        self.end_gap(f.on)
        s.readmitted = True
        s.admission_decision_date, s.ceremony_date, s.official_date = f.on, None, None
        s.org_id = f.org_id
        s.outside = False
        s._open["home"] = (f.org_id, "probationary", f.on)
        self.set_status("probationary", f.on)


class Replayed:
    """The engine after a member's facts, before what is still open is closed: to try, one at a
    time, what may follow them (members.following) without replaying them for each try."""

    def __init__(self, facts: Sequence[Fact]) -> None:
        engine = _Engine()
        for fact in sorted(facts, key=lambda f: f.on):
            engine.apply(fact)
        self._engine = engine
        self.last = max((f.on for f in facts), default=None)

    @property
    def state(self) -> State:
        return self._engine.s

    def accepts(self, fact: Fact) -> bool:
        """Whether the engine accepts `fact` after the facts, `fact` on or after the last of
        them (as `derive([*facts, fact])` would judge it: it comes last)."""
        if self.last is not None and fact.on < self.last:
            raise ValueError("a fact before the last one is judged by derive")
        s = self._engine.s
        # Each handler replaces what it changes or adds to these containers, never changes an
        # item in place: copies of the containers leave the facts' state as it was. Copied by
        # hand: `dataclasses.replace` took as long as replaying the facts.
        trial = _Engine.__new__(_Engine)
        copied = trial.s = State.__new__(State)
        copied.__dict__.update(s.__dict__)
        copied.flags = dict(s.flags)
        copied.periods = list(s.periods)
        copied.flag_periods = list(s.flag_periods)
        copied.timeline = list(s.timeline)
        copied.gaps = list(s.gaps)
        copied._open = dict(s._open)
        try:
            trial.apply(fact)
        except LifecycleError:
            return False
        return True


def derive(facts: Sequence[Fact]) -> State:
    """The state after the facts, in the order given (by date, then as recorded)."""
    engine = _Engine()
    for fact in sorted(facts, key=lambda f: f.on):
        engine.apply(fact)
    s = engine.s
    for key, (org_id, status, start) in list(s._open.items()):
        s.periods.append(Period(org_id, status, start, None, temporary=key == "temp"))
    for flag, info in s.flags.items():
        s.flag_periods.append(FlagPeriod(flag, info["since"], None, info["until"]))
    if s._gap_open is not None:
        s.gaps.append((s._gap_open, None))
    s.periods.sort(key=lambda p: (p.valid_from, p.temporary))
    return s


# --- party age and badges (DOMAIN.md §3) -------------------------------------------------------
def gap_days(gaps: Sequence[tuple[dt.date, dt.date | None]], on: dt.date) -> int:
    total = 0
    for start, end in gaps:
        stop = min(end, on) if end is not None else on
        if stop > start:
            total += (stop - start).days
    return total


@dataclass(frozen=True)
class PartyAge:
    years: int
    months: int
    days: int
    counted_from: dt.date  # the first admission decision, moved later by the days not counted

    def as_dict(self) -> dict[str, int]:
        return {"years": self.years, "months": self.months, "days": self.days}


def death_day(status: str, status_since: dt.date | None) -> dt.date | None:
    """The day of death of a member whose (stored or replayed) status is deceased, else None."""
    return status_since if status == "deceased" else None


def reckoned_to(on: dt.date, *, died_on: dt.date | None) -> dt.date:
    """The day a member's ages asked on `on` are reckoned to: the day of death for a member who had
    died by then, else `on`. Party-activity time ends with death (§3.2): a posthumous badge is
    reckoned on it (§3.4), and the dead grow no older. One rule for the age and the party age on
    the member page and in the list's rows, the badges due and the check of a badge recorded or on
    file (the list's age filter is by the age of today, for every status)."""
    return died_on if died_on is not None and died_on < on else on


def party_age_start(
    first_admission: dt.date,
    gaps: Sequence[tuple[dt.date, dt.date | None]],
    on: dt.date,
    *,
    died_on: dt.date | None = None,
) -> dt.date:
    """The day party age counts from, asked on `on` (§3.2): the first admission decision moved
    later by the days not counted up to the day it is reckoned to (`reckoned_to`) — a gap that
    comes after that day has not happened yet, or never counts."""
    return first_admission + dt.timedelta(days=gap_days(gaps, reckoned_to(on, died_on=died_on)))


def party_age(
    first_admission: dt.date, gaps: Sequence[tuple[dt.date, dt.date | None]], on: dt.date
) -> PartyAge:
    """Party age on a day: from the first admission decision, minus the days not in party activity
    (§3.2: expulsion, removal, interruption by transfer; a restoration leaves no gap), in years,
    months and days under the month-end convention of `core.dates.months_between`: on the day a
    badge falls due the member has exactly the tier's years."""
    start = party_age_start(first_admission, gaps, on)
    if on < start:
        return PartyAge(0, 0, 0, start)
    months = months_between(start, on)
    anchor = add_months(start, months)
    return PartyAge(months // 12, months % 12, (on - anchor).days, start)


def next_badge(
    first_admission: dt.date, gaps: Sequence[tuple[dt.date, dt.date | None]], on: dt.date
) -> tuple[int, dt.date] | None:
    """The next badge tier and the day party age reaches it, if no further interruption comes."""
    counted_from = party_age_start(first_admission, gaps, on)
    for tier in BADGE_TIERS:
        reached = add_years(counted_from, tier)
        if reached > on:
            return tier, reached
    return None


def state_on(state: State, on: dt.date) -> dict[str, Any]:
    """Status, flags and organisations on a day, from a derived state."""
    status = ""
    for since, value in state.timeline:
        if since <= on:
            status = value
    home = next(
        (
            p
            for p in state.periods
            if not p.temporary and p.valid_from <= on and (p.valid_to is None or on < p.valid_to)
        ),
        None,
    )
    temp = next(
        (
            p
            for p in state.periods
            if p.temporary and p.valid_from <= on and (p.valid_to is None or on < p.valid_to)
        ),
        None,
    )
    flags = sorted(
        fp.flag
        for fp in state.flag_periods
        if fp.valid_from <= on and (fp.valid_to is None or on < fp.valid_to)
    )
    if temp is not None:
        flags.append("on_temporary_transfer")
    return {
        "status": status,
        "org_id": home.org_id if home else None,
        "temp_org_id": temp.org_id if temp else None,
        "flags": flags,
    }

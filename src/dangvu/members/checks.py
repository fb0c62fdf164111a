"""The checks a lifecycle event needs beyond its order, by DOMAIN.md: the admission age (§4.1), the
ceremony's and the letter's deadlines in working days (§4.2, §4.5), a temporary transfer's length
(§4.5), an exemption's ground (§4.6). The registry of kinds (members.kinds) names which applies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from dangvu.core.calendar import add_working_days
from dangvu.core.dates import add_months, age_on, format_date, months_between
from dangvu.core.errors import RuleError
from dangvu.members.models import (
    PartyMember,
)
from dangvu.rules.charter import rules_on


def months_of_age(birth: dt.date, on: dt.date) -> int:
    """Completed months of age: DOMAIN.md §4.1 counts the admission age by month (the one
    month-end convention of `core.dates.months_between`)."""
    return months_between(birth, on)


def admission_age_problem(
    birth: dt.date, on: dt.date, details: dict[str, Any]
) -> tuple[str, str] | None:
    """§4.1: at the cell's vote, from full 18 to full 60 years counted by month; over 60 only with
    the written agreement of the provincial standing committee, recorded here. (field, message)."""
    vote = details.get("vote_date") or on
    if vote > on:
        return "vote_date", _(
            "The cell's vote (%(vote)s) cannot come after the decision (%(date)s)."
        ) % {"vote": format_date(vote), "date": format_date(on)}
    rules = rules_on(vote)
    months = months_of_age(birth, vote)
    if months < rules.min_admission_months:
        return "birth_date", _(
            "At the cell's vote on %(date)s the person was not yet full 18 years old (%(rule)s)."
        ) % {"date": format_date(vote), "rule": rules.citation}
    if months > rules.max_admission_months and not details.get("over_60_authorisation"):
        return "over_60_authorisation", _(
            "At the cell's vote on %(date)s the person was over 60: record the written agreement of the "
            "provincial standing committee (%(rule)s)."
        ) % {"date": format_date(vote), "rule": rules.citation}
    return None


def check_admission_age(member: PartyMember, on: dt.date, details: dict[str, Any]) -> None:
    problem = admission_age_problem(member.person.birth_date, on, details)
    if problem is not None:
        raise RuleError(problem[1], field=problem[0])


def check_ceremony(member: PartyMember, on: dt.date, details: dict[str, Any]) -> None:
    """§4.2: the ceremony within 30 working days of receiving the decision, or an explained exception."""
    decided = member.admission_decision_date
    if decided is None:
        return
    received = details.get("received_on") or decided
    deadline = add_working_days(received, rules_on(received).ceremony_working_days)
    if on > deadline and not details.get("exception"):
        raise RuleError(
            _(
                "The ceremony is due by %(deadline)s (30 working days after the decision was received on "
                "%(received)s). A later ceremony needs the consent of the superior committee: write it as the "
                "exception."
            )
            % {"deadline": format_date(deadline), "received": format_date(received)},
            field="exception",
        )


def check_transfer_in(member: PartyMember, on: dt.date, details: dict[str, Any]) -> None:
    """§4.5: the letter is presented within 30 working days of its issue; if late, an explanation."""
    transit = (member.derived or {}).get("transit") or (member.derived or {}).get("temp_transit")
    if not transit:
        return
    issued = dt.date.fromisoformat(transit["out_on"])
    deadline = add_working_days(issued, rules_on(issued).letter_presentation_working_days)
    if on > deadline and not details.get("explanation"):
        raise RuleError(
            _(
                "The letter issued on %(issued)s had to be presented by %(deadline)s: write the explanation of the "
                "delay."
            )
            % {"issued": format_date(issued), "deadline": format_date(deadline)},
            field="explanation",
        )


def check_temp_transfer(member: PartyMember, on: dt.date, details: dict[str, Any]) -> None:
    """§4.5: 3 months to under 1 year (study in Vietnam: up to 2 years)."""
    until = details.get("until")
    if until is None:
        raise RuleError(_("A temporary transfer needs its planned end date."), field="until")
    longest = (
        24 if details.get("purpose") == "study" else rules_on(on).temporary_transfer_max_months
    )
    if until < add_months(on, 3) or until > add_months(on, longest):
        raise RuleError(
            _(
                "A temporary transfer lasts from 3 months to %(n)s months: the end must fall between "
                "%(a)s and %(b)s."
            )
            % {
                "n": longest,
                "a": format_date(add_months(on, 3)),
                "b": format_date(add_months(on, longest)),
            },
            field="until",
        )


def check_exemption(member: PartyMember, on: dt.date, details: dict[str, Any]) -> None:
    """§4.6: exemption for advanced age (men over 60, women over 55) or poor health."""
    ground = details.get("ground")
    if ground not in ("age", "health"):
        raise RuleError(
            _("Give the ground of the exemption: advanced age or poor health."), field="ground"
        )
    if ground == "age":
        rules = rules_on(on)
        limit = rules.exemption_age_women if member.person.sex == "F" else rules.exemption_age_men
        if age_on(member.person.birth_date, on) <= limit:
            raise RuleError(
                _(
                    "On %(date)s the member is not past %(limit)s, the age for an exemption on the ground "
                    "of age (HD 27-HD/BTCTW)."
                )
                % {"date": format_date(on), "limit": limit},
                field="ground",
            )

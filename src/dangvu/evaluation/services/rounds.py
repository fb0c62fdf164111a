"""A year's rating round: opened with its review day, closed when its decisions are in."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import require
from dangvu.core.actors import Actor
from dangvu.core.changes import log_entry, open_change_set
from dangvu.core.errors import RuleError
from dangvu.evaluation.models import Round
from dangvu.rules import evaluation as ev


@transaction.atomic
def round_open(*, year: int, review_on: dt.date, actor: Actor) -> Round:
    """Open (or move the review day of) the year's round; the review day lies in December of
    the year (HD 43 mục 4.1: the review ends before 31/12)."""
    require(actor, Ability.MANAGE_ORGS, "")
    rules = ev.rules_for(year)
    if not (dt.date(year, 11, 1) <= review_on <= dt.date(year, 12, 31)):
        raise RuleError(
            _("The review day of %(year)s lies between 01/11 and 31/12 of that year.")
            % {"year": year},
            field="review_on",
        )
    changeset = open_change_set(
        actor=actor, reason=_("Ratings of %(year)s opened") % {"year": year}
    )
    found, _new = Round.objects.update_or_create(
        year=year,
        defaults={"regulation": rules.code, "review_on": review_on, "changeset": changeset},
    )

    log_entry(
        changeset,
        action="rating.round",
        obj=found,
        after={"year": year, "review_on": review_on, "regulation": rules.code},
        scope_path="",
    )
    return found


@transaction.atomic
def round_close(*, year: int, on: dt.date, actor: Actor) -> Round:
    require(actor, Ability.MANAGE_ORGS, "")
    found = Round.objects.filter(year=year).first()
    if found is None:
        raise RuleError(_("No round of %(year)s is open.") % {"year": year}, field="year")
    changeset = open_change_set(
        actor=actor, reason=_("Ratings of %(year)s closed") % {"year": year}
    )
    found.closed_on, found.changeset = on, changeset
    found.save(update_fields=["closed_on", "changeset"])

    log_entry(changeset, action="rating.round", obj=found, after={"closed_on": on}, scope_path="")
    return found

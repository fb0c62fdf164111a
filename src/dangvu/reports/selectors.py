"""Reads of the reports area, through the user's scope."""

from __future__ import annotations

from typing import Any

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.core.models import ChangeLogEntry
from dangvu.reports.models import ReportRun


def written_report_runs(user: Any, ids: set[str], entries: list[ChangeLogEntry]) -> set[str]:
    """A report run, its reviewers, comments and answers: a record of what was printed and said
    about the figures of a subtree the user may see, or of a draft the user was asked to review."""
    scope = scope_for(user, Ability.VIEW)
    ok = set()
    for run in ReportRun.objects.select_related("org").filter(pk__in=[int(i) for i in ids]):
        if (
            scope.covers(run.org.path)
            or run.reviewers.filter(user_id=getattr(user, "pk", 0)).exists()
        ):
            ok.add(str(run.pk))
    return ok

"""Who reads inspection records (issue 27 point 5; DOMAIN-2.md §1): the inspection role of the
competent organisation (a grant of the inspection role on it or above it) and the people it names
on a case — nobody else, not the organisation board above, not the object's cell. The denouncer's
identity is seen by fewer still: the inspection role holding the permission for sensitive data.
A record outside answers 404, like any record outside the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from dangvu.accounts.guard import register_write_check
from dangvu.accounts.models import Ability, Role, RoleGrant
from dangvu.accounts.scope import scope_for
from dangvu.core.dates import today
from dangvu.inspection.models import Case, Complaint, Denunciation, Named, Programme, StateNotice
from dangvu.orgs.models import SEGMENT_WIDTH, valid_on


def may_inspect(user: Any, path: str | None) -> bool:
    return scope_for(user, Ability.INSPECT).covers(path)


def _named_case_ids(user: Any) -> QuerySet[Any, Any]:
    day = today()
    return (
        Named.objects.filter(user_id=getattr(user, "pk", None) or 0, since__lte=day)
        .filter(Q(until__isnull=True) | Q(until__gt=day))
        .values("case_id")
    )


def cases_for(user: Any) -> QuerySet[Case]:
    """The cases the user may read: those of the organisations under its inspection role, and
    those it is named on."""
    scope = scope_for(user, Ability.INSPECT)
    return Case.objects.filter(scope.q("org__path") | Q(pk__in=_named_case_ids(user)))


def case_for(user: Any, pk: int) -> Case:
    found = cases_for(user).filter(pk=pk).select_related("org", "object_org", "object_member")
    case = found.first()
    if case is None:
        raise Http404
    return case


def denunciations_for(user: Any) -> QuerySet[Denunciation]:
    return Denunciation.objects.filter(scope_for(user, Ability.INSPECT).q("org__path"))


def complaints_for(user: Any) -> QuerySet[Complaint]:
    return Complaint.objects.filter(scope_for(user, Ability.INSPECT).q("org__path"))


def may_see_denouncer(user: Any, denunciation: Denunciation) -> bool:
    """One grant in force of the inspection role, with the sensitive permission, on the
    denunciation's organisation or above it (not the inspection role plus another role's
    sensitive permission)."""
    path = denunciation.org.path or ""
    if not getattr(user, "pk", None):
        return False
    return RoleGrant.objects.filter(
        valid_on(today()),
        user=user,
        role=Role.INSPECTION_OFFICER,
        sensitive=True,
        org__path__in=[path[:n] for n in range(len(path), 0, -SEGMENT_WIDTH)],
    ).exists()


def _written(model: Any) -> Any:
    """The write guard (accounts.guard) reads each record written back: an inspection record
    lies in the writer's inspection scope, by its organisation."""

    def check(user: Any, ids: set[str], entries: list[Any]) -> set[str]:
        scope = scope_for(user, Ability.INSPECT)
        found = model.objects.filter(scope.q("org__path"), pk__in=[int(i) for i in ids])
        return {str(pk) for pk in found.values_list("pk", flat=True)}

    return check


def register_write_checks() -> None:
    for model in (Programme, Case, Denunciation, Complaint, StateNotice):
        register_write_check(f"inspection.{model._meta.model_name}", _written(model))

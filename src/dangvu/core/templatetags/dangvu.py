"""Template filters shared by every area: labels of change-log actions and fields, ISO dates."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django import template
from django.apps import apps
from django.utils.translation import gettext_lazy as _

register = template.Library()

ACTIONS = {
    "org.create": _("Established"),
    "org.rename": _("Renamed"),
    "org.move": _("Moved under another organisation"),
    "org.dissolve": _("Dissolved"),
    "member.create": _("Record created"),
    "member.update": _("Record edited"),
    "member.card": _("Party card issued"),
    "member.event.admission": _("Admission recorded"),
    "member.event.recognition": _("Recognition recorded"),
    "member.event.ceremony": _("Admission ceremony recorded"),
    "member.event.correct": _("Event corrected"),
    "discipline.record": _("Discipline decision recorded"),
    "account.create": _("Account created"),
    "account.password": _("Password changed"),
    "account.second_factor": _("Two-step sign-in turned on"),
    "role.grant": _("Role granted"),
    "role.sensitive_approve": _("Sensitive permission approved"),
    "role.sensitive_refuse": _("Sensitive permission refused"),
    "plan.create": _("Restructuring plan uploaded"),
    "role.end": _("Role ended"),
    "role.confirm": _("Role kept after review"),
    "role.move": _("Role carried to the successor"),
    "token.create": _("API token made"),
    "token.revoke": _("API token revoked"),
    "restructuring.apply": _("Restructuring applied"),
    "restructuring.revert": _("Restructuring reverted"),
    "rating.self": _("Self-assessment recorded"),
    "rating.propose": _("Rating proposed"),
    "rating.decide": _("Rating decided"),
    "rating.reclassify": _("Rating re-classified"),
    "rating.import": _("Rating imported"),
    "rating.delete": _("Imported rating taken back"),
    "rating.group": _("Group of similar role set up"),
    "badge.award": _("Party badge awarded"),
    "commendation.record": _("Commendation recorded"),
}


@lru_cache(maxsize=1)
def _field_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for label in ("members.Person", "members.PartyMember", "orgs.Organisation"):
        for field in apps.get_model(label)._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            if verbose:
                labels.setdefault(field.name, verbose)
                labels.setdefault(f"{field.name}_id", verbose)
    return labels


FLAGS = {
    "exempted": _("Exempted from work and party activity"),
    "temporarily_exempted": _("Temporarily exempted from activity"),
    "suspended": _("Suspended from party activity"),
    "on_temporary_transfer": _("On temporary transfer"),
    "in_transit": _("Transfer letter not yet presented"),
}
DETAILS = {
    "received_on": _("Decision received"),
    "exception": _("Exception"),
    "external_to": _("To"),
    "external_from": _("From"),
    "external_org": _("Admitted in"),
    "explanation": _("Explanation"),
    "until": _("Until"),
    "purpose": _("Purpose"),
    "ground": _("Ground"),
    "vote_date": _("Cell's vote"),
    "over_60_authorisation": _("Provincial agreement (over 60)"),
    "hardship": _("Extreme family hardship"),
    "source": _("Source"),
    "discipline": _("Discipline decision"),
}


@register.filter
def flag_label(code: str) -> str:
    return str(FLAGS.get(code, code))


@register.filter
def org_kind_label(code: str) -> str:
    from dangvu.orgs.models import Kind

    return str(dict(Kind.choices).get(code, code))


@register.filter
def org_category_label(code: str) -> str:
    from dangvu.orgs.models import Category

    return str(dict(Category.choices).get(code, code)) if code else ""


@register.filter
def detail_label(code: str) -> str:
    return str(DETAILS.get(code, code))


@register.filter
def action_label(code: str) -> str:
    if code in ACTIONS:
        return str(ACTIONS[code])
    if code.startswith("member.event."):
        from dangvu.members.models import EventKind

        kind = code.removeprefix("member.event.")
        if kind in EventKind.values:
            return str(EventKind(kind).label)
    return code


VALUES = {
    "dossier": _("the member's dossier"),
    "age": _("Advanced age"),
    "health": _("Poor health"),
    "work": _("Work or residence"),
    "study": _("Full-time study in Vietnam"),
    True: _("yes"),
}


@register.filter
def detail_value(value: object) -> str:
    """A value kept in an event's details, as users read it: dates dd/mm/yyyy, codes as words."""
    from dangvu.rules.charter import REMOVAL_GROUNDS

    if isinstance(value, bool | str) and value in VALUES:
        return str(VALUES[value])
    if isinstance(value, str) and value in REMOVAL_GROUNDS:
        return str(REMOVAL_GROUNDS[value])
    return iso_date(value) if isinstance(value, str) else str(value)


@register.filter
def field_label(name: str) -> str:
    label = _field_labels().get(name)
    return str(label).capitalize() if label else name


@register.filter
def iso_date(value: str | None) -> str:
    """An ISO date kept in JSON (yyyy-mm-dd) written dd/mm/yyyy."""
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


@register.filter
def figure(value: object) -> str:
    """A figure as printed in Vietnamese reports: 1.234 and 12,5."""
    from dangvu.reports.review import n

    try:
        return n(value)
    except (TypeError, ValueError):
        return str(value)


@register.filter
def get(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key, "")

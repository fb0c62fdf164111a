"""The member page's labels: the flags, the details and values an event keeps."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangvu.core.templatetags.dangvu import iso_date
from dangvu.rules.charter import REMOVAL_GROUNDS

register = template.Library()

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
    "external_from": pgettext_lazy("event", "Coming from"),
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
    # A move by restructuring (restructuring.services.operations): the cell left, by its key.
    "from": pgettext_lazy("event", "Coming from"),
    "temporary": _("On temporary transfer"),
}

# Details not shown: a key that links the event to its record elsewhere (the discipline decision,
# whose number the event shows as its decision).
UNSHOWN_DETAILS = frozenset({"discipline"})
# Details that say something only when they hold: "agreed for a member over 60: no" on the
# admission of a 33-year-old is noise.
SHOWN_WHEN_SET = frozenset({"over_60_authorisation", "hardship", "temporary"})


def details_shown(details: object) -> list[tuple[str, object]]:
    """An event's details as the member's page lists them (above)."""
    if not isinstance(details, dict):
        return []
    return [
        (key, value)
        for key, value in details.items()
        if key not in UNSHOWN_DETAILS and (value or key not in SHOWN_WHEN_SET)
    ]


VALUES = {
    "dossier": _("the member's dossier"),
    "age": _("Advanced age"),
    "health": _("Poor health"),
    "work": _("Work or residence"),
    "study": _("Full-time study in Vietnam"),
    True: _("yes"),
    False: _("no"),
}


@register.filter
def detail_value(value: object) -> str:
    """A value kept in an event's details, as users read it: dates dd/mm/yyyy, codes as words."""
    if isinstance(value, bool | str) and value in VALUES:
        return str(VALUES[value])
    if isinstance(value, str) and value in REMOVAL_GROUNDS:
        return str(REMOVAL_GROUNDS[value])
    return iso_date(value) if isinstance(value, str) else str(value)


@register.filter
def flag_label(code: str) -> str:
    return str(FLAGS.get(code, code))


@register.filter
def detail_label(code: str) -> str:
    return str(DETAILS.get(code, code))

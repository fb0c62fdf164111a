"""Discipline: forms by subject and the effect period of a decision (DOMAIN.md §6.1, §6.4)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy

from dangvu.core.dates import add_months

REPRIMAND = "khien_trach"
WARNING = "canh_cao"
DISMISSAL = "cach_chuc"
EXPULSION = "khai_tru"
DISSOLUTION = "giai_tan"

# Điều lệ Điều 35 khoản 2; QĐ 69-QĐ/TW Điều 7 (DOMAIN.md §6.1), ascending.
FORMS_BY_SUBJECT = {
    "official": (REPRIMAND, WARNING, DISMISSAL, EXPULSION),
    "probationary": (REPRIMAND, WARNING),
    "organisation": (REPRIMAND, WARNING, DISSOLUTION),
}

# QĐ 69-QĐ/TW Điều 2 khoản 5 (DOMAIN.md §6.4): the decision ends by itself 12 months after its
# announcement, except expulsion and dissolution, when there is no complaint, repeat or new violation.
EFFECT_MONTHS = 12
PERMANENT = frozenset({EXPULSION, DISSOLUTION})


def effect_ends(form: str, announced_on: dt.date) -> dt.date | None:
    """The first day the decision is no longer in force; None for expulsion and dissolution."""
    if form in PERMANENT:
        return None
    return add_months(announced_on, EFFECT_MONTHS)


_FORM_LABELS = {
    REPRIMAND: gettext_lazy("Reprimand"),
    WARNING: gettext_lazy("Warning"),
    DISMISSAL: gettext_lazy("Removal from post"),
    EXPULSION: gettext_lazy("Expulsion"),
    DISSOLUTION: gettext_lazy("Dissolution"),
}


def form_label(form: str) -> str:
    return str(_FORM_LABELS.get(form, form))


def at_least(form: str, lowest: str) -> bool:
    """Whether `form` is `lowest` or heavier (reprimand < warning < removal < expulsion)."""
    order = (REPRIMAND, WARNING, DISMISSAL, EXPULSION, DISSOLUTION)
    return order.index(form) >= order.index(lowest)

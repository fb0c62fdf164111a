"""The organisation picker: a form field whose value is an organisation, chosen by typing part of
its name (without diacritics) and clicking it among the matches, each shown with the path above it.

The field holds the organisations it may offer (`queryset`, set by the form from the user's scope);
the widget searches them through `orgs:pick` (tree.views.pick) with htmx, and the matches come back
as radio buttons of the same name, so the form posts the chosen organisation without any script of
ours. Without htmx, a name typed whole that matches one organisation is taken.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dangvu.core.text import search_key, vi_sort_key
from dangvu.orgs.models import SEGMENT_WIDTH, Organisation
from dangvu.rules.organisation import MEMBER_HOLDING_KINDS

# What a picker offers besides the user's scope for an ability: any current organisation, as the
# destination of a transfer elsewhere (named, never opened).
ANYWHERE = "anywhere"

# The most matches a search shows: a longer list is refined by typing more of the name.
MATCHES = 12


def ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(SEGMENT_WIDTH, len(path), SEGMENT_WIDTH)]


def labels(orgs: Iterable[Organisation], within: QuerySet[Organisation]) -> dict[int, str]:
    """Each organisation's name followed by those above it, nearest first, as far up as `within`
    (the user's own scope) reaches: "Chi bộ Thôn 1 · Đảng bộ xã Phước Hải · Đảng bộ tỉnh".
    Nothing above the user's scope is named (a name is data)."""
    orgs = list(orgs)
    wanted = {p for o in orgs for p in ancestor_paths(o.path)}
    names = dict(within.filter(path__in=wanted).values_list("path", "name")) if wanted else {}
    result = {}
    for o in orgs:
        above = [names[p] for p in reversed(ancestor_paths(o.path)) if p in names]
        result[o.pk] = " · ".join([o.name, *above])
    # Two organisations of the same name under the same superiors (it happens in the records):
    # only then the code tells them apart.
    seen: dict[str, int] = {}
    for label in result.values():
        seen[label] = seen.get(label, 0) + 1
    for o in orgs:
        if seen[result[o.pk]] > 1:
            result[o.pk] += f" ({o.code})"
    return result


def matches(queryset: QuerySet[Organisation], text: str) -> list[Organisation]:
    """The organisations whose name contains every word typed, in Vietnamese alphabetical order."""
    words = search_key(text).split()
    if not words:
        return []
    found = queryset.filter(dissolved_on__isnull=True)
    for word in words:
        found = found.filter(search_name__contains=word)
    rows = list(found.order_by("search_name")[: MATCHES * 4])
    rows.sort(key=lambda o: vi_sort_key(o.name))
    return rows[:MATCHES]


class OrgPicker(forms.Widget):
    template_name = "orgs/_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.queryset: QuerySet[Organisation] = Organisation.objects.none()
        self.within: QuerySet[Organisation] = Organisation.objects.none()
        self.ability = ""
        self.cells_only = False
        # Organisations the form was given as such (its initial value: the page's own, read
        # through the scope already), by code: drawn without reading them again.
        self.known: dict[str, Organisation] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> OrgPicker:
        # Each form its own: Django copies a widget shallowly, and a shared dict would carry one
        # request's organisations into another's.
        copied = super().__deepcopy__(memo)
        copied.known = {}
        return copied

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        chosen = data.get(name)
        if chosen:
            return chosen
        typed = data.get(f"{name}__q", "")
        return {"typed": typed} if typed.strip() else ""

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}__q" not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        current = None
        typed = ""
        if isinstance(value, dict):
            typed = value.get("typed", "")
        elif isinstance(value, Organisation):
            current = value
        elif value:
            code = str(value).strip().upper()
            current = self.known.get(code) or self.queryset.filter(code=code).first()
        context["widget"].update(
            {
                "current": current,
                "current_label": labels([current], self.within)[current.pk] if current else "",
                "typed": typed,
                "ability": self.ability,
                "cells": "1" if self.cells_only else "",
            }
        )
        return context


class OrgField(forms.Field):
    """An organisation among `queryset`; its value is the Organisation."""

    widget = OrgPicker
    default_error_messages = {
        "invalid": _("Choose an organisation from the list: type part of its name, then click it."),
        "ambiguous": _(
            "Several organisations match “%(text)s”: type more of the name, then click one."
        ),
    }

    def __init__(self, *, ability: str = "view", cells_only: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.ability = ability
        self.widget.cells_only = cells_only
        self.cells_only = cells_only

    @property
    def ability(self) -> str:
        return str(self.widget.ability)

    def set_scope(
        self, queryset: QuerySet[Organisation], within: QuerySet[Organisation] | None = None
    ) -> None:
        """What may be chosen, and the scope whose names may label it (default: the same)."""
        if self.cells_only:
            queryset = queryset.filter(kind__in=MEMBER_HOLDING_KINDS)
        self.queryset = queryset
        self.widget.queryset = queryset
        self.widget.within = within if within is not None else queryset

    def to_python(self, value: Any) -> Organisation | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Organisation):
            return value
        if isinstance(value, dict):
            found = matches(self.widget.queryset, value.get("typed", ""))
            exact = [o for o in found if search_key(o.name) == search_key(value.get("typed"))]
            if len(exact) == 1 or len(found) == 1:
                return (exact or found)[0]
            if found:
                raise forms.ValidationError(
                    self.error_messages["ambiguous"],
                    code="ambiguous",
                    params={"text": value.get("typed")},
                )
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        org = self.widget.queryset.filter(code=str(value).strip().upper()).first()
        if org is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return org

    def prepare_value(self, value: Any) -> Any:
        # An organisation given as such (a form's initial value) is drawn as given, not read
        # again through the queryset: the caller gives only one it read through the same scope
        # (members.views.member_list: tree.selectors.get_org).
        if isinstance(value, Organisation):
            self.widget.known[value.code] = value
            return value.code
        return value


def scope_picker(
    form: forms.Form,
    name: str,
    offered: QuerySet[Organisation],
    within: QuerySet[Organisation] | None = None,
) -> OrgField:
    """Set what the form's picker `name` may offer (the user's scope for its ability)."""
    field = form.fields[name]
    assert isinstance(field, OrgField), name
    field.set_scope(offered, within)
    return field

"""Template filters and tags shared by every area: change-log actions and fields (as the areas
register them in core.labels), ISO dates, figures; the main menu (kept, once drawn, per language
and set of what it offers) and a record's change history, written in Python (issue 28)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import is_aware, localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dangvu.core import labels
from dangvu.core.addresses import address
from dangvu.core.numbers import vn_number

register = template.Library()


@register.filter
def actor_label(name: str) -> str:
    return labels.actor_label(name)


@register.filter
def action_label(code: str) -> str:
    """A change-log action as users read it."""
    return labels.action_label(code)


@register.filter
def field_label(name: str) -> str:
    return _field_label(labels.field_labels(), name)


@register.simple_tag(name="address")
def address_tag(name: str, *values: int | str) -> str:
    """`{% url %}` for the pages every request draws (the frame, a member's page): the same
    address, its pattern reversed once (core.addresses)."""
    return address(name, *values)


_MENUS: dict[tuple[Any, ...], str] = {}


@register.simple_tag(takes_context=True)
def main_menu(context: Any) -> SafeString | str:
    """The main menu (_menu.html) of a signed-in user: the same for every page of every user
    offered the same things (`can`, accounts.context_processors) in the same language, so drawn
    once for each and kept. Its 13 addresses and labels cost 0.7 ms of every page (issue 28)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    can = context.get("can") or {}
    key = (get_language(), tuple(sorted(can.items())), bool(getattr(user, "member_id", None)))
    menu = _MENUS.get(key)
    if menu is None:
        menu = _MENUS[key] = render_to_string("_menu.html", {"can": can, "user": user})
    return mark_safe(menu)  # noqa: S308 (drawn by the template, escaped there)


_FIELDS: dict[tuple[Any, ...], str] = {}


@register.simple_tag
def form_fields(form: Any) -> SafeString:
    """A short form's fields on one line, as the pages lay them out: each field's label, its
    widget and its errors in a span. A form that says its unbound HTML depends on nothing but its
    initial values and the language (`same_html_unbound`: the purpose asked before sensitive
    data is shown) is drawn once for each and kept: its widgets cost a sixth of a member's page
    (issue 28)."""
    key = None
    if not form.is_bound and getattr(form, "same_html_unbound", False):
        initial = tuple(sorted((name, repr(value)) for name, value in form.initial.items()))
        # (a form whose choices differ by who reads, the purpose's "my own record", says so)
        key = (type(form), form.prefix, initial, get_language(), getattr(form, "own_record", None))
        if key in _FIELDS:
            return mark_safe(_FIELDS[key])  # noqa: S308 (escaped when it was drawn)
    html = "".join(
        format_html(
            '<span class="field{}">{} {}{}</span> ',
            " has-error" if field.errors else "",
            field.label_tag(),
            field,
            format_html_join(
                "", '<span class="field-error">{}</span>', ((e,) for e in field.errors)
            ),
        )
        for field in form
    )
    if key is not None:
        _FIELDS[key] = html
    return mark_safe(html)  # noqa: S308 (every part escaped by format_html)


@register.filter
def label(instance: object, field: str) -> str:
    """`instance.get_<field>_display` from the labels kept per language (core.labels.choice):
    Django's rebuilds and translates the field's choices at every call."""
    return labels.choice(instance, field)


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
    try:
        return vn_number(value)
    except (TypeError, ValueError):
        return str(value)


@register.filter
def percent_of(share: object) -> str:
    """A share (0–1, a Fraction or a float) as a percentage with one decimal: 0,1667 → 16,7 %."""
    try:
        return f"{vn_number(round(float(share) * 100, 1))} %"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""


@register.filter
def get(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key, "")


@register.simple_tag
def bar(percent: object, kind: str = "") -> SafeString:
    """A bar of a chart, `percent` of its full length, as SVG: its length is an attribute, not an
    inline style, so the site's Content-Security-Policy (style-src 'self') lets it draw."""
    try:
        length = max(0.0, min(100.0, float(str(percent).replace(",", "."))))
    except ValueError:
        length = 0.0
    return format_html(
        '<svg class="bar {}" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" '
        'focusable="false"><rect width="{}" height="10"></rect></svg>',
        kind,
        f"{length:.2f}",
    )


@register.simple_tag
def history_table(history: Iterable[Any]) -> SafeString:
    """A record's change log (its last entries) as a table: who, when, what, the fields changed
    and the reason. Written here rather than in a template: on a member's page, 15 entries drawn
    by the template cost 2.2 ms of the page's 20 (issue 28). Every value is escaped."""
    heading = f'<h2 id="history">{escape(_("History of changes"))}</h2>\n'
    if not history:
        return mark_safe(f'{heading}<p class="muted">{escape(_("No changes recorded."))}</p>')  # noqa: S308
    labels_of = labels.field_labels()
    recorded = escape(_("recorded"))

    def shown(value: object) -> str:
        """As the template showed it (`render_value_in_context`): local time, localised
        numbers, then text, escaped; nothing as "—"."""
        if value is None:
            return "—"
        if isinstance(value, dt.datetime) and is_aware(value):
            value = localtime(value)
        value = formats.localize(value)
        return conditional_escape(value if isinstance(value, str) else str(value))

    def changes(entry: Any) -> str:
        if not entry.before:
            return recorded
        items = "".join(
            f"<li><b>{escape(_field_label(labels_of, name))}</b>: <del>{shown(old)}</del> → "
            f"<ins>{shown(new)}</ins></li>"
            for name, old, new in entry.changed_fields()
        )
        return f'<ul class="diff">{items}</ul>'

    rows = "".join(
        f"<tr>\n<td>{localtime(h.at):%d/%m/%Y %H:%M}</td>"
        f"<td>{escape(labels.actor_label(h.actor_name))}</td>"
        f"<td>{escape(labels.action_label(h.action))}</td>\n<td>{changes(h)}</td>\n"
        f"<td>{escape(h.reason or '')}</td></tr>"
        for h in history
    )
    head = "".join(
        f"<th>{escape(title)}</th>"
        for title in (_("When"), _("Who"), _("What"), _("Changes"), _("Reason"))
    )
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'{heading}<table class="grid history"><thead><tr>{head}</tr></thead>\n'
        f"<tbody>{rows}</tbody></table>\n"
    )


def _field_label(labels_of: dict[str, str], name: str) -> str:
    label = labels_of.get(name)
    return str(label).capitalize() if label else name

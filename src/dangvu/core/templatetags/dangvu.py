"""Template filters shared by every area: change-log actions and fields (as the areas register them in
core.labels), ISO dates, figures."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from dangvu.core import labels
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
    label = labels.field_labels().get(name)
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

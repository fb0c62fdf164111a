"""An organisation's kind and category as words."""

from __future__ import annotations

from django import template

from dangvu.orgs.models import Category, Kind

register = template.Library()


@register.filter
def org_kind_label(code: str) -> str:
    return str(dict(Kind.choices).get(code, code))


@register.filter
def org_category_label(code: str) -> str:
    return str(dict(Category.choices).get(code, code)) if code else ""

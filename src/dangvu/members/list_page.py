"""The member list, the part inside the frame (members/list.html draws the frame around it).

Written here rather than in a template, as its rows and the member's page already were: the roll
is the page officers open most after a member's, and the template's two dozen translated labels,
addresses and form widgets were a fifth of its cost (issue 28). Every value is escaped here; what
comes in already drawn (the rows, the filter fields, the purpose form's fields) was escaped where
it was drawn. The markup is the template's, tested against it (tests/members/test_member_list.py).
"""

from __future__ import annotations

from typing import Any

from django.forms import BoundField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dangvu.core.addresses import address
from dangvu.core.templatetags.dangvu import form_fields
from dangvu.orgs.pickers import labels

# A field's label and widget, as drawn for a language and a value: the search box when empty, and
# the organisation picker for an organisation (what it shows is the organisation's code and its
# label: its name and those above it as far up as the reader's scope reaches, orgs.pickers.labels;
# the organisation was read through the scope, tree.selectors.get_org). At most 2,000 kept.
_DRAWN: dict[tuple[Any, ...], str] = {}


def _drawn(field: BoundField, *key: object) -> str:
    whole = (field.name, get_language(), *key)
    found = _DRAWN.get(whole)
    if found is None:
        found = f"{field.label_tag()}{field}"
        if len(_DRAWN) < 2000:
            _DRAWN[whole] = found
    return found


def content_html(c: dict[str, Any]) -> SafeString:
    """The page's content from the view's context `c` (members.views.member_list)."""
    org = c["org"]
    code, name = escape(org.code), escape(org.name)
    search = c["form"]["q"]
    typed = search.value()
    search_html = _drawn(search) if not typed else f"{search.label_tag()}{search}"
    chooser = c["org_chooser"]
    label = labels([org], chooser.field.widget.within)[org.pk]
    out = [
        f'<p class="crumbs"><a href="{escape(address("orgs:tree"))}">'
        f"{escape(_('Organisations'))}</a> › "
        f'<a href="{escape(address("orgs:detail", org.code))}">{name}</a></p>',
        f"<h1>{escape(_('Party members of %(name)s')) % {'name': name}}</h1>",
        '<form method="get" class="filters" role="search">',
        f'  <div class="field wide">{search_html}</div>',
        f'  <div class="field wide">{_drawn(chooser, org.code, label)}</div>',
        f"  {c['filter_fields']}",
        f'  <div class="field"><button type="submit" class="primary">{escape(_("Filter"))}</button>'
        f' <a href="?org={code}">{escape(_("Clear"))}</a></div>',
        "</form>",
    ]
    if problems := c["filter_problems"]:
        items = "".join(f"<li>{escape(label)}: {escape(why)}</li>" for label, why in problems)
        out.append(
            f'<div class="notice" role="alert"><p>{escape(_("These filters were not applied:"))}'
            f"</p><ul>{items}</ul></div>"
        )
    else:
        out.append("")
    if c["citizen_id_offer"]:
        offer = _(
            "The number was looked up among card numbers. To look it up among citizen IDs too, "
            "say why; the search is recorded in the access log."
        )
        hidden = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in c["carried"]
        )
        out.append(
            f'<div class="notice noprint"><form method="get" class="inline-form">\n'
            f"<p>{escape(offer)}</p>\n{hidden}\n{form_fields(c['purpose_form'])}\n"
            f'<button type="submit">{escape(_("Search by citizen ID"))}</button></form></div>'
        )
    else:
        out.append("")
    query = escape(c["query"])
    admit = (
        f'<a class="button" href="{escape(address("members:admit"))}?org={code}">'
        f"{escape(_('Record an admitted member'))}</a>"
        if c["can_admit"]
        else ""
    )
    export = escape(address("exchange:member_export"))
    out.append(
        f'<p class="actions noprint">{admit}\n'
        f'<a class="button" href="{export}?{query}&amp;format=xlsx">{escape(_("Export (Excel)"))}</a>\n'
        f'<a class="button" href="{export}?{query}">{escape(_("Export (CSV)"))}</a>\n'
        f'<a class="button" href="{escape(address("members:stats"))}?org={code}">'
        f"{escape(_('Figures'))}</a></p>"
    )
    if c["rows"]:
        heads = (
            f"<th>{escape(_('Full name'))}</th><th>{escape(_('Date of birth'))}</th>"
            f'<th class="num">{escape(_("Age"))}</th><th>{escape(_("Sex"))}</th>'
            f"<th>{escape(_('Ethnicity'))}</th><th>{escape(_('Status'))}</th>"
            f"<th>{escape(_('Party cell'))}</th>"
        )
        out.append(
            f'<table class="grid members"><thead><tr>\n{heads}\n</tr></thead>\n'
            f'<tbody id="rows">{c["rows"]}</tbody></table>'
        )
        if not c["next_token"]:
            out.append(f'<p class="muted">{escape(_("End of the list."))}</p>')
    else:
        out.append(f'<p class="empty">{escape(_("No member matches."))}</p>')
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped above or where drawn)

"""A member's page, the part inside the frame (members/detail.html draws the frame around it).

Written here rather than in a template, as its facts and timeline already were: it is the page
officers open most, and Django's template nodes for its forty-odd conditions, loops and labels
were a fifth of its cost (issue 28). Every value is escaped here; what comes in already drawn
(`facts`, `timeline`, the purpose form's fields, the history table) was escaped where it was
drawn. The markup is the template's, tested against it (tests/members/test_member_page.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.defaultfilters import capfirst
from django.utils import formats
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dangvu.core.addresses import address
from dangvu.core.dates import format_date
from dangvu.core.templatetags.dangvu import form_fields, history_table
from dangvu.members.templatetags.member_labels import flag_label


def _value(value: object) -> str:
    """As a template shows a value: local time, localised, as text, escaped."""
    if isinstance(value, dt.datetime) and is_aware(value):
        value = localtime(value)
    value = formats.localize(value)
    return str(conditional_escape(value if isinstance(value, str) else str(value)))


def _day(value: dt.date | None) -> str:
    """The template's `date:"d/m/Y"` (the year in four digits even before 1000): nothing for no
    date."""
    return format_date(value)


def _button(href: str, label: str) -> str:
    return f'<p class="actions noprint"><a class="button" href="{escape(href)}">{escape(label)}</a></p>'


def _table(heads: list[str], rows: list[str], css: str = "grid") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in heads)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead>\n<tbody>{"".join(rows)}</tbody></table>'


def content_html(c: dict[str, Any], query: str) -> SafeString:
    """The page's content from the view's context `c`; `query` the request's query string,
    carried to the edit page once sensitive data is revealed."""
    member, person, reveal = c["member"], c["person"], c["reveal"]
    org = member.org
    out: list[str] = []
    where = f"?org={escape(org.code)}" if org else ""
    inside = f" › {escape(org.name)}" if org else ""
    out.append(
        f'<p class="crumbs"><a href="{escape(address("members:list"))}{where}">'
        f"{escape(_('Party members'))}</a>{inside}</p>"
    )
    out.append(f"<h1>{escape(person.full_name)}</h1>")
    since = ""
    if member.status_since:
        since = " — " + escape(_("since %(d)s") % {"d": _day(member.status_since)})
    out.append(f'<p class="status {escape(c["status_class"])}">{escape(c["status"])}{since}</p>')
    flags = c["now"].get("flags")
    if flags:
        spans = "".join(f'<span class="flag">{escape(flag_label(f))}</span> ' for f in flags)
        out.append(f'<p class="flags">{spans}</p>')
    if c["can_edit"]:
        href = address("members:edit", member.pk) + (f"?{query}" if reveal else "")
        out.append(_button(href, _("Edit the record")))
    if not reveal:
        if c["sensitive_allowed"]:
            said = _(
                "Citizen ID, religion, health, family details, discipline and quality ratings "
                "are hidden. To see them, say why; the reading is recorded in the access log."
            )
            notice = (
                f'\n<form method="get" class="inline-form">\n<p>{escape(said)}</p>\n'
                f"{form_fields(c['purpose_form'])}\n"
                f'<button type="submit">{escape(_("Show sensitive data"))}</button></form>\n'
            )
        else:
            said = _(
                "Citizen ID, religion, health, family details, discipline and quality ratings "
                "are hidden: seeing them needs its own permission."
            )
            notice = f"<p>{escape(said)}</p>"
        out.append(f'<div class="notice noprint" id="sensitive">{notice}</div>')
    out.append(f'<div class="cols">\n{c["facts"]}\n</div>')
    out.append(
        f'<h2>{escape(_("Membership events"))}</h2>\n<ol class="timeline">\n{c["timeline"]}</ol>'
    )
    if problem := c["events_problem"]:
        if reveal:
            said = _(
                "The recorded events do not hold together: %(problem)s Correct the wrong event "
                "above before recording a new one."
            ) % {"problem": problem}
        else:
            said = _(
                "The recorded events do not hold together: correct the wrong event above before "
                "recording a new one. The reason may concern discipline; show the sensitive data "
                "to read it."
            )
        out.append(f'<div class="notice noprint" role="alert"><p>{escape(said)}</p></div>')
    if c["next_events"]:
        links = "".join(
            f'<a class="button" href="{escape(address("members:event", member.pk, kind))}">'
            f"{escape(label)}</a>"
            for kind, label in c["next_events"]
        )
        out.append(f'<p class="actions noprint">{links}\n</p>')
    if c["can_edit"]:
        out.append(_button(address("activities:member_dues", member.pk), _("Dues")))
    if c["can_discipline"]:
        out.append(_button(address("discipline:record", member.pk), _("Discipline decision")))
    if attributes := c["attribute_history"]:
        rows = [
            f"<tr><td>{escape(capfirst(str(a['attribute'])))}</td><td>{_day(a['effective'])}</td>"
            f"<td>{_value(a['before'])}</td><td>{_value(a['after'])}</td></tr>"
            for a in attributes
        ]
        heads = [
            _("Attribute"),
            _("From"),
            pgettext("column", "Before"),
            pgettext("column", "After"),
        ]
        out.append(f"<h2>{escape(_('Changes of the record over time'))}</h2>{_table(heads, rows)}")
    if corrections := c["corrections"]:
        items = []
        for k in corrections:
            if k.field:
                counts = _("counts from %(d)s") % {"d": _day(k.affects_from)}
                what = f"{escape(capfirst(str(k.describe())))} ({escape(counts)})"
            else:
                after = (
                    f" → {_value(k.replacement)}"
                    if k.replacement
                    else f" — {escape(_('cancelled'))}"
                )
                what = f"{_value(k.voided)}{after}"
            at = localtime(k.recorded_at) if is_aware(k.recorded_at) else k.recorded_at
            items.append(f"<li>{at:%d/%m/%Y %H:%M}: {what}. {_value(k.reason)}</li>")
        out.append(f"<h2>{escape(_('Corrections'))}</h2><ul>{''.join(items)}</ul>")
    if reveal and (ratings := c["ratings"]):
        again = f" ({escape(_('re-classified'))})"
        rows = [
            f"<tr><td>{_value(r.year)}</td><td>"
            f"{_value(r.get_level_display())}{again if r.reclassified_from else ''}</td>"
            f"<td>{_value((r.deciding_org.name if r.deciding_org else '') or '—')}</td></tr>"
            for r in ratings
        ]
        heads = [_("Year"), _("Rating"), _("Decided by")]
        out.append(f"<h2>{escape(_('Quality ratings'))}</h2>{_table(heads, rows, 'grid ratings')}")
    badges = c["badges"]
    if badges:
        early, posthumous = f" ({escape(_('early'))})", f" ({escape(_('posthumously'))})"
        listed = "".join(
            "<li>"
            + escape(
                _("%(n)s-year badge, awarded on %(d)s") % {"n": b.tier, "d": _day(b.awarded_on)}
            )
            + (early if b.early else "")
            + (posthumous if b.posthumous else "")
            + "</li>"
            for b in badges
        )
        shown = f'<ul class="badges">{listed}</ul>'
    else:
        shown = f'<p class="muted">{escape(_("No badge received yet."))}</p>'
    out.append(f"<h2>{escape(_('Party badges'))}</h2>{shown}")
    if discipline := c.get("discipline"):
        rows = [
            f"<tr><td>{_value(d.get_form_display())}</td><td>{_day(d.announced_on)}</td>"
            f"<td>{_day(d.effect_until) or '—'}</td><td>{_value(d.decision)}</td></tr>"
            for d in discipline
        ]
        heads = [_("Form of discipline"), _("Announced on"), _("In force until"), _("Decision")]
        out.append(f"<h2>{escape(_('Discipline'))}</h2>{_table(heads, rows)}")
    out.append(history_table(c["history"]))
    if c["can_audit"]:
        log = f"{address('change_log')}?record=members.partymember:{member.pk}"
        reads = f"{address('access_log')}?member={member.pk}"
        out.append(
            f'<p class="noprint"><a href="{escape(log)}">{escape(_("Change log of this record"))}'
            f'</a> · <a href="{escape(reads)}">{escape(_("Who read or exported this record"))}</a></p>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped above)

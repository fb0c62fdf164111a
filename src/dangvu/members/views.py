"""Pages of member records. Thin: forms in, services and selectors do the work."""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from dangvu.accounts import purpose as asked_why
from dangvu.accounts.forms import PurposeForm
from dangvu.accounts.models import Ability, AccessRecord
from dangvu.accounts.privacy import (
    LEFT_EVENT_KINDS,
    LEFT_LABEL,
    LEFT_STATUSES,
    MASK,
    SENSITIVE_FIELDS,
    SENSITIVE_FLAGS,
    SENSITIVE_SECTIONS,
    is_sensitive_event,
    mask_entry,
    mask_event,
    record_with_purpose,
    status_shown,
)
from dangvu.accounts.scope import can, can_see_sensitive, scope_for
from dangvu.core.addresses import address
from dangvu.core.changes import get_or_create_decision, recent_history
from dangvu.core.dates import format_date, today
from dangvu.core.forms import day_asked, submit
from dangvu.core.labels import choice, choices_of
from dangvu.core.text import search_key
from dangvu.members import extensions, forms, list_page, page, selectors, services
from dangvu.members.models import PartyMember, Person
from dangvu.members.templatetags.member_labels import detail_label, detail_value, details_shown
from dangvu.orgs.pickers import matches, scope_picker
from dangvu.rules.reference import AGE_BAND_LABELS
from dangvu.tree.selectors import get_org, scope_roots, visible_orgs

PERSON_KEYS = list(forms.PersonForm.base_fields)


_FILTER_HTML: dict[tuple[Any, ...], str] = {}


def _filter_fields(form: forms.FilterForm, request: HttpRequest) -> str:
    """The filter fields but the search box, as HTML: the same for every page of a list and for
    most lists, so rendered once per language and set of values (its selects have hundreds of
    options) and kept (at most 500 variants)."""
    names = [name for name in form.fields if name != "q"]
    key = (
        translation.get_language(),
        tuple(names),
        tuple((name, tuple(request.GET.getlist(name))) for name in names),
    )
    found = _FILTER_HTML.get(key)
    if found is None:
        found = "".join(
            f'<div class="field">{form[name].label_tag()}{form[name]}</div>' for name in names
        )
        if len(_FILTER_HTML) < 500:
            _FILTER_HTML[key] = found
    return mark_safe(found)  # noqa: S308 (rendered by Django's form widgets, escaped there)


def member_list(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("org", "")
    typed = request.GET.get("org__q", "").strip()
    if not code and typed:  # a name typed in the picker and not clicked: the best match
        found = matches(visible_orgs(request.user), typed)
        code = found[0].code if found else ""
    if code:
        org = get_org(request.user, code)
    elif roots := scope_roots(request.user):
        org = roots[0]
    else:
        return render(request, "members/no_scope.html")
    sensitive = scope_for(request.user, Ability.VIEW_SENSITIVE).covers(org.path)
    data = request.GET.copy() if request.GET else None
    if data is not None and not sensitive and data.get("status") in LEFT_STATUSES:
        data["status"] = "left"  # a way of leaving is discipline: all who left, together
    form = forms.FilterForm(data)
    if not sensitive:
        # Filtering by a sensitive field would reveal it: not offered, and not applied.
        form.fields.pop("religion")
        status = form.fields["status"]
        status.choices = [c for c in status.choices if c[0] not in LEFT_STATUSES]  # type: ignore[attr-defined]
    filters = forms.filters_of(form)
    if not sensitive:
        filters = selectors.without_sensitive_filters(filters)
    # Filtering by religion, or searching by a citizen ID, reads a sensitive field: the user says
    # why first, and the rows found are in the access log (accounts.privacy).
    purpose = asked_why.stated(request)
    stated = sensitive and purpose.is_bound and purpose.is_valid()
    digits = bool(filters.q) and search_key(filters.q).isdigit()
    if filters.religion and not stated:
        title = _("Filter by religion") + f" — {org.name}"
        return asked_why.ask(request, purpose, title, reading=True)
    if filters.status in LEFT_STATUSES and not stated:
        # Which way a member left tells of an expulsion: discipline (accounts.privacy).
        title = _("Filter by the way members left the Party") + f" — {org.name}"
        return asked_why.ask(request, purpose, title, reading=True)
    filters = replace(filters, by_citizen_id=stated and digits)
    after = request.GET.get("sau", "")
    if after and not all(c in "0123456789abcdef" for c in after):
        after = ""
    rows, token = selectors.member_list(
        request.user, org, filters, after=after, columns=selectors.ROLL_COLUMNS
    )
    specific = filters.status in LEFT_STATUSES
    if stated and (filters.religion or digits or specific):
        record_with_purpose(
            request,
            purpose,
            action=AccessRecord.Action.VIEW_SENSITIVE,
            object_type="members.partymember",
            ids=[m.pk for m in rows],
            org_path=org.path,
            fields=[
                name
                for name, used in (
                    ("religion", filters.religion),
                    ("citizen_id", digits),
                    ("discipline", specific),
                )
                if used
            ],
            summary=_("Member list") + f" — {org.name}",
        )
    query = request.GET.copy()
    query.pop("sau", None)
    query["org"] = org.code
    rows_html = _rows_html(rows, token, query.urlencode(), revealed=bool(stated))
    if request.htmx and after:  # type: ignore[attr-defined]
        if not token:  # the last rows: the end said here, as the whole page says it below
            end = escape(_("End of the list."))
            rows_html += f'\n<tr class="end"><td colspan="7" class="muted">{end}</td></tr>'
        return HttpResponse(rows_html)
    context = {
        "org": org,
        "form": form,
        "filter_fields": _filter_fields(form, request),
        "filter_problems": forms.filter_problems(form),
        "rows": rows_html,
        "next_token": token,
        "query": query.urlencode(),
        "paged": bool(after),
        "can_admit": can(request.user, Ability.MANAGE_MEMBERS, org.path),
        # A digit search looked at card numbers only: offer the citizen-ID search, with a purpose.
        "citizen_id_offer": sensitive and digits and not stated,
        "purpose_form": purpose,
        "carried": asked_why.carried(request, purpose),
    }
    chooser = forms.OrgChoiceForm(initial={"org": org})
    scope_picker(chooser, "org", visible_orgs(request.user))
    context["org_chooser"] = chooser["org"]
    page = {"org": org, "content": list_page.content_html(context)}
    return render(request, "members/list.html", page)


def _rows_html(rows: list[PartyMember], token: str, query: str, *, revealed: bool) -> str:
    """The rows of a page of the roll, and the link to the next page, as HTML. Written here rather
    than in a template: the page is the most read of all, and a template of 51 rows cost a third
    of its time (issue 9). Every value is escaped; labels by dictionary (`get_FOO_display`
    rebuilds the field's choices for every row; a lazy label is translated at each use)."""
    on = today()
    # The member's address once, its number put in for each row (reversing it 50 times a page
    # cost 0.6 ms): "/dang-vien/0/" → "/dang-vien/", "/".
    head, _zero, tail = reverse("members:detail", args=[0]).rpartition("0")
    # The labels once a page, each escaped once; the rows' text by the standard library's escape,
    # which is Django's without the check for lazy text each call (a fifth of the rows' time).
    sexes, ethnicities = (
        {value: html.escape(label) for value, label in choices_of(Person, field).items()}
        for field in ("sex", "ethnicity")
    )
    statuses = choices_of(PartyMember, "status")

    def label(labels: dict[object, str], value: str) -> str:
        found = labels.get(value)
        return found if found is not None else html.escape(value)

    out = []
    for m in rows:
        person = m.person
        born = person.birth_date
        status = status_shown(m.status, statuses.get(m.status, m.status), revealed=revealed)
        out.append(
            f'<tr>\n<td><a href="{head}{m.pk}{tail}">'
            f"{html.escape(person.full_name)}</a></td>\n"
            f'<td class="day">{format_date(born)}</td>'
            f'<td class="num">{selectors.age_shown(m, born, on)[0] if born else ""}</td>\n'
            f"<td>{label(sexes, person.sex)}</td><td>{label(ethnicities, person.ethnicity)}</td>\n"
            f"<td>{html.escape(status)}</td>"
            f"<td>{html.escape(m.org.name) if m.org else ''}</td></tr>"
        )
    if token:
        more = escape(f"?{query}&sau={token}")
        out.append(
            f'<tr class="more noprint"><td colspan="7"><a href="{more}" hx-get="{more}" '
            f'hx-target="closest tr" hx-swap="outerHTML">{escape(_("Next page"))}</a></td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped above)


def _facts_html(
    member: PartyMember, person: Any, now: dict[str, Any], *, reveal: bool, temp_link: bool = False
) -> SafeString:
    """The record's facts, the two lists at the head of the member's page. Written here rather
    than in the template, as the timeline is: thirty labelled values drawn by the template were
    most of its cost (issue 28). Every value is escaped."""
    masked = f'<span class="masked">{escape(MASK)}</span>'

    def facts(rows: list[tuple[str, str]]) -> str:
        return "".join(f"\n  <dt>{escape(term)}</dt><dd>{value}</dd>" for term, value in rows)

    def text(value: str | None) -> str:
        return escape(value or "—")

    def day(value: Any) -> str:
        return format_date(value) or "—"

    def secret(value: str) -> str:
        return value if reveal else masked

    age, at_death = selectors.age_shown(member, person.birth_date, today())
    if at_death:
        born = ngettext("%(n)s year old at death", "%(n)s years old at death", age) % {"n": age}
    else:
        born = ngettext("%(n)s year old", "%(n)s years old", age) % {"n": age}
    org = member.org
    cell = (
        f'<a href="{escape(address("orgs:detail", org.code))}">{escape(org.name)}</a>'
        if org
        else "—"
    )
    person_rows = [
        (_("Family name"), escape(person.family_name)),
        (_("Middle name"), text(person.middle_name)),
        (_("Given name"), escape(person.given_name)),
        (_("Sex"), escape(choice(person, "sex"))),
        (_("Date of birth"), f"{format_date(person.birth_date)} ({escape(born)})"),
        (_("Ethnicity"), escape(choice(person, "ethnicity"))),
        (_("Religion"), secret(escape(choice(person, "religion")))),
        (_("Citizen ID"), secret(text(person.citizen_id))),
        (_("Health"), secret(text(person.health))),
        (_("Family details"), secret(linebreaksbr(person.family or "—", autoescape=True))),
        (_("Home town"), text(person.hometown)),
        (_("Residence"), text(person.residence)),
        (_("Phone"), text(person.phone)),
    ]
    member_rows = [
        (_("Party cell"), cell),
        (_("Date of the admission decision"), day(member.admission_decision_date)),
        (_("Date of the admission ceremony"), day(member.ceremony_date)),
        (_("Date of becoming an official member"), day(member.official_date)),
    ]
    if member.temp_org_id and (temp := member.temp_org) is not None:
        # A link where the reader may open the cell's page; its name alone otherwise.
        temp_cell = (
            f'<a href="{escape(address("orgs:detail", temp.code))}">{escape(temp.name)}</a>'
            if temp_link
            else escape(temp.name)
        )
        member_rows.append((_("Temporary party cell"), temp_cell))
    first = member.first_admission_date
    if first and first != member.admission_decision_date:
        member_rows.append((_("Date of the first admission decision"), format_date(first)))
    if age_now := now.get("party_age"):
        label = _("Party age at death") if now.get("status") == "deceased" else _("Party age")
        member_rows.append((label, escape(duration(**age_now))))
    if badge := now.get("next_badge"):
        member_rows.append(
            (
                _("Next party badge"),
                escape(
                    _("%(n)s years, on %(d)s")
                    % {"n": badge["tier"], "d": format_date(badge["date"])}
                ),
            )
        )
    member_rows += [
        (_("Party card number"), text(member.card_number)),
        (_("Dossier number"), text(member.dossier_number)),
        (_("General education"), escape(choice(person, "general_education"))),
        (_("Professional level"), escape(choice(person, "professional_level"))),
        (_("Academic title"), escape(choice(person, "academic_title"))),
        (_("Political theory level"), escape(choice(person, "theory_level"))),
        (_("Occupation"), escape(choice(person, "occupation"))),
    ]
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'<dl class="facts">{facts(person_rows)}\n</dl>\n<dl class="facts">{facts(member_rows)}\n</dl>'
    )


def duration(years: int, months: int, days: int, **_rest: Any) -> str:
    """A party age as people say it: "12 năm 3 tháng", "1 year, 5 days" — each part in the
    singular or plural its number asks, a part that is nought left out (none at all: "0 days")."""
    parts = [
        text % {"n": n}
        for n, text in (
            (years, ngettext("%(n)s year", "%(n)s years", years)),
            (months, ngettext("%(n)s month", "%(n)s months", months)),
            (days, ngettext("%(n)s day", "%(n)s days", days)),
        )
        if n
    ]
    # Vietnamese writes the parts one after another, English with commas between.
    return pgettext("between the parts of a duration", ", ").join(parts) or (
        ngettext("%(n)s day", "%(n)s days", 0) % {"n": 0}
    )


def _timeline_html(
    member: PartyMember,
    events: list[Any],
    *,
    can_edit: bool,
    sensitive_allowed: bool = False,
    purpose_query: str = "",
) -> SafeString:
    """The member's events as the items of the page's timeline. Written here rather than in the
    template, as the roll's rows are: nine events drawn by the template cost 2.9 ms of the page's
    20 (issue 28). Every value is escaped."""
    if not events:
        return mark_safe(f'<li class="muted">{escape(_("No events recorded."))}</li>')  # noqa: S308
    # The correction's address once, the event's number put in for each (as `_rows_html` does).
    head, _zero, tail = reverse("members:correct", args=[member.pk, 0]).rpartition("0")
    hidden = _("A discipline event: seeing it needs its own permission and a stated purpose.")
    masked = f'<span class="masked" title="{escape(hidden)}">{escape(MASK)}</span>'
    left_alike = escape(LEFT_LABEL)  # removal, expulsion or resignation (accounts.privacy)
    # A move by restructuring keeps the cell left by its key: its name is shown.
    left = selectors.org_names(
        e.details["from"]
        for e in events
        if isinstance(e.details, dict) and isinstance(e.details.get("from"), int)
    )
    decision_label = escape(_("Decision"))
    corrected = escape(_("Corrected"))
    correct = escape(_("Correct"))
    out = []
    for e in events:
        if getattr(e, "masked", False):
            what = masked
        elif getattr(e, "left_alike", False):
            what = left_alike
        else:
            parts: list[str] = [escape(choice(e, "kind"))]
            if e.org_id:
                parts.append(f", {escape(e.org.name)}")
            if e.decision_id:
                parts.append(f"<br><small>{decision_label}: {escape(str(e.decision))}</small>")
            parts += (
                f"<br><small>{escape(detail_label(k))}: "
                f"{escape(left[v] if k == 'from' and isinstance(v, int) and v in left else detail_value(v))}</small>"
                for k, v in details_shown(e.details)
            )
            what = "".join(parts)
        sensitive = e.kind in LEFT_EVENT_KINDS or is_sensitive_event(e.kind)
        if e.voided_by_id:
            after = f"<br><small>{corrected}</small>"
        elif can_edit and (not sensitive or sensitive_allowed):
            # A way of leaving or a discipline event is corrected only by a user who may see it
            # (members.event_views.correct), the purpose stated on this page carried there.
            carry = f"?{escape(purpose_query)}" if sensitive and purpose_query else ""
            after = f' <a class="noprint" href="{head}{e.pk}{tail}{carry}">{correct}</a>'
        else:
            after = ""
        voided = ' class="voided"' if e.voided_by_id else ""
        out.append(f"<li{voided}><b>{format_date(e.on)}</b> — {what}\n{after}</li>")
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped above)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    from dangvu.members.event_views import available_events, events_problem
    from dangvu.members.events import facts_from

    member = selectors.get_member(request.user, pk)
    person = member.person
    can_edit = can(request.user, Ability.MANAGE_MEMBERS, member.scope_path)
    allowed = can_see_sensitive(request.user, member)
    own = getattr(request.user, "member_id", None) == member.pk
    purpose_form = PurposeForm(
        request.GET if "purpose" in request.GET else None,
        own_record=own,
        initial={"purpose": AccessRecord.Purpose.OWN if own else AccessRecord.Purpose.DOSSIER},
    )
    reveal = allowed and purpose_form.is_bound and purpose_form.is_valid()
    if reveal:
        asked_why.log_member_read(
            request, purpose_form, member, [*SENSITIVE_FIELDS, *SENSITIVE_SECTIONS]
        )
    history = recent_history(member)
    events = selectors.events_of(member)
    facts = facts_from(events)  # read once for today's dates and for what may follow
    now = selectors.member_on(member, today(), facts=facts)
    next_events = available_events(member, facts) if can_edit else []
    # Nothing may follow a record whose events the engine refuses: the officer is told why.
    problem = events_problem(member, facts) if can_edit and not next_events else None
    if not reveal:
        # That there is a discipline event or decision at all is hidden: its lines go, the ways
        # of leaving read alike, suspension is not among the flags, and restoring membership
        # (after an expulsion) is offered only once revealed.
        history = [e for e in (mask_entry(entry) for entry in history) if e.action != MASK]
        events = [e for e in map(mask_event, events) if not getattr(e, "masked", False)]
        now["flags"] = [f for f in now.get("flags") or [] if f not in SENSITIVE_FLAGS]
        next_events = [(k, label) for k, label in next_events if k != "restoration"]
    context = {
        "member": member,
        "person": person,
        "now": now,
        "status": status_shown(member.status, member.get_status_display(), revealed=reveal),
        "status_class": member.status if reveal or member.status not in LEFT_STATUSES else "left",
        "timeline": _timeline_html(
            member,
            events,
            can_edit=can_edit,
            sensitive_allowed=allowed,
            purpose_query=request.GET.urlencode() if reveal else "",
        ),
        "facts": _facts_html(
            member,
            person,
            now,
            reveal=reveal,
            temp_link=member.temp_org_id is not None
            and member.temp_org is not None
            and can(request.user, Ability.VIEW, member.temp_org.path),
        ),
        "events_problem": problem,
        # The sections of the areas above (discipline): only when revealed.
        **(extensions.member_sections(member) if reveal else {}),
        "reveal": reveal,
        "ratings": member.ratings.exclude(level="").order_by("-year") if reveal else [],
        "badges": selectors.badges_of(member),
        "sensitive_allowed": allowed,
        "purpose_form": purpose_form,
        "mask": MASK,
        "corrections": [
            c
            for c in selectors.corrections_of(member)
            if reveal
            or (
                c.field not in SENSITIVE_FIELDS
                # a corrected discipline event tells of the event
                and not any(
                    e is not None and (is_sensitive_event(e.kind) or e.kind in LEFT_EVENT_KINDS)
                    for e in (c.voided, c.replacement)
                )
            )
        ],
        "attribute_history": selectors.attribute_rows(person, reveal),
        "history": history,
        "can_edit": can_edit,
        "can_discipline": can(request.user, Ability.MANAGE_DISCIPLINE, member.scope_path),
        "can_audit": can(request.user, Ability.AUDIT, member.scope_path),
        "next_events": next_events,
    }
    context["content"] = page.content_html(context, request.GET.urlencode())
    return render(request, "members/detail.html", context)


def _initial(member: PartyMember) -> dict[str, Any]:
    person = member.person
    data = {key: getattr(person, key, None) for key in PERSON_KEYS}
    data["card_number"] = member.card_number or ""
    data["dossier_number"] = member.dossier_number or ""
    data["citizen_id"] = person.citizen_id or ""
    return data


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.get_member(request.user, pk)
    if not can(request.user, Ability.MANAGE_MEMBERS, member.scope_path):
        raise Http404
    form = forms.MemberEditForm(request.POST or None, initial=_initial(member))
    allowed = can_see_sensitive(request.user, member)
    if not allowed:
        # Without the permission the sensitive fields are neither shown nor changed.
        for name in SENSITIVE_FIELDS:
            form.fields.pop(name, None)
    elif request.method == "GET":
        # The form shows the sensitive fields filled in: the user says why first.
        asking = asked_why.member_read(
            request, member, _("Edit the record"), list(SENSITIVE_FIELDS)
        )
        if asking:
            return asking

    def act(d: dict[str, Any]) -> PartyMember:
        if not allowed:
            d = {**d, **{name: getattr(member.person, name) for name in SENSITIVE_FIELDS}}
        return services.member_update(
            member=member,
            person=services.PersonInput.from_mapping(d),
            actor=request.user,
            reason=d["reason"],
            effective=d.get("effective"),
            correction=bool(d.get("correction")),
        )

    done = submit(
        request,
        form,
        act,
        _("The record was saved."),
        lambda m: reverse("members:detail", args=[m.pk]),
    )
    return done or render(
        request,
        "members/form.html",
        {"form": form, "member": member, "title": _("Edit the record")},
    )


def admit(request: HttpRequest) -> HttpResponse:
    managed = visible_orgs(request.user, Ability.MANAGE_MEMBERS)
    form = forms.AdmitForm(request.POST or None, initial={"org": request.GET.get("org", "")})
    picker = scope_picker(form, "org", managed, visible_orgs(request.user))
    if not request.GET.get("org") and not request.POST:
        cells = list(picker.queryset.filter(dissolved_on__isnull=True)[:2])
        if len(cells) == 1:  # a cell secretary: the one cell
            form.initial["org"] = cells[0].code

    def act(d: dict[str, Any]) -> PartyMember:
        decision = get_or_create_decision(
            number=d["decision_number"], date=d["decision_date"], issuer=d["decision_issuer"]
        )
        return services.member_admit(
            person=services.PersonInput.from_mapping(d),
            org=d["org"],
            decision=decision,
            ceremony_date=d["ceremony_date"],
            recognised=d["recognised"],
            actor=request.user,
        )

    done = submit(
        request,
        form,
        act,
        _("The member was recorded."),
        lambda m: reverse("members:detail", args=[m.pk]),
    )
    return done or render(
        request, "members/form.html", {"form": form, "title": _("Record an admitted member")}
    )


def stats_page(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse

    day = day_asked(request)
    code = request.GET.get("org", "")
    if not code:
        roots = scope_roots(request.user)
        if not roots:
            return render(request, "members/no_scope.html")
        code = roots[0].code
    org, figures = selectors.stats_for(request.user, code, day)
    if request.GET.get("format") == "json":
        return JsonResponse({"org": org.code, "as_of": day.isoformat(), "indicators": figures})
    labels = {
        "members.total": _("Members in the list"),
        "members.official": _("Official members"),
        "members.probationary": _("Probationary members"),
        "members.women": _("Women"),
        "members.ethnic_minority": _("Ethnic minorities"),
        "members.religious": _("Followers of a religion"),
    }
    main = [(labels[k], figures[k]) for k in labels]
    ages = [
        (AGE_BAND_LABELS[k.rsplit(".", 1)[1]], v)
        for k, v in figures.items()
        if k.startswith("members.age.")
    ]
    context = {
        "org": org,
        "day": day,
        "main": main,
        "ages": ages,
        "corrections": selectors.corrections_for(org, day),
    }
    return render(request, "members/stats.html", context)

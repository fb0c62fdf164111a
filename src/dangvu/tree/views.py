"""Pages of the organisation tree. Thin: forms in, services and selectors do the work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import can
from dangvu.core.changes import get_or_create_decision, history_of
from dangvu.core.dates import today
from dangvu.core.forms import day_asked, parse_day, submit
from dangvu.core.models import Decision
from dangvu.core.text import vi_sort_key
from dangvu.orgs import pickers
from dangvu.orgs.models import Kind, Organisation
from dangvu.rules.organisation import MEMBER_HOLDING_KINDS, structure_notes
from dangvu.tree import forms, selectors, services
from dangvu.tree.extensions import org_panels, subtree_counts

STRUCTURE_NOTES = {
    "grassroots_below_3_official": gettext_lazy(
        "Fewer than 3 official members: a grassroots organisation needs at least 3 (Party Charter, Article 21)."
    ),
    "cell_of_30_or_more": gettext_lazy(
        "30 members or more: a grassroots organisation of this size is usually a grassroots committee "
        "(Party Charter, Article 21)."
    ),
    "committee_under_30": gettext_lazy(
        "Fewer than 30 members: an organisation of this size is usually a grassroots cell (Party Charter, Article 21)."
    ),
    "cell_elects_committee": gettext_lazy(
        "9 official members or more: the cell elects a cell committee (Party Charter, Article 24)."
    ),
    "cell_elects_secretary": gettext_lazy(
        "Fewer than 9 official members: the cell elects a secretary (Party Charter, Article 24)."
    ),
}


def _items(rows: list[Any], counts: dict[int, int], day: dt.date) -> list[dict[str, Any]]:
    """Subordinate organisations as the tree shows them: in Vietnamese alphabetical order, each
    with its name on the day, its kind, its member count and whether it has subordinates (only
    then can it be opened)."""
    names = selectors.names_on([c.org_id for c in rows], day)
    parents = selectors.with_children([c.org_id for c in rows], day)
    items = [
        {
            "org": c.org,
            "name": names.get(c.org_id, c.org.name),
            "kind": Kind(c.kind).label,
            "count": counts.get(c.org_id, 0),
            "opens": c.org_id in parents,
        }
        for c in rows
    ]
    items.sort(key=lambda item: vi_sort_key(item["name"]))
    return items


def _tree_blocks(user: Any, day: dt.date) -> list[dict[str, Any]]:
    """The tops of the user's tree on `day`, each with its member count and its direct
    subordinates; deeper levels are read when a node is opened (`children`)."""
    blocks = []
    for root in selectors.roots_on(user, day):
        placement = selectors.placement_of(root, day)
        if placement is None:
            continue
        counts = subtree_counts(root, day)
        children = selectors.children_on(root, day)
        names = selectors.names_on([root.pk], day)
        blocks.append(
            {
                "org": root,
                "name": names.get(root.pk, root.name),
                "kind": Kind(placement.kind).label,
                "count": counts.get(root.pk, 0),
                "children": _items(children, counts, day),
            }
        )
    return blocks


def tree(request: HttpRequest) -> HttpResponse:
    day = day_asked(request)
    blocks = _tree_blocks(request.user, day)
    return render(
        request, "orgs/tree.html", {"blocks": blocks, "day": day, "is_today": day == today()}
    )


def children(request: HttpRequest, code: str) -> HttpResponse:
    org = selectors.get_org(request.user, code)
    day = day_asked(request)
    counts = subtree_counts(org, day)
    items = _items(selectors.children_on(org, day), counts, day)
    template = "orgs/_children.html" if request.htmx else "orgs/children.html"  # type: ignore[attr-defined]
    return render(
        request, template, {"org": org, "items": items, "day": day, "is_today": day == today()}
    )


def detail(request: HttpRequest, code: str) -> HttpResponse:
    org = selectors.get_org(request.user, code)
    day = day_asked(request)
    counts = subtree_counts(org, day)
    children_items = _items(selectors.children_on(org, day), counts, day)
    panels = org_panels(request.user, org, day)
    placement = selectors.placement_of(org, day)
    notes = []
    if placement is not None and "official" in panels:
        notes = [
            str(STRUCTURE_NOTES[n])
            for n in structure_notes(placement.kind, panels["official"], panels["total"])
        ]
    parent_visible = (
        org.parent if org.parent and can(request.user, Ability.VIEW, org.parent.path) else None
    )
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "day": day,
            "member_count": counts.get(org.pk, 0),
            # The last year whose review is over (ratings close before 31/12).
            "rating_year": today().year - 1
            if today() < dt.date(today().year, 12, 1)
            else today().year,
            "children": children_items,
            "placements": selectors.placement_history(org),
            "names": selectors.name_history(org),
            "history": history_of(org)[:50],
            "parent_visible": parent_visible,
            "can_manage": can(request.user, Ability.MANAGE_ORGS, org.path),
            "lineage": selectors.lineage_of(org),
            "notes": notes,
            **panels,  # the members' roll (members registers it: tree.extensions)
        },
    )


def _decision(form: Any) -> Any:
    data = form.cleaned_data
    return get_or_create_decision(
        number=data.get("decision_number", ""),
        date=data["decision_date"],
        issuer=data["decision_issuer"],
    )


def _managed(request: HttpRequest, code: str) -> Organisation:
    org = selectors.get_org(request.user, code)
    if not can(request.user, Ability.MANAGE_ORGS, org.path):
        raise Http404
    return org


def _change(
    request: HttpRequest,
    org: Organisation,
    form: Any,
    title: str,
    done: str,
    act: Callable[[dict[str, Any], Decision], Organisation | None],
) -> HttpResponse:
    """One page for every dated change of the tree: the form, then the service in a transaction;
    a refusal goes back onto the form's fields, nothing written."""
    finished = submit(
        request,
        form,
        lambda d: act(d, _decision(form)) or org,
        done,
        lambda result: reverse("orgs:detail", args=[result.code]),
    )
    return finished or render(request, "orgs/form.html", {"form": form, "org": org, "title": title})


def create_child(request: HttpRequest, code: str) -> HttpResponse:
    parent = _managed(request, code)

    def act(d: dict[str, Any], decision: Decision) -> Organisation:
        return services.org_create(
            code=d["code"],
            name=d["name"],
            kind=d["kind"],
            category=d["category"],
            parent=parent,
            established_on=d["established_on"],
            decision=decision,
            actor=request.user,
            reason=d["reason"],
        )

    return _change(
        request,
        parent,
        forms.OrgCreateForm(request.POST or None),
        _("New subordinate organisation"),
        _("The organisation was created."),
        act,
    )


def rename(request: HttpRequest, code: str) -> HttpResponse:
    org = _managed(request, code)

    def act(d: dict[str, Any], decision: Decision) -> Organisation:
        return services.org_rename(
            org=org,
            name=d["name"],
            on=d["on"],
            decision=decision,
            actor=request.user,
            reason=d["reason"],
        )

    form = forms.OrgRenameForm(request.POST or None, initial={"name": org.name})
    return _change(request, org, form, _("Rename"), _("The organisation was renamed."), act)


def move(request: HttpRequest, code: str) -> HttpResponse:
    org = _managed(request, code)
    form = forms.OrgMoveForm(request.POST or None)
    managed = selectors.visible_orgs(request.user, Ability.MANAGE_ORGS)
    pickers.scope_picker(form, "parent", managed.exclude(pk=org.pk))

    def act(d: dict[str, Any], decision: Decision) -> Organisation:
        parent = d["parent"]
        return services.org_move(
            org=org,
            new_parent=parent,
            on=d["on"],
            decision=decision,
            actor=request.user,
            reason=d["reason"],
        )

    return _change(
        request,
        org,
        form,
        _("Move under another organisation"),
        _("The organisation was moved."),
        act,
    )


def dissolve(request: HttpRequest, code: str) -> HttpResponse:
    org = _managed(request, code)

    def act(d: dict[str, Any], decision: Decision) -> Organisation:
        return services.org_dissolve(
            org=org, on=d["on"], decision=decision, actor=request.user, reason=d["reason"]
        )

    return _change(
        request,
        org,
        forms.OrgDissolveForm(request.POST or None),
        _("Dissolve"),
        _("The organisation was dissolved."),
        act,
    )


def compare(request: HttpRequest) -> HttpResponse:
    """ "Then and now": the tree on two dates side by side, each as the tree page shows it — the
    tops with their member counts and their direct subordinates, a deeper level read when a node
    is opened — so that the page stays light for a whole province on a slow link."""
    columns = []
    for key, default in (("truoc", "30/06/2025"), ("sau", "")):
        day, ok = parse_day(request.GET.get(key) or default)
        if not ok:
            messages.warning(
                request, _("The date was not understood; showing today. Write it as dd/mm/yyyy.")
            )
        columns.append({"day": day, "blocks": _tree_blocks(request.user, day), "key": key})
    return render(request, "orgs/compare.html", {"columns": columns})


@require_GET
def pick(request: HttpRequest) -> HttpResponse:
    """The matches of an organisation picker (orgs.pickers): radio buttons named as its field."""
    field = request.GET.get("field", "")
    ability = request.GET.get("ability", Ability.VIEW)
    if not field.isidentifier() or (ability not in Ability.values and ability != pickers.ANYWHERE):
        raise Http404
    if ability == pickers.ANYWHERE:
        offered = Organisation.objects.all()
        within = selectors.visible_orgs(request.user)
    else:
        offered = within = selectors.visible_orgs(request.user, ability)
    if request.GET.get("cells"):
        offered = offered.filter(kind__in=MEMBER_HOLDING_KINDS)
    found = pickers.matches(offered, request.GET.get(f"{field}__q", ""))
    names = pickers.labels(found, within)
    return render(
        request,
        "orgs/_picker_matches.html",
        {
            "field": field,
            "found": [(o, names[o.pk]) for o in found],
            "typed": request.GET.get(f"{field}__q", "").strip(),
        },
    )

"""The rating page of an organisation for a year: progress and results for anyone who may see the
organisation; the cell's proposal form and the grassroots committee's decision for those who rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dangvu.accounts import purpose as asked_why
from dangvu.accounts.models import Ability, AccessRecord
from dangvu.accounts.privacy import MASK, record_access
from dangvu.accounts.scope import can
from dangvu.core.changes import get_or_create_decision
from dangvu.core.dates import today
from dangvu.core.errors import RuleError
from dangvu.core.text import vi_sort_key
from dangvu.evaluation import selectors, services
from dangvu.evaluation.models import Rating
from dangvu.evaluation.selectors import rates_as_work
from dangvu.evaluation.services import Proposal
from dangvu.members.selectors import visible_members
from dangvu.orgs.models import Placement, valid_on
from dangvu.rules import evaluation as ev
from dangvu.rules.organisation import MEMBER_HOLDING_KINDS, MEMBER_RATING_KINDS
from dangvu.tree.selectors import answers_on, get_org, placement_of, scope_roots


def org_year(request: HttpRequest, code: str, year: int) -> HttpResponse:
    org = get_org(request.user, code)
    try:
        rules = ev.rules_for(year)
    except ev.NotRated as exc:
        raise Http404 from exc
    if year > today().year:
        raise Http404
    review = ev.review_day(year)
    place = placement_of(org, review)
    if place is None and not answers_on(org, review):
        raise Http404
    # Before the organisation was formed its page reads what became it, and rates nothing.
    may_rate = place is not None and can(request.user, Ability.RATE, org.path)
    holds_members = place is not None and place.kind in MEMBER_HOLDING_KINDS
    decides = place is not None and place.kind in MEMBER_RATING_KINDS
    # Organisations below that proposed their own rating: this level decides them (§1.5).
    org_pending = _org_proposals(org, year) if place is not None else []
    own = _own_rating(org, year) if place is not None and place.parent_id else None
    errors: list[str] = []
    if request.method == "POST":
        if not may_rate:
            raise PermissionDenied
        action = request.POST.get("action", "propose")
        try:
            if action == "decide" and (decides or org_pending):
                _decide(request, org, year)
                messages.success(request, _("The ratings are decided."))
            elif action == "own" and own is not None:
                _propose_own(request, org, year)
                messages.success(request, _("The organisation's own proposal is recorded."))
            elif holds_members:
                _propose(request, org, year, rules)
                messages.success(request, _("The cell's proposal is recorded."))
            else:
                raise Http404
            return redirect("evaluation:org", code=org.code, year=year)
        except ValidationError as exc:
            if action == "own":  # about the organisation itself
                errors = [m for ms in exc.message_dict.values() for m in ms]
            else:
                errors = _named(exc, request.user, "rating" if action == "decide" else "member")
        except RuleError as exc:
            errors = [m for ms in exc.message_dict.values() for m in ms]
        own = _own_rating(org, year) if own is not None else None
    state = selectors.progress(org, year, shown=None if holds_members else 200)
    orgs_pending = sorted(selectors.orgs_not_rated(org, year), key=lambda o: vi_sort_key(o.name))
    members: list[dict[str, Any]] = []
    cell_not_reviewed: list[tuple[Any, str]] = []
    if holds_members:
        periods = selectors.members_in_subtree(org, review).filter(org=org)
        ratings = {
            r.member_id: r
            for r in Rating.objects.filter(year=year, member__in=periods.values("member_id"))
        }
        not_reviewed = {m.pk: why for m, why in state["not_reviewed"]}
        for p in periods.select_related("member__person").order_by("member__person__sort_key"):
            rating = ratings.get(p.member_id)
            if p.member_id in not_reviewed:
                cell_not_reviewed.append((p.member, _without(not_reviewed[p.member_id], rules)))
                continue
            members.append(
                {
                    "member": p.member,
                    "rating": rating,
                    "posted": request.POST.get(f"level_{p.member_id}", "") if errors else "",
                    # What was typed, after a refusal; else what is on record.
                    **_scores_shown(request.POST if errors else None, p.member_id, rating),
                }
            )
    pending = []
    if decides:
        pending = list(
            Rating.objects.filter(year=year, subject=ev.MEMBER, level="", proposed_level__gt="")
            .filter(unit_id__in=_cells_of(org, review))
            .select_related("member__person", "unit")
            .order_by("unit__code", "member__person__sort_key")
        )
    pending += org_pending
    if pending:
        for r in pending:
            r.decide_key = f"decide_{r.pk}"  # type: ignore[attr-defined]
            r.score_shown = (  # type: ignore[attr-defined]
                ev.format_score(r.score_general + r.score_tasks)
                if r.score_general is not None and r.score_tasks is not None
                else ""
            )
    # Members' ratings are sensitive (accounts.privacy): those who rate them — the cell, the level
    # that decides — see them as their work (logged as such); another user with the permission,
    # an officer of a level above included, says why first; others see who is rated, not how.
    purpose = asked_why.stated(request)
    as_work = may_rate and rates_as_work(request.user, org, review)
    may_reveal = can(request.user, Ability.VIEW_SENSITIVE, org.path)
    reveal = as_work or (may_reveal and purpose.is_bound and purpose.is_valid())
    shown = [row["member"].pk for row in members if row["rating"] is not None] + [
        r.member_id
        for r in pending
        if r.member_id  # an organisation's own: not a member's
    ]
    if not reveal:
        _mask_ratings(members, pending, state)
    elif shown:
        record_access(
            request,
            request.user,
            action=AccessRecord.Action.VIEW_SENSITIVE,
            purpose=AccessRecord.Purpose.RATING if as_work else purpose.cleaned_data["purpose"],
            purpose_note="" if as_work else purpose.cleaned_data["purpose_note"],
            object_type="members.partymember",
            ids=sorted(set(shown)),
            org_path=org.path,
            fields=["evaluation"],
            summary=f"{org.name} {year}",
        )
    return render(
        request,
        "evaluation/org_year.html",
        {
            "reveal": reveal,
            "may_reveal": may_reveal and not reveal,
            "purpose_form": purpose,
            "org": org,
            "year": year,
            "rules": rules,
            "state": state,
            "result": selectors.distribution(org, year),
            "org_result": selectors.org_distribution(org, year),
            "orgs_pending": orgs_pending[:200],
            "orgs_pending_total": len(orgs_pending),
            "members": members,
            "cell_not_reviewed": cell_not_reviewed,
            "not_reviewed_rest": [
                (m, _without(why, rules)) for m, why in state["not_reviewed"][:200]
            ],
            "pending": pending,
            "own": own,
            "may_rate": may_rate,
            "holds_members": holds_members,
            "decides": decides or bool(org_pending),
            "levels": [(code, ev.LEVEL_LABELS[code]) for code in ev.LEVELS],
            "errors": errors,
            "years": [y for y in range(2019, today().year + 1)],
            "before_formed": place is None,
            "groups": _groups(org, year) if decides else [],
            "posted": request.POST if errors else {},
            "reclassifier": _reclassifier(request.user, services.grassroots_of(org, review), year)
            if holds_members
            else None,
        },
    )


def _without(why: str, rules: ev.EvaluationRules) -> str:
    """A reason not to review, without the regulation it cites (the page cites it once)."""
    return why.replace(f" ({rules.citation})", "")


def _org_proposals(org: Any, year: int) -> list[Rating]:
    """The organisations directly below that proposed their own rating, waiting for this level."""
    rows = list(
        Rating.objects.filter(year=year, subject=ev.ORG, unit=org, level="", proposed_level__gt="")
        .select_related("org")
        .order_by("org__search_name")
    )
    for r in rows:
        r.unit = r.org  # type: ignore[assignment]  # shown in the "cell" column: itself
    return rows


def _own_rating(org: Any, year: int) -> Rating | None:
    """The organisation's own rating of the year, or an empty one to propose."""
    found = Rating.objects.filter(year=year, subject=ev.ORG, org=org).first()
    return found or Rating(year=year, subject=ev.ORG, org=org)


def _propose_own(request: HttpRequest, org: Any, year: int) -> None:
    """The organisation's self-assessment and proposal of its own level (§1.5)."""
    level = request.POST.get("own_level", "")
    self_level = request.POST.get("own_self_level", "")
    score = None
    try:
        general = _number(request.POST.get("own_general", ""))
        tasks = _number(request.POST.get("own_tasks", ""))
    except ev.ScoreError as exc:
        raise RuleError(str(exc), field="score") from exc
    if general is not None and tasks is not None:
        score = ev.Score(general, tasks)
        problems = ev.score_problems(score)
        if problems:
            raise RuleError(" ".join(problems), field="score")
        if level not in ev.LEVELS:  # the level the score allows, as for a member
            level = ev.level_from_score(ev.rules_for(year), score, subject=ev.ORG)[0]
    if level not in ev.LEVELS:
        raise RuleError(_("Choose the level the organisation proposes."), field="level")
    services.org_rating_propose(
        org=org,
        year=year,
        proposal=Proposal(
            org, level, self_level=self_level if self_level in ev.LEVELS else "", score=score
        ),
        actor=request.user,
    )


def _mask_ratings(members: list[dict[str, Any]], pending: list[Any], state: Any) -> None:
    """The page without the ratings' levels and scores (nothing is saved)."""
    for row in members:
        rating = row["rating"]
        if rating is not None:
            row["rating"] = SimpleNamespace(
                pk=rating.pk,
                member_id=rating.member_id,
                self_level=MASK if rating.self_level else "",
                proposed_level=MASK if rating.proposed_level else "",
                level=MASK if rating.level else "",
                reclassified_from=None,
            )
            row.update(general="", tasks="", exceeded="")
    for r in pending:
        r.proposed_level, r.score_shown = MASK, ""
    for r in state.get("late", []) if isinstance(state, dict) else []:
        if r.member_id:
            r.level = MASK


def _reclassifier(user: Any, deciding: Any, year: int) -> Any:
    """The organisation above `deciding` from which the user may re-classify its ratings (QĐ 124
    Điều 13: the superior level), or None."""
    review = ev.review_day(year)
    below = placement_of(deciding, review) if deciding is not None else None
    if below is None:
        return None
    for root in scope_roots(user):
        place = placement_of(root, review)
        if (
            place is not None
            and below.path.startswith(place.path)
            and below.path != place.path
            and can(user, Ability.RATE, root.path)
        ):
            return root
    return None


def reclassify_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The superior level cancels a decided rating and re-classifies it, with its reason; the
    same checks as the decision, the quota of the level that decided included."""
    rating = (
        Rating.objects.filter(pk=pk)
        .exclude(level="")
        .select_related("member__person", "org", "unit", "deciding_org")
        .first()
    )
    if rating is None or not can(request.user, Ability.VIEW, rating.unit.path):
        raise Http404
    by = _reclassifier(request.user, rating.deciding_org, rating.year)
    if by is None:
        raise PermissionDenied
    errors: list[str] = []
    rules = ev.rules_for(rating.year)
    if request.method == "POST":
        try:
            score = None
            general = _number(request.POST.get("general", ""))
            tasks = _number(request.POST.get("tasks", ""))
            if rules.scored and general is not None and tasks is not None:
                exceeded = _number(request.POST.get("exceeded", ""))
                score = ev.Score(
                    general,
                    tasks,
                    exceeded_pct=float(exceeded)
                    if exceeded is not None
                    else (rating.facts or {}).get("exceeded_pct"),
                )
            services.reclassify(
                rating=rating,
                level=request.POST.get("level", ""),
                reason=request.POST.get("reason", ""),
                actor=request.user,
                by=by,
                score=score,
            )
            messages.success(request, _("The rating is re-classified."))
            return redirect("evaluation:org", code=rating.unit.code, year=rating.year)
        except ev.ScoreError as exc:
            errors = [str(exc)]
        except RuleError as exc:
            errors = [m for ms in exc.message_dict.values() for m in ms]
    return render(
        request,
        "evaluation/reclassify.html",
        {
            "rules": rules,
            "score_shown": ev.format_score(rating.score_general + rating.score_tasks)
            if rating.score_general is not None and rating.score_tasks is not None
            else "",
            "rating": rating,
            "subject": rating.subject_record,
            "by": by,
            "levels": [(code, ev.LEVEL_LABELS[code]) for code in ev.LEVELS],
            "errors": errors,
            "posted": request.POST,
        },
    )


def _parse_day(value: str) -> dt.date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _scores_shown(posted: Any, member_id: int, rating: Rating | None) -> dict[str, str]:
    if posted is not None:
        return {
            key: posted.get(f"{key}_{member_id}", "") for key in ("general", "tasks", "exceeded")
        }
    if rating is None:
        return {"general": "", "tasks": "", "exceeded": ""}
    exceeded = (rating.facts or {}).get("exceeded_pct")
    return {
        "general": ev.format_score(rating.score_general)
        if rating.score_general is not None
        else "",
        "tasks": ev.format_score(rating.score_tasks) if rating.score_tasks is not None else "",
        "exceeded": f"{exceeded:g}".replace(".", ",") if exceeded is not None else "",
    }


def _cells_of(org: Any, on: dt.date) -> Any:

    place = placement_of(org, on)
    assert place is not None
    return Placement.objects.filter(
        valid_on(on), path__gte=place.path, path__lt=place.path + ":"
    ).values("org_id")


class _Undo(Exception):
    """Rolls back a trial whose only purpose was to list its problems."""


def _number(value: str) -> Decimal | None:
    """A number typed with a comma or a point; the score rules then check it as typed."""
    return ev.score_value(value) if value.strip() else None


def _propose(request: HttpRequest, cell: Any, year: int, rules: ev.EvaluationRules) -> None:
    """The cell's proposal from its page: each member with a level chosen, or with a score, the
    level then worked out from it (§16.1 1.2); "everyone else HTTNV" gives that level to the
    members reviewed this year with neither."""
    posted = {
        int(k.split("_", 1)[1])
        for k, v in request.POST.items()
        if k.split("_", 1)[0] in ("level", "general", "tasks") and str(v).strip()
        if k.split("_", 1)[1].isdigit()
    }
    levels = {member_id: request.POST.get(f"level_{member_id}", "") for member_id in posted}
    if request.POST.get("rest") == ev.HTTNV:
        for member_id in _rest_of_cell(cell, year, set(posted)):
            levels[member_id] = ev.HTTNV
    ids = sorted(levels)
    # Only members the user may see: a posted id of another area is dropped, never named.
    members = {
        m.pk: m for m in visible_members(request.user).filter(pk__in=ids).select_related("person")
    }
    proposals = []
    unreadable: dict[str, list[str]] = {}  # every member's unreadable numbers, at once
    worked_out: list[str] = []  # levels the score allowed only below its band, and why
    for member_id in ids:
        member = members.get(member_id)
        if member is None:
            continue
        score = None
        if rules.scored:
            try:
                general = _number(request.POST.get(f"general_{member_id}", ""))
                tasks = _number(request.POST.get(f"tasks_{member_id}", ""))
                exceeded = _number(request.POST.get(f"exceeded_{member_id}", ""))
            except ev.ScoreError as exc:
                unreadable.setdefault(str(member_id), []).append(str(exc))
                continue
            if general is not None and tasks is not None:
                score = ev.Score(
                    general, tasks, exceeded_pct=float(exceeded) if exceeded is not None else None
                )
                problems = ev.score_problems(score)
                if problems and not levels[member_id]:  # the score's own rule, not "choose"
                    unreadable.setdefault(str(member_id), []).extend(problems)
                    continue
                if not levels[member_id]:
                    level, held = ev.level_from_score(rules, score, subject=ev.MEMBER)
                    levels[member_id] = level
                    if held:  # a score of the band above, held back by its rule: say why
                        worked_out.append(
                            _("%(name)s: %(points)s points, %(level)s — %(why)s")
                            % {
                                "name": member.person.full_name,
                                "points": ev.format_score(score.total),
                                "level": level,
                                "why": " ".join(held),
                            }
                        )
        if not levels[member_id]:
            unreadable.setdefault(str(member_id), []).append(
                _("Choose a level, or give both scores so that the level is worked out.")
            )
            continue
        proposals.append(Proposal(member, levels[member_id], score=score))
    if unreadable:
        # The other rows are checked too, so that every problem is listed at once: their
        # proposal is tried and rolled back.
        try:
            with transaction.atomic():
                if proposals:
                    services.ratings_propose(
                        cell=cell, year=year, proposals=proposals, actor=request.user
                    )
                raise _Undo
        except ValidationError as exc:
            for key, messages_ in exc.message_dict.items():
                unreadable.setdefault(key, []).extend(messages_)
        except _Undo:
            pass
        raise ValidationError({k: [ValidationError(m) for m in ms] for k, ms in unreadable.items()})
    if not proposals:
        raise RuleError(_("Choose a level for at least one member."), field="level")
    services.ratings_propose(cell=cell, year=year, proposals=proposals, actor=request.user)
    for line in worked_out:
        messages.info(request, line)


def _rest_of_cell(cell: Any, year: int, given: set[int]) -> list[int]:
    """The cell's members reviewed this year, not decided yet, with nothing given on the page."""
    review = ev.review_day(year)
    state = selectors.progress(cell, year, shown=None)
    skipped = {m.pk for m, _why in state["not_reviewed"]}
    decided = set(
        Rating.objects.filter(year=year, subject=ev.MEMBER)
        .exclude(level="")
        .values_list("member_id", flat=True)
        .filter(unit=cell)
    )
    return [
        member_id
        for member_id in selectors.members_in_subtree(cell, review)
        .filter(org=cell)
        .values_list("member_id", flat=True)
        if member_id not in skipped | decided | given
    ]


@transaction.atomic  # a refused decision leaves no decision record behind
def _decide(request: HttpRequest, org: Any, year: int) -> None:
    number = request.POST.get("decision_number", "").strip()
    day = _parse_day(request.POST.get("decision_date", ""))
    if not number or day is None:
        raise RuleError(
            _("Give the number and the date (dd/mm/yyyy) of the decision."), field="decision"
        )
    groups = _groups(org, year)
    group = None
    if groups:
        chosen_group = request.POST.get("group", "")
        group = next((g for g in groups if str(g.pk) == chosen_group), None)
        if group is None:
            raise RuleError(
                _("Choose the group of similar role the quota is counted in."), field="group"
            )
    decision = get_or_create_decision(
        number=number, date=day, issuer=request.POST.get("issuer", "").strip() or org.name
    )
    chosen = {
        int(k.removeprefix("decide_")): str(v)
        for k, v in request.POST.items()
        if k.startswith("decide_") and v
    }
    ratings = list(
        Rating.objects.filter(
            pk__in=list(chosen),
            year=year,
            level="",
            unit_id__in=_cells_of(org, ev.review_day(year)),
        )
    )
    if not ratings:
        raise RuleError(_("Choose a level for at least one proposal."), field="level")
    services.ratings_decide(
        deciding_org=org,
        year=year,
        levels=[(r, chosen[r.pk]) for r in ratings],
        decision=decision,
        actor=request.user,
        group=group,
        on=day,  # decided on the decision's date: the deadline is judged on it
        late_reason=request.POST.get("late_reason", ""),
    )


def _groups(org: Any, year: int) -> list[Any]:
    """The groups of similar role the deciding level set up for members that year (QĐ 124, QĐ
    366: the quota is counted within the group); none under HD 21, where it is the organisation."""
    from dangvu.evaluation.models import PeerGroup

    if ev.rules_for(year).quota_per != "group":
        return []
    return list(PeerGroup.objects.filter(year=year, deciding_org=org).order_by("name"))


def _named(exc: ValidationError, user: Any, keyed_by: str) -> list[str]:
    """Problems keyed by member id (a proposal) or rating id (a decision), each prefixed with the
    person's name — of members the user may see only."""
    visible = visible_members(user)
    out = []
    for key, problems in exc.message_dict.items():
        name = ""
        if key.isdigit():
            if keyed_by == "rating":
                rating = Rating.objects.filter(pk=int(key), member__in=visible).first()
                member = rating.member if rating is not None else None
            else:
                member = visible.filter(pk=int(key)).select_related("person").first()
            name = member.person.full_name if member else ""
        out += [f"{name}: {p}" if name else p for p in problems]
    return out

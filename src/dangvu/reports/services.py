"""Writes of the reports app: admission targets, report runs, the draft review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvu.accounts import notices
from dangvu.accounts.models import Ability, Notice, RoleGrant
from dangvu.accounts.scope import require
from dangvu.core.actors import Actor, as_user
from dangvu.core.changes import log_entry, open_change_set
from dangvu.core.dates import today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeSet
from dangvu.core.sheets import FileError, open_sheet
from dangvu.orgs.models import SEGMENT_WIDTH, Organisation, subtree_range, valid_on
from dangvu.reports import lists, review
from dangvu.reports.indicators import REGISTRY, Scope, compute_all
from dangvu.reports.models import AdmissionTarget, Comment, ReportRun, Reviewer
from dangvu.reports.statutory_forms import FORMS


def target_set(
    *,
    org: Organisation,
    year: int,
    target: int,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
    reason: str = "",
) -> AdmissionTarget:
    """Record (or change) the organisation's admission target for a year (DOMAIN.md §5.2)."""
    require(actor, Ability.MANAGE_ORGS, org.path)
    if target < 0:
        raise RuleError(_("A target is a whole number, zero or more."), field="target")
    if not 1930 <= year <= 2100:
        raise RuleError(_("The year is not plausible."), field="year")
    with transaction.atomic():
        cs = open_change_set(actor=actor, reason=reason or _("Admission target"), source=source)
        found = AdmissionTarget.objects.filter(org=org, year=year).first()
        before = {"target": found.target} if found else None
        if found is None:
            found = AdmissionTarget.objects.create(org=org, year=year, target=target, changeset=cs)
        else:
            found.target, found.changeset = target, cs
            found.save(update_fields=["target", "changeset"])
        log_entry(
            cs,
            action="update" if before else "create",
            obj=found,
            subject=org,
            before=before,
            after={"target": target, "year": year},
            scope_path=org.path,
        )
    return found


TARGET_HEADERS = {
    "mã tổ chức": "code",
    "code": "code",
    "năm": "year",
    "year": "year",
    "chỉ tiêu": "target",
    "chỉ tiêu kết nạp": "target",
    "target": "target",
}
TARGET_LABELS = {"code": "Mã tổ chức", "year": "Năm", "target": "Chỉ tiêu"}


def targets_import(*, data: bytes, name: str, actor: Actor) -> int:
    """Targets from a file (XLSX, ODS, CSV) with the columns Mã tổ chức, Năm, Chỉ tiêu: every
    problem named by row and column, and nothing written unless every row is right."""

    def score(cells: list[str]) -> int:
        return sum(1 for c in cells if c.strip().lower() in TARGET_HEADERS)

    try:
        sheet = open_sheet(data, name, score, whole=True)
    except FileError as error:
        raise RuleError(str(error)) from error
    keys = [TARGET_HEADERS.get(h.strip().lower(), "") for h in sheet.headers]
    missing = [TARGET_LABELS[k] for k in TARGET_LABELS if k not in keys]
    if missing:
        raise RuleError(
            _("The file has no column “%(cols)s” in its header row.")
            % {"cols": "”, “".join(missing)}
        )
    problems: list[str] = []
    parsed: list[tuple[Organisation, int, int]] = []
    rows = [(number, dict(zip(keys, cells, strict=False))) for number, cells in sheet.rows]
    codes = {str(r.get("code") or "").strip().upper() for _n, r in rows}
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    for number, row in rows:
        code = str(row.get("code") or "").strip().upper()
        org = orgs.get(code)
        if org is None:
            problems.append(
                _("Row %(row)s, column “%(col)s”: no organisation with code “%(v)s”.")
                % {"row": number, "col": TARGET_LABELS["code"], "v": code}
            )
        values: list[int | None] = []
        for column in ("year", "target"):
            cell = row.get(column)
            text = str(cell if cell is not None else "").strip().removesuffix(".0")
            if not text.isdigit():
                problems.append(
                    _("Row %(row)s, column “%(col)s”: “%(v)s” is not a whole number.")
                    % {"row": number, "col": TARGET_LABELS[column], "v": text}
                )
                values.append(None)
            else:
                values.append(int(text))
        if org is not None and None not in values:
            parsed.append((org, values[0], values[1]))  # type: ignore[arg-type]
    if problems:
        raise RuleError("\n".join(problems))
    if not parsed:
        raise RuleError(_("The file has no rows under its header."))
    with transaction.atomic():
        for org, year, target in parsed:
            target_set(
                org=org,
                year=year,
                target=target,
                actor=actor,
                source=ChangeSet.Source.IMPORT,
                reason=name,
            )
    return len(parsed)


# ---------------------------------------------------------------------------------------------
# Runs


def figures_for(
    kind: str, org: Organisation, start: dt.date, end: dt.date, form: str = ""
) -> dict[str, Any]:
    if kind == ReportRun.Kind.ANNUAL:
        return review.annual_figures(org, end.year)
    if kind == ReportRun.Kind.TERM:
        return review.term_figures(org, start.year, end.year)
    definition = FORMS[form]
    scope = Scope(org, start, end)
    figures: dict[str, Any] = {"kind": "form", "current": compute_all(scope, definition.families)}
    if definition.layout == "compare":
        figures["previous"] = compute_all(scope.previous(), definition.families)
    return figures


def run_create(
    *,
    kind: str,
    org: Organisation,
    start: dt.date,
    end: dt.date,
    actor: Actor,
    form: str = "",
    number: str = "",
    source: str = ChangeSet.Source.WEB,
) -> ReportRun:
    """Compute the figures of a report and keep them: the run is what was printed."""
    require(actor, Ability.VIEW, org.path)
    if kind == ReportRun.Kind.FORM and form not in FORMS:
        raise RuleError(_("No statistics form %(n)s.") % {"n": form}, field="form")
    if end < start:
        raise RuleError(_("The period ends before it starts."), field="end")
    figures = figures_for(kind, org, start, end, form)
    with transaction.atomic():
        cs = open_change_set(actor=actor, reason=_("Report generated"), source=source)
        run = ReportRun.objects.create(
            kind=kind,
            form=form,
            org=org,
            start=start,
            end=end,
            number=number,
            figures=figures,
            created_by=as_user(actor),
            changeset=cs,
        )
        log_entry(
            cs,
            action="create",
            obj=run,
            after={"kind": kind, "form": form, "start": start, "end": end},
            scope_path=org.path,
        )
    return run


def _flat(figures: dict[str, Any], prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}/"))
        elif isinstance(value, int | float):
            out[f"{prefix}{key}"] = value
    return out


def differences(run: ReportRun) -> list[dict[str, Any]]:
    """What the records say now against what the run printed: each changed figure with its
    label (later corrections, late entries)."""
    now = _flat(figures_for(run.kind, run.org, run.start, run.end, run.form))
    then = _flat(run.figures)
    found = []
    for key in sorted(set(now) | set(then)):
        if now.get(key, 0) != then.get(key, 0):
            code = key.rsplit("/", 1)[-1]
            where = key.rsplit("/", 1)[0] if "/" in key else ""
            indicator = REGISTRY.get(code)
            found.append(
                {
                    "key": key,
                    "where": where,
                    "code": code,
                    "label": indicator.label() if indicator else code,
                    "printed": then.get(key, 0),
                    "now": now.get(key, 0),
                }
            )
    return found


def stored_table(run: ReportRun) -> Any:
    """A form run's table filled with the figures it stored."""
    from dangvu.reports.statutory_forms import fill

    return fill(
        FORMS[run.form],
        Scope(run.org, run.start, run.end),
        run.figures["current"],
        run.figures.get("previous", {}),
    )


def document_of(run: ReportRun, on: dt.date | None = None) -> tuple[bytes, str, str]:
    """The run's document from its stored figures: (bytes, file name, content type)."""
    from dangvu.reports.xlsx import form_xlsx

    if run.kind == ReportRun.Kind.FORM:
        table = stored_table(run)
        return (
            form_xlsx(table),
            f"bieu-{run.form}-{run.org.code}-{run.end:%Y%m%d}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    data = review.render(
        run.kind,
        run.org,
        run.start,
        run.end,
        run.figures,
        number=run.number,
        draft=run.status != ReportRun.Status.FINAL,
        on=on or run.created_at.date(),
    )
    period = f"{run.end.year}" if run.kind == "annual" else f"{run.start.year}-{run.end.year}"
    return (
        data,
        f"bao-cao-{run.kind}-{run.org.code}-{period}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def annex_of(run: ReportRun) -> bytes:
    return review.annex(run.kind, run.org, run.start, run.end, run.figures)


# ---------------------------------------------------------------------------------------------
# Draft review


def possible_reviewers(run: ReportRun, actor: Actor) -> Any:
    """Who may be asked to comment on a review: active accounts holding a role in force on the
    reviewed organisation, above it or within it — not every account of the system."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    path = run.org.path
    low, high = subtree_range(path)
    above = [path[:end] for end in range(SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)]
    holders = RoleGrant.objects.filter(valid_on(today())).filter(
        Q(org__path__in=above) | Q(org__path__gte=low, org__path__lt=high)
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=holders.values("user_id"))
        .exclude(pk=getattr(actor, "pk", 0) or 0)
        .order_by("username")
    )


def run_publish(*, run: ReportRun, reviewers: list[Any], actor: Actor) -> None:
    """Publish a generated review as a draft to named reviewers (of `possible_reviewers`)."""
    require(actor, Ability.MANAGE_MEMBERS, run.org.path)
    if run.kind == ReportRun.Kind.FORM:
        raise RuleError(_("Statistics forms are not put up for comments; reviews are."))
    allowed = set(possible_reviewers(run, actor).values_list("pk", flat=True))
    reviewers = [u for u in reviewers if u.pk in allowed]
    if not reviewers:
        raise RuleError(_("Name at least one reviewer."), field="reviewers")
    with transaction.atomic():
        cs = open_change_set(actor=actor, reason=_("Draft published for comments"))
        for user in reviewers:
            Reviewer.objects.get_or_create(run=run, user=user)
        run.status = ReportRun.Status.REVIEW
        run.save(update_fields=["status"])
        notices.notify(
            reviewers,
            kind=Notice.Kind.REVIEW,
            text=_("Draft to comment on: %(run)s") % {"run": run_title(run)},
            url=reverse("reports:run", args=[run.pk]),
            actor=actor,
        )
        log_entry(
            cs,
            action="update",
            obj=run,
            after={"status": run.status, "reviewers": [u.username for u in reviewers]},
            scope_path=run.org.path,
        )


def run_title(run: ReportRun) -> str:
    """A report as people name it: "Báo cáo tổng kết năm 2026 — Đảng bộ tỉnh Khánh Hòa"."""
    if run.kind == ReportRun.Kind.ANNUAL:
        what = _("annual review %(year)s") % {"year": run.end.year}
    elif run.kind == ReportRun.Kind.TERM:
        what = _("term review %(start)s–%(end)s") % {"start": run.start.year, "end": run.end.year}
    else:
        what = _("statistics form %(number)s") % {"number": run.form}
    return f"{what} — {run.org.name}"


def sections_of(run: ReportRun) -> list[dict[str, Any]]:
    if run.kind == ReportRun.Kind.ANNUAL:
        return review.annual_sections(run.figures, run.end.year)
    if run.kind == ReportRun.Kind.TERM:
        return review.term_sections(run.figures, run.start.year, run.end.year)
    return []


def comment_add(*, run: ReportRun, section: str, text: str, actor: Actor) -> Comment:
    if not Reviewer.objects.filter(run=run, user=as_user(actor)).exists():
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    if run.status != ReportRun.Status.REVIEW:
        raise RuleError(_("The draft is not open for comments."))
    if section not in {s["key"] for s in sections_of(run)}:
        raise RuleError(_("Choose the section the comment is about."), field="section")
    if not text.strip():
        raise RuleError(_("Write the comment."), field="text")
    with transaction.atomic():
        cs = open_change_set(actor=actor, reason=_("Comment on a draft report"))
        comment = Comment.objects.create(
            run=run, section=section, author=as_user(actor), text=text.strip()
        )
        notices.notify(
            [run.created_by],
            kind=Notice.Kind.COMMENT,
            text=_("New comment on your draft: %(run)s") % {"run": run_title(run)},
            url=reverse("reports:run", args=[run.pk]),
            actor=actor,
        )
        log_entry(
            cs,
            action="create",
            obj=comment,
            subject=run,
            after={"section": section, "text": comment.text},
            scope_path=run.org.path,
        )
    return comment


def comment_answer(*, comment: Comment, answer: str, reason: str, actor: Actor) -> Comment:
    """The drafting officer's answer: accepted, explained or not accepted — with the reason
    when not simply accepted."""
    require(actor, Ability.MANAGE_MEMBERS, comment.run.org.path)
    if answer not in Comment.Answer.values:
        raise RuleError(_("Choose how the comment is answered."), field="answer")
    if answer != Comment.Answer.ACCEPTED and not reason.strip():
        raise RuleError(
            _("Give the reason when a comment is explained or not accepted."), field="reason"
        )
    with transaction.atomic():
        cs = open_change_set(actor=actor, reason=_("Answer to a comment"))
        before = {"answer": comment.answer, "reason": comment.reason}
        comment.answer, comment.reason = answer, reason.strip()
        comment.answered_by, comment.answered_at = as_user(actor), timezone.now()
        comment.save(update_fields=["answer", "reason", "answered_by", "answered_at"])
        notices.notify(
            [comment.author],
            kind=Notice.Kind.ANSWER,
            text=_("Your comment was answered: %(run)s") % {"run": run_title(comment.run)},
            url=reverse("reports:run", args=[comment.run_id]),
            actor=actor,
        )
        log_entry(
            cs,
            action="update",
            obj=comment,
            subject=comment.run,
            before=before,
            after={"answer": answer, "reason": comment.reason},
            scope_path=comment.run.org.path,
        )
    return comment


ANSWER_VI = {
    Comment.Answer.ACCEPTED: "Tiếp thu",
    Comment.Answer.EXPLAINED: "Giải trình",
    Comment.Answer.NOT_ACCEPTED: "Không tiếp thu",
}


def comments_docx(run: ReportRun) -> bytes:
    """The table of comments and answers ("Bảng tổng hợp ý kiến góp ý và tiếp thu, giải trình"),
    with the heading blocks of a party document."""
    title = (
        "năm " + str(run.end.year)
        if run.kind == "annual"
        else f"nhiệm kỳ {run.start.year}–{run.end.year}"
    )
    titles = {s["key"]: s["title"] for s in sections_of(run)}
    rows = [
        [
            titles.get(comment.section, comment.section),
            comment.author.get_full_name() or comment.author.username,
            comment.text,
            ANSWER_VI.get(comment.answer, "Chưa trả lời"),  # type: ignore[call-overload]
            comment.reason,
        ]
        for comment in run.comments.select_related("author").all()
    ]
    return lists.as_docx(
        lists.PartyList(
            org=run.org,
            on=dt.date.today(),
            title="BẢNG TỔNG HỢP Ý KIẾN GÓP Ý VÀ TIẾP THU, GIẢI TRÌNH",
            subtitle=f"Dự thảo Báo cáo tổng kết công tác xây dựng Đảng {title}",
            columns=["Phần", "Người góp ý", "Nội dung góp ý", "Tiếp thu, giải trình", "Lý do"],
            rows=rows,
        )
    )

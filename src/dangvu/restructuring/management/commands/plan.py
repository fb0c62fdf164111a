from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.changes import get_or_create_decision
from dangvu.core.cli import add_format, parse_as_of, print_json
from dangvu.core.dblock import on_a_snapshot
from dangvu.core.models import ChangeSet
from dangvu.restructuring.models import Plan
from dangvu.restructuring.services import (
    PlanRefused,
    plan_apply,
    plan_check,
    plan_create,
    plan_preview,
    plan_revert,
)
from dangvu.restructuring.spreadsheet import SheetError, read_rows


class Command(BaseCommand):
    help = "Restructuring plans: import from a spreadsheet, check, apply, revert."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import", help="a plan from a spreadsheet (old code → new code or new parent)"
        )
        imp.add_argument("file")
        imp.add_argument("--name", required=True)
        imp.add_argument("--on", required=True, help="effective date YYYY-MM-DD")
        imp.add_argument("--decision-number", default="")
        imp.add_argument("--decision-date", help="YYYY-MM-DD (default: the effective date)")
        imp.add_argument("--decision-issuer", required=True)
        imp.add_argument("--dry-run", action="store_true", help="check and preview, keep nothing")
        imp.add_argument(
            "--apply", action="store_true", help="apply it at once when it has no problem"
        )
        add_format(imp)
        for name in ("show", "apply"):
            p = sub.add_parser(name)
            p.add_argument("plan", type=int)
            add_format(p)
        rev = sub.add_parser("revert")
        rev.add_argument("plan", type=int)
        rev.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            self._import(options)
            return
        plan = Plan.objects.filter(pk=options["plan"]).first()
        if plan is None:
            raise CommandError(f"No plan {options['plan']}")
        if action == "show":
            self._report(plan, [p.as_dict() for p in plan_check(plan=plan)], options["format"])
        elif action == "apply":
            try:
                plan_apply(plan=plan, actor=None)
            except ValidationError as exc:
                problems = [p.as_dict() for p in getattr(exc, "problems", [])] or [
                    {"message": m} for m in exc.messages
                ]
                self._report(plan, problems, options["format"], failed=True)
            plan.refresh_from_db()
            if options["format"] == "json":
                self._report(plan, [], "json")
            else:
                self.stdout.write(f"Plan {plan.pk} applied.")
        elif action == "revert":
            try:
                plan_revert(plan=plan, actor=None, reason=options["reason"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(f"Plan {plan.pk} reverted.")

    def _import(self, options: dict[str, Any]) -> None:
        from django.db import transaction

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}")
        try:
            rows = read_rows(path.read_bytes(), path.name)
        except SheetError as exc:
            raise CommandError(str(exc)) from exc
        on = parse_as_of(options["on"])
        decided = parse_as_of(options["decision_date"]) if options.get("decision_date") else on

        def create() -> Plan:
            return plan_create(
                name=options["name"],
                effective_on=on,
                decision=get_or_create_decision(
                    number=options["decision_number"],
                    date=decided,
                    issuer=options["decision_issuer"],
                ),
                rows=rows,
                actor=None,
                source=ChangeSet.Source.CLI,
            )

        class Trial(Exception):
            pass

        # The plan is read, checked and previewed on a snapshot of the database (on SQLite), in
        # a transaction rolled back: the service's write lock is not taken for the trial. Only a
        # plan without problems is then saved, and applied with --apply, in one transaction.
        report: list[dict[str, Any]] = []
        preview: list[dict[str, Any]] = []
        trial: Plan | None = None
        with on_a_snapshot():
            try:
                with transaction.atomic():
                    trial = create()
                    report = [p.as_dict() for p in plan_check(plan=trial)]
                    preview = plan_preview(plan=trial) if not report else []
                    raise Trial
            except PlanRefused as exc:
                report = [p.as_dict() for p in exc.problems]
            except Trial:
                pass
        if options["dry_run"] or report or trial is None:
            shown = trial or Plan(name=options["name"], effective_on=on)
            self._report(
                shown, report, options["format"], preview=preview, failed=bool(report), kept=False
            )
            return
        plan = create()
        if options["apply"]:
            try:
                plan_apply(plan=plan, actor=None)
            except PlanRefused as exc:
                self._report(
                    plan, [p.as_dict() for p in exc.problems], options["format"], failed=True
                )
            plan.refresh_from_db()
        self._report(plan, report, options["format"], preview=preview)

    def _report(
        self,
        plan: Plan,
        problems: list[dict[str, Any]],
        fmt: str,
        preview: list[Any] | None = None,
        failed: bool = False,
        kept: bool = True,
    ) -> None:
        document = {
            "plan": plan.pk if kept else None,
            "status": plan.status,
            "effective_on": plan.effective_on,
            "operations": plan.operations.count() if kept else None,
            "problems": problems,
            "preview": preview or [],
        }
        if fmt == "json":
            print_json(document, self.stdout._out)
        else:
            for p in problems:
                row = f"row {p['row']}: " if p.get("row") else ""
                self.stderr.write(f"{row}{p['message']}")
            for r in preview or []:
                self.stdout.write(f"{r['code']:<20} {r['members_before']} → {r['members_after']}")
        if failed:
            sys.exit(1)

"""Imports as the web and the command line run them: a batch kept with its file, checked, then
committed as one change set, and revertible as one (DESIGN.md principle 5)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.core.actors import Actor, as_user
from dangvu.core.changes import open_change_set
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeSet
from dangvu.core.sheets import FileError, open_sheet
from dangvu.evaluation.services import ratings_revert_import
from dangvu.exchange.columns import KINDS, header_score, match_headers
from dangvu.exchange.importing import Outcome, checksum, importer_for
from dangvu.exchange.models import ImportBatch
from dangvu.members.services import members_revert_import
from dangvu.tree.services import orgs_revert_import

STORED_PROBLEMS = 5000  # a report keeps this many errors and warnings; the CLI prints them all


def may_import(user: Any, kind: str) -> bool:
    ability = {"orgs": Ability.MANAGE_ORGS, "ratings": Ability.RATE}.get(
        kind, Ability.MANAGE_MEMBERS
    )
    return not scope_for(user, ability).empty


def upload(*, user: Any, kind: str, filename: str, content: bytes) -> ImportBatch:
    if kind not in KINDS or not may_import(user, kind):
        raise PermissionDenied
    return _stored(
        content,
        kind=kind,
        filename=filename[:255],
        checksum=checksum(content),
        size=len(content),
        user=user,
    )


BLOB_PART = 1 << 20


def _stored(content: bytes, **fields: Any) -> ImportBatch:
    """A new batch with its file. SQLite gets the file into the row a megabyte at a time
    (incremental blob I/O, after a zeroblob of its size): bound as a parameter, the whole file is
    copied by the driver and kept by its cached statement, 17.7 MB more at the end of an import
    of 150,000 rows (issue 28, point 5). PostgreSQL gets it as one binary parameter bound by
    the server: through Django's cursor, which binds on the client, the file went into the
    statement's text escaped as hex, 125 MB more for a file of 17.7 MB."""
    table = ImportBatch._meta.db_table
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        import psycopg

        with transaction.atomic():
            batch = ImportBatch.objects.create(content=b"", **fields)
            with connection.cursor() as cursor, psycopg.Cursor(cursor.connection) as bound:
                bound.execute(
                    f"UPDATE {quote(table)} SET content = %b WHERE id = %s",  # noqa: S608 — the model's table
                    [content, batch.pk],
                )
        batch.content = content
        return batch
    with transaction.atomic():
        batch = ImportBatch.objects.create(content=b"", **fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(table)} SET content = zeroblob(%s) WHERE id = %s",  # noqa: S608 — the model's table
                [len(content), batch.pk.hex],
            )
            cursor.execute(f"SELECT rowid FROM {quote(table)} WHERE id = %s", [batch.pk.hex])  # noqa: S608
            (rowid,) = cursor.fetchone()
        if content:
            whole = memoryview(content)
            with connection.connection.blobopen(table, "content", rowid) as blob:
                for start in range(0, len(whole), BLOB_PART):
                    blob.write(whole[start : start + BLOB_PART])
    batch.content = content
    return batch


def headers_of(batch: ImportBatch) -> tuple[list[str], dict[str, int], list[str]]:
    """The file's headers, those recognised ({column key: index}) and those not."""
    sheet = open_sheet(bytes(batch.content), batch.filename, header_score(batch.kind))
    found, unmatched = match_headers(batch.kind, sheet.headers, batch.mapping)
    return sheet.headers, found, unmatched


def report_of(outcome: Outcome) -> dict[str, Any]:
    data = outcome.as_json()
    data["errors_total"] = len(outcome.errors)
    data["warnings_total"] = len(outcome.warnings)
    data["errors"] = data["errors"][:STORED_PROBLEMS]
    data["warnings"] = data["warnings"][:STORED_PROBLEMS]
    data["rows"] = outcome.rows[:]  # the first PREVIEW_ROWS rows (importing.base.RowLog)
    data["rows_total"] = len(outcome.rows)
    data["missing"] = outcome.missing
    return data


def _progress(batch: ImportBatch) -> Any:
    def report(phase: str, done: int, total: int) -> None:
        if transaction.get_connection().in_atomic_block:
            return  # inside the commit's transaction nobody else would see it
        ImportBatch.objects.filter(pk=batch.pk).update(phase=phase, done=done, total=total)

    return report


def _override(batch: ImportBatch) -> dict[str, Any]:
    chosen = batch.override or {}
    rows = chosen.get("rows") or []
    return {
        "override_rows": "all" if rows == "all" else {int(r) for r in rows},
        "override_reason": chosen.get("reason", ""),
    }


def require_reason(rows: Any, reason: str) -> None:
    """Rows kept against the rules are kept only with the reason the change log records."""
    if rows and not reason.strip():
        raise RuleError(
            _("Say why these rows are kept against the rules: the change log records it."),
            field="reason",
        )


@transaction.atomic
def batch_override(*, batch: ImportBatch, rows: list[int] | str, reason: str, actor: Actor) -> None:
    """Keep rows a rule of their year refuses, with the reason the change log will record; the
    file is checked again with them (nobody keeps rows of a file they may not import)."""
    if batch.user_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if batch.state not in (ImportBatch.State.CHECKED, ImportBatch.State.FAILED):
        raise RuleError(_("Only a checked file can be imported with exceptions."))
    require_reason(rows, reason)
    batch.override = {"rows": rows, "reason": reason.strip()} if rows else {}
    batch.save(update_fields=["override"])


def batch_check(*, batch: ImportBatch) -> Outcome:
    """The dry run: every problem of the file, and what a commit would create or change."""
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.CHECKING, done=0)
    importer = importer_for(
        batch.kind,
        bytes(batch.content),
        batch.filename,
        batch.user,
        mapping=batch.mapping,
        progress=_progress(batch),
        **_override(batch),
    )
    outcome = importer.check()
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.CHECKED, report=report_of(outcome), phase="", done=0, total=0
    )
    return outcome


def batch_commit(*, batch: ImportBatch) -> Outcome:
    """Check again and write every row, or none; the batch keeps the change set."""
    if batch.state in (ImportBatch.State.COMMITTED, ImportBatch.State.REVERTED):
        raise RuleError(_("This file was already imported."))
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.COMMITTING, phase="write", done=0, total=0
    )
    importer = importer_for(
        batch.kind,
        bytes(batch.content),
        batch.filename,
        batch.user,
        mapping=batch.mapping,
        progress=_progress(batch),
        **_override(batch),
    )
    outcome, changeset = importer.commit()
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.COMMITTED if outcome.committed else ImportBatch.State.FAILED,
        report=report_of(outcome),
        changeset=changeset,
        phase="",
    )
    return outcome


def file_import(
    *,
    kind: str,
    content: bytes,
    filename: str,
    actor: Actor,
    dry_run: bool,
    mapping: dict[str, str] | None = None,
    source: str = ChangeSet.Source.IMPORT,
    progress: Any = None,
    override_rows: AbstractSet[int] | str = frozenset(),
    override_reason: str = "",
) -> tuple[Outcome, ImportBatch | None]:
    """One call for the command line: check, or check and commit, a file."""
    require_reason(override_rows, override_reason)
    importer = importer_for(
        kind,
        content,
        filename,
        actor,
        mapping=mapping,
        progress=progress,
        source=source,
        override_rows=override_rows,
        override_reason=override_reason,
    )
    if dry_run:
        return importer.check(), None
    outcome, changeset = importer.commit()
    if changeset is None:
        return outcome, None
    batch = _stored(
        content,
        kind=kind,
        filename=filename[:255],
        checksum=outcome.checksum,
        size=len(content),
        user=as_user(actor),
        mapping=mapping or {},
        override={
            "rows": override_rows if override_rows == "all" else sorted(override_rows),
            "reason": override_reason,
        }
        if override_rows
        else {},
        state=ImportBatch.State.COMMITTED,
        report=report_of(outcome),
        changeset=changeset,
    )
    return outcome, batch


@transaction.atomic
def batch_revert(*, batch: ImportBatch, actor: Actor, reason: str) -> int:
    """Take a committed import back as one change set, if nothing recorded later depends on it."""

    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != ImportBatch.State.COMMITTED or batch.changeset is None:
        raise RuleError(_("Only a committed import can be reverted."))
    if not reason.strip():
        raise RuleError(_("Say why the import is reverted."), field="reason")
    revert = open_change_set(
        actor=actor,
        reason=_("Revert of the import of %(file)s: %(reason)s")
        % {"file": batch.filename, "reason": reason},
        source=ChangeSet.Source.IMPORT,
    )
    if batch.kind == "orgs":
        count = orgs_revert_import(changeset=batch.changeset, actor=actor, revert=revert)
    elif batch.kind in ("ratings", "org_ratings"):
        count = ratings_revert_import(changeset=batch.changeset, actor=actor, revert=revert)
    else:
        count = members_revert_import(changeset=batch.changeset, actor=actor, revert=revert)
    batch.state, batch.reverted_by = ImportBatch.State.REVERTED, revert
    batch.save(update_fields=["state", "reverted_by"])
    return count


__all__ = ["FileError", "batch_check", "batch_commit", "batch_revert", "file_import", "upload"]


# --- a batch's steps on the page: each changes its state here, and queues the worker's part -----


def batch_failed(*, batch: ImportBatch, message: str, internal: bool = False) -> None:
    """The batch cannot go on: its page says why (a file that cannot be read, a failed run)."""
    report: dict[str, Any] = {
        "errors": [{"row": 0, "column": "", "value": "", "message": message}],
        "errors_total": 1,
    }
    if internal:
        report["internal"] = True
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.FAILED, phase="", report=report
    )


def batch_map(*, batch: ImportBatch, mapping: dict[str, str]) -> None:
    """What each column holds, as the user chose it; then the worker checks the file."""
    from dangvu.exchange import tasks

    taken = [v for v in mapping.values() if v]
    if len(taken) != len(set(taken)):
        raise RuleError(_("Each kind of data can come from one column only."))
    ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.UPLOADED).update(
        mapping=mapping, state=ImportBatch.State.CHECKING
    )
    tasks.check_import.enqueue(str(batch.pk))


def batch_check_again(*, batch: ImportBatch) -> None:
    """After rows were kept against the rules (batch_override): the worker checks the file again."""
    from dangvu.exchange import tasks

    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.CHECKING, done=0)
    tasks.check_import.enqueue(str(batch.pk))


def batch_queue_commit(*, batch: ImportBatch) -> bool:
    """A checked batch without errors is queued for the worker to write; otherwise nothing."""
    from dangvu.exchange import tasks

    if batch.state != ImportBatch.State.CHECKED or (batch.report or {}).get("errors_total"):
        return False
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.COMMITTING)
    tasks.commit_import.enqueue(str(batch.pk))
    return True

"""Sensitive personal data of party members: which fields, masking, and the access log (kept with the
scope, below every area, so that every area and the change log apply the same list).

Sensitive here follows Decree 13/2023/NĐ-CP art. 2(4) and the personal data protection law in
force from 1/1/2026: citizen ID, religion, health, family details, and the member's discipline and
evaluation results. A user sees them only with a grant marked `sensitive` covering the member (or
for their own record), only after saying why, and each such read is logged (accounts.AccessRecord).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dangvu.accounts import accesslog
from dangvu.accounts.models import AccessRecord

# The one list of what is sensitive (DESIGN.md principle 2; Decree 13/2023 art. 2(4)). Pages,
# exports, the change log, the API and documents all ask the functions below; nothing else decides.
# A date of birth is basic personal data under the decree and the 2025 law (not sensitive): it is
# shown to whoever may see the member.
# Person fields that are sensitive; discipline and evaluation results are whole sections.
SENSITIVE_FIELDS: dict[str, Any] = {
    "citizen_id": _("Citizen ID"),
    "religion": _("Religion"),
    "health": _("Health"),
    "family": _("Family details"),
}
SENSITIVE_SECTIONS = ("discipline", "evaluation")
# Membership events that are discipline (the decision itself is in the discipline section).
# (registered at start-up by members from its registry of kinds, members.kinds: `sensitive`)
SENSITIVE_EVENT_KINDS: set[str] = set()


def register_sensitive_event_kinds(kinds: set[str] | frozenset[str]) -> None:
    SENSITIVE_EVENT_KINDS.update(kinds)


# The flag a suspension sets on the member while it lasts.
SENSITIVE_FLAGS = frozenset({"suspended"})
# Change-log actions whose every value is sensitive: discipline decisions, ratings, and the
# events above.
SENSITIVE_ACTIONS = ("discipline.", "evaluation.", "rating.")
MASK = "••••••"
# Ways of leaving the Party. Expulsion is discipline: so that it cannot be told apart, the three
# read alike ("left the Party") to whoever has not revealed sensitive data, and a list filtered
# by one of them asks the purpose, like a filter by religion.
LEFT_STATUSES = frozenset({"removed", "expelled", "resigned"})
LEFT_LABEL = _("Left the Party")
# The events of those three ways of leaving read alike too: "left the Party" on its day, with
# nothing of which way, its ground, its cell or its decision — on the member's page, in the change
# log and in an export. Hidden for an expulsion alone, or named for the other two, the difference
# would tell the expulsion.
LEFT_EVENT_KINDS = frozenset({"removal", "expulsion", "resignation"})
LEFT_ACTION = "member.event.left"


def status_shown(status: str, label: object, *, revealed: bool) -> str:
    """A member's status as shown: the label, or "left the Party" for the three ways of leaving
    when sensitive data is not revealed."""
    return str(LEFT_LABEL if status in LEFT_STATUSES and not revealed else label)


def mask_mapping(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """A change log's before/after with the sensitive values hidden."""
    if values is None:
        return None
    return {
        k: (MASK if k in SENSITIVE_FIELDS and v not in (None, "") else v) for k, v in values.items()
    }


def is_sensitive_event(kind: str) -> bool:
    return kind in SENSITIVE_EVENT_KINDS


def is_sensitive_action(action: str) -> bool:
    if action.startswith("member.event."):
        return is_sensitive_event(action.removeprefix("member.event."))
    return action.startswith(SENSITIVE_ACTIONS)


def mask_event(event: Any) -> Any:
    """A membership event as shown without the permission (not saved): a way of leaving the Party
    reads as "left the Party" (`left_alike`), whichever it was; another discipline event says only
    that there is an event, not which, nor its decision (`masked`)."""
    if event.kind in LEFT_EVENT_KINDS:
        event.left_alike = True
    elif is_sensitive_event(event.kind):
        event.masked = True
    return event


def entry_is_sensitive(entry: Any) -> bool:
    """Whether a change-log entry holds anything sensitive (what masking would hide)."""
    if is_sensitive_action(entry.action):
        return True
    return any(
        key in SENSITIVE_FIELDS and value not in (None, "")
        for values in (entry.before or {}, entry.after or {})
        for key, value in values.items()
    )


def mask_entry(entry: Any) -> Any:
    """A change-log entry as shown to someone without the permission (the entry is not saved)."""
    entry.before, entry.after = mask_mapping(entry.before), mask_mapping(entry.after)
    if entry.action.startswith("member.event.") and (
        entry.action.removeprefix("member.event.") in LEFT_EVENT_KINDS
    ):
        entry.action = LEFT_ACTION  # the three ways of leaving read alike, their values hidden
    elif is_sensitive_action(entry.action) and entry.action.startswith(
        ("member.event.", "discipline.")
    ):
        entry.action = MASK  # that there is a discipline event or decision is itself hidden
    if entry.action in (MASK, LEFT_ACTION) or is_sensitive_action(entry.action):
        entry.before = dict.fromkeys(entry.before, MASK) if entry.before else entry.before
        entry.after = dict.fromkeys(entry.after, MASK) if entry.after else entry.after
        whose, sep, _what = entry.object_label.partition(" — ")
        entry.object_label = f"{whose} — {MASK}" if sep else MASK
    return entry


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_access(
    request: HttpRequest | None,
    user: Any,
    *,
    action: str,
    purpose: str,
    object_type: str,
    ids: Iterable[Any],
    purpose_note: str = "",
    org_path: str = "",
    fields: Iterable[str] = (),
    summary: str = "",
    via: str = "web",
) -> AccessRecord | None:
    """Write one line of the access log. Called before the data leaves the server. While a long
    write holds SQLite's lock, the line is spooled and written after it (accounts.accesslog)."""
    id_list = [str(i) for i in ids]
    return accesslog.write(
        dict(
            user=user if getattr(user, "pk", None) else None,
            username=getattr(user, "username", "") or "system",
            ip=client_ip(request),
            via=via,
            action=action,
            purpose=purpose
            if purpose in AccessRecord.Purpose.values
            else AccessRecord.Purpose.OTHER,
            purpose_note=purpose_note.strip()[:300],
            object_type=object_type,
            object_ids=id_list[:1000],
            row_count=len(id_list),
            org_path=org_path,
            fields=sorted(fields),
            summary=summary[:300],
        )
    )


def record_with_purpose(request: HttpRequest, form: Any, **fields: Any) -> AccessRecord | None:
    """`record_access` for the signed-in user, with the purpose a PurposeForm was given."""
    return record_access(
        request,
        request.user,
        purpose=form.cleaned_data["purpose"],
        purpose_note=form.cleaned_data["purpose_note"],
        **fields,
    )

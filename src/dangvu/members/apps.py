from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dangvu.core import labels


class MembersConfig(AppConfig):
    name = "dangvu.members"
    label = "members"
    verbose_name = _("Party members")

    def ready(self) -> None:
        from dangvu.accounts.guard import register_write_check
        from dangvu.members.selectors import written_members

        register_write_check("members.partymember", written_members)
        labels.register_actions(
            {
                "member.delete": _("Imported record taken back"),
                "member.create": _("Record created"),
                "member.update": _("Record edited"),
                "member.card": _("Party card issued"),
                "member.event.admission": _("Admission recorded"),
                "member.event.recognition": _("Recognition recorded"),
                "member.event.ceremony": _("Admission ceremony recorded"),
                "member.event.correct": _("Event corrected"),
                # Removal, expulsion or resignation, to whoever has not revealed sensitive data
                # (accounts.privacy.LEFT_ACTION).
                "member.event.left": _("Left the Party"),
            }
        )
        labels.register_action_family("member.event.", _event_label)
        labels.register_field_models("members.Person", "members.PartyMember")
        from dangvu.accounts.privacy import register_sensitive_event_kinds
        from dangvu.members import kinds
        from dangvu.members.selectors import org_page_roll, subtree_member_counts
        from dangvu.members.services import register_dissolve_check
        from dangvu.tree import extensions

        register_sensitive_event_kinds(kinds.sensitive())
        extensions.register_subtree_counts(subtree_member_counts)
        extensions.register_org_panel(org_page_roll)
        extensions.register_rerooted(_search_rerooted)

        register_dissolve_check()


def _search_rerooted(org_ids: list[int]) -> None:
    """A move took these organisations to another province: their members' search keys follow."""
    from dangvu.members import search

    search.rekey(org_ids)


def _event_label(kind: str) -> object | None:
    """`member.event.<kind>`: the kind's own name (a kind with its own entry above is read first)."""
    from dangvu.members.models import EventKind

    return EventKind(kind).label if kind in EventKind.values else None

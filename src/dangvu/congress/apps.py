from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dangvu.core import labels


class CongressConfig(AppConfig):
    name = "dangvu.congress"
    label = "congress"
    verbose_name = _("Congresses and committees")

    def ready(self) -> None:
        labels.register_actions(
            {
                "congress.create": _("Congress recorded"),
                "term.create": _("Term of a committee recorded"),
                "congress.document": _("Congress document attached"),
                "election.create": _("Candidates of an election listed"),
                "election.count": _("Ballots counted"),
                "election.approve": _("Election result approved"),
                "election.record": _("Election recorded from its minutes"),
                "election.void": _("Election round withdrawn (entered in error)"),
                "seat.appoint": _("Committee appointed"),
                "seat.leave": _("Committee member left the post"),
            }
        )
        from dangvu.accounts.guard import register_write_check
        from dangvu.congress import selectors, services, worklists
        from dangvu.tree.services import succession_handlers

        register_write_check("congress.congress", selectors.written_congress)
        register_write_check("congress.election", selectors.written_elections)
        register_write_check("congress.seat", selectors.written_seats)
        worklists.register()
        if services.close_seats not in succession_handlers:
            succession_handlers.append(services.close_seats)

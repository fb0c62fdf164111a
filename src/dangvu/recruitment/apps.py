from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dangvu.core import labels


class RecruitmentConfig(AppConfig):
    name = "dangvu.recruitment"
    label = "recruitment"
    verbose_name = _("New-member development")

    def ready(self) -> None:
        labels.register_actions(
            {
                "candidate.create": _("Candidate entered"),
                "candidate.update": _("Candidate's file updated"),
                "candidate.document": _("Dossier document recorded"),
                "candidate.verification": _("Background verification recorded"),
                "candidate.vote": _("Vote recorded"),
                "candidate.close": _("Candidate's file closed"),
                "candidate.admit": _("Candidate admitted"),
            }
        )
        from dangvu.accounts.guard import register_write_check
        from dangvu.recruitment import services, worklists
        from dangvu.recruitment.selectors import written_candidates
        from dangvu.tree.services import succession_handlers

        register_write_check("recruitment.candidate", written_candidates)
        worklists.register()
        if services.carry_files not in succession_handlers:
            succession_handlers.append(services.carry_files)

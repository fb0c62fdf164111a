from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "dangvu.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from dangvu.accounts.guard import register_write_check
        from dangvu.core.labels import register_value_labels
        from dangvu.reports.models import Comment
        from dangvu.reports.selectors import written_report_runs

        register_write_check("reports.reportrun", written_report_runs)
        # A comment's answer by its label (tiếp thu, giải trình…), not its code.
        answers = dict(Comment.Answer.choices)
        register_value_labels("answer", lambda value: answers.get(str(value), value))

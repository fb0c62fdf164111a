from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "dangvu.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from dangvu.accounts.guard import register_write_check
        from dangvu.reports.selectors import written_report_runs

        register_write_check("reports.reportrun", written_report_runs)

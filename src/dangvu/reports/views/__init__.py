"""Report pages: the forms with every cell linked to its records, the dashboard, the targets,
the reviews and their draft review."""

from __future__ import annotations

from dangvu.reports.views.pages import (
    DASHBOARD_YEARS,
    RECORDS_SHOWN,
    _errors,
    _last_day,
    _org_for_period,
    _period,
    _query,
    _sensitive_gate,
    create_review,
    dashboard,
    form_page,
    index,
    org_reports,
    records_page,
    recruitment_page,
    targets_page,
)
from dangvu.reports.views.reviews import (
    _act,
    _run_for,
    answer,
    comment,
    publish,
    run_file,
    run_page,
)

__all__ = [
    "DASHBOARD_YEARS",
    "RECORDS_SHOWN",
    "_act",
    "_errors",
    "_last_day",
    "_org_for_period",
    "_period",
    "_query",
    "_run_for",
    "_sensitive_gate",
    "answer",
    "comment",
    "create_review",
    "dashboard",
    "form_page",
    "index",
    "org_reports",
    "publish",
    "records_page",
    "recruitment_page",
    "run_file",
    "run_page",
    "targets_page",
]

"""Imports run by the task worker (`dangvu worker`), beside the web server."""

from __future__ import annotations

import logging

from django_tasks import task

from dangvu.exchange import services
from dangvu.exchange.models import ImportBatch

log = logging.getLogger(__name__)


def _run(batch_id: str, commit: bool) -> None:
    batch = ImportBatch.objects.select_related("user").get(pk=batch_id)
    try:
        if commit:
            services.batch_commit(batch=batch)
        else:
            services.batch_check(batch=batch)
    except Exception:  # the page must say it failed, not spin for ever
        log.exception("import %s failed", batch_id)
        services.batch_failed(batch=batch, message="internal", internal=True)


@task()
def check_import(batch_id: str) -> None:
    _run(batch_id, commit=False)


@task()
def commit_import(batch_id: str) -> None:
    _run(batch_id, commit=True)

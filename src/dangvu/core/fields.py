from __future__ import annotations

from typing import Any

from django.db import models


class PathField(models.CharField):
    """A materialised path of fixed-width digit segments, compared byte by byte on every database.

    On PostgreSQL the column uses the "C" collation so that prefix ranges use the B-tree index
    whatever the database's default collation; SQLite compares text bytewise already.
    """

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params

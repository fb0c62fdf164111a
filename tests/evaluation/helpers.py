"""Shared steps of the rating tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangvu.discipline.services import discipline_record
from tests.conftest import decision


def disciplined(form: str, on: dt.date, *, member: Any = None, org: Any = None) -> Any:
    """A discipline decision signed and announced on `on` by the commune's committee."""
    return discipline_record(
        form=form,
        decision=decision(on, f"{on:%j}-QĐ/ĐU", "Đảng ủy xã Phước Hải"),
        announced_on=on,
        deciding_body="Đảng ủy xã Phước Hải",
        actor=None,
        member=member,
        org=org,
    )

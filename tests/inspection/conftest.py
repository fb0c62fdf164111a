"""The inspection officers of the tests: `khanh` of the Phước Hải commune (without the permission
for sensitive data) and `lan` of the province (with it)."""

from __future__ import annotations

import pytest

from dangvu.accounts.models import Role
from dangvu.accounts.services import role_grant
from tests.conftest import FOUNDED, make_user


@pytest.fixture
def officers(world):
    khanh = make_user("khanh", "Võ Minh Khánh")
    lan = make_user("lan", "Hồ Thị Lan")
    role_grant(
        user=khanh,
        org=world.phuoc_hai,
        role=Role.INSPECTION_OFFICER,
        valid_from=FOUNDED,
        actor=None,
    )
    role_grant(
        user=lan,
        org=world.province,
        role=Role.INSPECTION_OFFICER,
        valid_from=FOUNDED,
        actor=None,
        sensitive=True,
    )
    return khanh, lan

"""The demo's cast (issue 23, point 10): the people who try the demo province, each with a role —
the provincial officer (admin), a ward's officer, two cell secretaries, a reviewer of the annual
review and an account administrator — and a draft review with comments to answer.

Passwords are random and returned once, for `dangvu demo` to print; nothing is a default."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction

from dangvu.accounts.models import Role, User
from dangvu.accounts.services import role_grant, user_create
from dangvu.core.dates import today
from dangvu.members.models import PartyMember
from dangvu.orgs.models import Organisation
from dangvu.reports import services as reports
from dangvu.reports.models import ReportRun
from dangvu.rules.organisation import MEMBER_HOLDING_KINDS

# The ward whose officer and secretaries the demo casts, when the province has it; otherwise the
# first ward or commune with two cells.
WARD = "KH-BANGOI"


@dataclass
class Player:
    username: str
    name: str
    role: str  # what they do, as the README and `make run` say it
    password: str


def _ward(province: Organisation) -> tuple[Organisation, list[Organisation]]:
    current = Organisation.objects.filter(path__startswith=province.path, dissolved_on=None)
    candidates = [
        current.filter(code=WARD).first(),
        *current.filter(kind="commune_superior").order_by("code"),
    ]
    for ward in candidates:
        if ward is None:
            continue
        cells = list(current.filter(parent=ward, kind__in=MEMBER_HOLDING_KINDS).order_by("path"))
        if len(cells) >= 2:
            return ward, cells[:2]
    raise LookupError("no ward with two cells in the demo province")


@dataclass
class Places:
    """Where the cast works: the province, the ward, its first cell and one of its members — the
    pages a test or a benchmark opens."""

    province: Organisation
    ward: Organisation
    cell: Organisation
    member: PartyMember


def places(province: Organisation) -> Places:
    ward, (cell, _other) = _ward(province)
    member = PartyMember.objects.filter(org=cell).order_by("pk").first()
    assert member is not None
    return Places(province, ward, cell, member)


def _account(username: str, name: str, *, account_admin: bool = False) -> tuple[User, str]:
    password = secrets.token_urlsafe(12)
    user = user_create(
        username=username,
        full_name=name,
        password=password,
        account_admin=account_admin,
        actor=None,
    )
    return user, password


@transaction.atomic
def build_cast(province: Organisation) -> list[Player]:
    """The cast on the province as it is today; skipped for anyone whose account exists."""
    since = dt.date(2025, 7, 1)
    ward, (cell_a, cell_b) = _ward(province)
    plan = [
        ("admin", "Quản Trị Demo", province, Role.ORG_OFFICER, True, "cán bộ Ban Tổ chức Tỉnh ủy"),
        ("phuong", "Lê Thị Phương", ward, Role.ORG_OFFICER, False, f"cán bộ {ward.name}"),
        ("chibo1", "Nguyễn Văn Hùng", cell_a, Role.SECRETARY, False, f"bí thư {cell_a.name}"),
        ("chibo2", "Trần Thị Lan", cell_b, Role.SECRETARY, False, f"bí thư {cell_b.name}"),
        ("gopy", "Phạm Văn Góp", province, Role.VIEWER, False, "góp ý dự thảo tổng kết năm"),
        (
            "kiemtra",
            "Đỗ Văn Kiểm",
            province,
            Role.INSPECTION_OFFICER,
            True,
            "cán bộ Ủy ban Kiểm tra Tỉnh ủy",
        ),
    ]
    cast: list[Player] = []
    users: dict[str, User] = {}
    for username, name, org, role, sensitive, what in plan:
        if User.objects.filter(username=username).exists():
            users[username] = User.objects.get(username=username)
            continue
        user, password = _account(username, name)
        role_grant(user=user, org=org, role=role, valid_from=since, sensitive=sensitive, actor=None)
        users[username] = user
        cast.append(Player(username, name, what, password))
    if not User.objects.filter(username="quantri").exists():
        _user, password = _account("quantri", "Hồ Quản Trị", account_admin=True)
        cast.append(Player("quantri", "Hồ Quản Trị", "quản trị tài khoản", password))
    if not ReportRun.objects.filter(kind=ReportRun.Kind.ANNUAL, org=province).exists():
        _draft_review(province, users["admin"], users["gopy"])
    return cast


def _draft_review(province: Organisation, officer: User, reviewer: User) -> None:
    """Last year's annual review, put up for comments to the reviewer, with two comments."""
    year = today().year - 1
    run = reports.run_create(
        kind=ReportRun.Kind.ANNUAL,
        org=province,
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        actor=officer,
    )
    reports.run_publish(run=run, reviewers=[reviewer], actor=officer)
    for section, text in (
        ("phat-trien", "Đề nghị nêu rõ nguyên nhân số đảng viên mới kết nạp chưa đạt chỉ tiêu."),
        ("danh-gia", "Bổ sung so sánh tỷ lệ xếp loại với năm trước."),
    ):
        reports.comment_add(run=run, section=section, text=text, actor=reviewer)

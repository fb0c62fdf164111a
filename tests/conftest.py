"""The named world of the tests (STYLE.md practice 11).

A province TU-T with two communes: Phước Hải (cells PH-1 and PH-2) and Tân Sơn (cell TS-1).
`an` is organisation-board officer of the province, `binh` secretary of cell PH-1, `cuong` an officer
of the Tân Sơn commune, `dung` a viewer of the province, `admin` an account administrator with no role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from dangvu.accounts.models import Role, User
from dangvu.accounts.services import role_grant
from dangvu.core.changes import get_or_create_decision
from dangvu.members.models import PartyMember
from dangvu.members.services import PersonInput, member_admit
from dangvu.orgs.models import Organisation
from dangvu.tree.services import org_create
from tests.layers import Layers, commits, wanted_layers

FOUNDED = dt.date(2000, 1, 1)
PASSWORD = "đúng-mật-khẩu-2026"


@dataclass
class World:
    province: Organisation
    phuoc_hai: Organisation
    tan_son: Organisation
    ph1: Organisation
    ph2: Organisation
    ts1: Organisation
    an: User
    binh: User
    cuong: User
    dung: User
    admin: User
    members: dict[str, PartyMember]


def decision(on: dt.date, number: str = "", issuer: str = "Ban Thường vụ Tỉnh ủy") -> Any:
    return get_or_create_decision(number=number, date=on, issuer=issuer)


def make_org(
    code: str,
    name: str,
    kind: str,
    parent: Organisation | None,
    on: dt.date = FOUNDED,
    category: str = "",
) -> Organisation:
    return org_create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        established_on=on,
        decision=decision(on),
        actor=None,
        category=category,
    )


def make_user(username: str, full_name: str, *, account_admin: bool = False) -> User:
    family, _sep, given = full_name.rpartition(" ")
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=given,
        last_name=family,
        is_superuser=account_admin,
        is_staff=account_admin,
    )
    return user


def admit(
    org: Organisation,
    full_name: str,
    *,
    sex: str = "M",
    birth: dt.date = dt.date(1980, 5, 17),
    decided: dt.date = dt.date(2010, 3, 2),
    ceremony: dt.date | None = dt.date(2010, 3, 20),
    recognised: bool = True,
    admission_details: dict[str, Any] | None = None,
    **attrs: Any,
) -> PartyMember:
    person = PersonInput(full_name=full_name, sex=sex, birth_date=birth, **attrs)
    return member_admit(
        person=person,
        org=org,
        decision=decision(decided, issuer="Ban Thường vụ Huyện ủy"),
        ceremony_date=ceremony,
        recognised=recognised,
        actor=None,
        admission_details=admission_details,
    )


def sign_in(client: Any, user: User) -> Any:
    """Sign a test client in; an account administrator also passes the second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dangvu.accounts.middleware import needs_second_factor

    client.force_login(user)
    if needs_second_factor(user):
        device, _new = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture(scope="session")
def _layers(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Layers]:
    """The shared states of this worker's test database (tests/layers.py)."""
    layers = Layers()
    yield layers
    with django_db_blocker.unblock():
        layers.close_all()


@pytest.fixture
def _layer_value(request: pytest.FixtureRequest, _layers: Layers, django_db_blocker: Any) -> Any:
    """Opens the layers this test stands on (closing the others), before pytest-django's atomic
    block of the test; a deep copy of what the top layer built."""
    wanted = wanted_layers(request.fixturenames)
    if wanted and commits(request.fixturenames, request.node.get_closest_marker("django_db")):
        raise pytest.UsageError(
            f"{request.node.nodeid} commits (transactional_db) and cannot stand on the shared "
            f"layer {wanted[-1]}: build what it needs itself, as `live_world` does."
        )
    with django_db_blocker.unblock():
        _layers.ensure(wanted)
        return _layers.value(wanted[-1]) if wanted else None


@pytest.fixture
def _django_db_helper(_layer_value: Any, _django_db_helper: Any) -> Iterator[None]:
    """pytest-django's database fixture, once this test's layers are open (tests/layers.py)."""
    yield


@pytest.fixture
def world(db: Any, _layer_value: Any) -> World:
    """The named world (module docstring), built once per worker; each test rolls back to it."""
    return _layer_value if isinstance(_layer_value, World) else _layer_value[0]


@pytest.fixture
def live_world(transactional_db: Any) -> World:
    """The same world, committed, for tests that drive a browser against the live server."""
    return build_world()


def build_world() -> World:
    with transaction.atomic():
        province = make_org("TU-T", "Đảng bộ tỉnh Thử Nghiệm", "provincial", None)
        district = make_org("HU-A", "Đảng bộ huyện An Phước", "district", province)
        phuoc_hai = make_org(
            "X-PH", "Đảng bộ xã Phước Hải", "grassroots_committee", district, category="xa"
        )
        tan_son = make_org(
            "X-TS",
            "Đảng bộ thị trấn Tân Sơn",
            "grassroots_committee",
            district,
            category="thi_tran",
        )
        ph1 = make_org("PH-1", "Chi bộ Thôn Phước Lập", "cell", phuoc_hai)
        ph2 = make_org("PH-2", "Chi bộ Thôn Hữu Đức", "cell", phuoc_hai)
        ts1 = make_org("TS-1", "Chi bộ Khu phố 1", "cell", tan_son)
        an = make_user("an", "Nguyễn Văn An")
        binh = make_user("binh", "Trần Thị Bình")
        cuong = make_user("cuong", "Lê Văn Cường")
        dung = make_user("dung", "Phạm Thị Dung")
        admin = make_user("admin", "Quản Trị Viên", account_admin=True)
        role_grant(
            user=an,
            org=province,
            role=Role.ORG_OFFICER,
            valid_from=FOUNDED,
            actor=None,
            sensitive=True,
        )
        role_grant(user=binh, org=ph1, role=Role.SECRETARY, valid_from=FOUNDED, actor=None)
        role_grant(user=cuong, org=tan_son, role=Role.ORG_OFFICER, valid_from=FOUNDED, actor=None)
        role_grant(user=dung, org=province, role=Role.VIEWER, valid_from=FOUNDED, actor=None)
        members = {
            "hoa": admit(
                ph1,
                "Nguyễn Thị Hoa",
                sex="F",
                birth=dt.date(1985, 2, 1),
                citizen_id="058185000123",
                ethnicity="17",
                religion="khac",
            ),
            "an": admit(ph1, "Nguyễn Văn An", birth=dt.date(1950, 7, 1), citizen_id="058050000001"),
            "thanh": admit(
                ph2,
                "Đàng Văn Thành",
                birth=dt.date(1995, 1, 10),
                ethnicity="17",
                decided=dt.date(2024, 6, 3),
                ceremony=dt.date(2024, 6, 20),
                recognised=False,
            ),
            "son": admit(
                ts1, "Lê Minh Sơn", birth=dt.date(1979, 12, 30), citizen_id="056079000777"
            ),
        }
    return World(
        province=province,
        phuoc_hai=phuoc_hai,
        tan_son=tan_son,
        ph1=ph1,
        ph2=ph2,
        ts1=ts1,
        an=an,
        binh=binh,
        cuong=cuong,
        dung=dung,
        admin=admin,
        members=members,
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: Any) -> None:
    """No persistent connections in tests: the live server's threads must not hold the test database."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture
def recorded(_layers: Layers) -> Any:
    """`recorded(reading)`: what a reading declared with `tests.layers.record_on` read when its
    layer was built."""
    return _layers.recorded


@pytest.fixture
def history(world, _layer_value):
    """A year of comings and goings in the named world (2023), and the years around it: the
    members by name (tests/layers.py builds it once per worker with `build_history`)."""
    return _layer_value[1]


@pytest.fixture
def demo_2023(db: Any, _layer_value: Any) -> Any:
    """The shared demo province (tests/layers.py) with its history to 31/12/2023: the builder."""
    return _layer_value


@pytest.fixture
def demo(db: Any, _layer_value: Any) -> Any:
    """The shared demo province to 31/12/2025, the reform of 1/7/2025 applied: the builder."""
    return _layer_value


# --- which database a test runs on, and in what order -------------------------------------------

DATABASE_MARKERS = ("both_databases", "once")


def declaration(item: pytest.Item) -> str | None:
    """The closest of the two marks: a test's own mark overrides its module's."""
    for marker in item.iter_markers():
        if marker.name in DATABASE_MARKERS:
            return marker.name
    return None


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> Iterator[None]:
    """Every test declares whether the database can change its outcome, and the PostgreSQL pass
    leaves out those it cannot; tests of the same layers run one after another, the demo's on one
    worker (tests/layers.py)."""
    declared = {item: declaration(item) for item in items}
    undeclared = [item.nodeid for item, marker in declared.items() if marker is None]
    if undeclared:
        raise pytest.UsageError(
            "Each test is marked `both_databases` (the database can change its outcome: queries, "
            "constraints, triggers, transactions, collation, figures; it runs on SQLite and on "
            "PostgreSQL) or `once` (a browser journey, a document, a command's formatting, a pure "
            "rule: it runs in the SQLite pass only), on the test or its module. Not marked: "
            + ", ".join(undeclared[:20])
        )
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        once = [item for item in items if declared[item] == "once"]
        if once:
            config.hook.pytest_deselected(items=once)
            items[:] = [item for item in items if declared[item] != "once"]

    def order(item: pytest.Item) -> tuple[int, tuple[str, ...]]:
        names = list(getattr(item, "fixturenames", ()))
        if commits(names, item.get_closest_marker("django_db")):
            return (2, ())
        stack = wanted_layers(names)
        return (0 if stack and stack[0].startswith("demo") else 1, stack)

    items.sort(key=order)
    for item in items:
        if order(item)[0] == 0:
            item.add_marker(pytest.mark.xdist_group("demo"))
    # Before the other plugins' hooks (a wrapper runs first): pytest-xdist reads the group marks.
    return (yield)

"""The permission matrix (issue 5): every URL pattern and every API operation, tried as anonymous,
with no role, with a role in scope and with a role on another subtree, reading and writing.

The routes come from the URL configuration and the OpenAPI document; a route that appears without
an entry in ROUTES (or API_ROUTES) fails the test, so no endpoint goes untried. On every denial the
database is compared with its state before: same rows, same checksums.

Who is who (tests/conftest.py): `cuong` is organisation-board officer of the Tân Sơn commune (X-TS,
cell TS-1, member Lê Minh Sơn); everything of Phước Hải (X-PH: cells PH-1, PH-2, members Hoa, An,
Thành) lies on another subtree. `khoa` administers accounts for X-TS; `nobody` holds no role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dangvu.accounts.models import Role, RoleGrant, User
from dangvu.accounts.services import role_grant, token_create
from dangvu.api.api import api
from dangvu.core.backup import current_manifest
from dangvu.restructuring.models import Operation, Plan
from tests.conftest import FOUNDED, PASSWORD, admit, decision, sign_in

pytestmark = pytest.mark.both_databases

# Data of the other subtree (Phước Hải): none of it may appear in cuong's answers.
OTHER_SUBTREE = [
    "Nguyễn Thị Hoa",
    "Đàng Văn Thành",
    "058185000123",
    "Thôn Phước Lập",
    "Thôn Hữu Đức",
]
# …and none of it, nor Tân Sơn's, in the answers to a user with no role.
ANY_RECORD = [*OTHER_SUBTREE, "Lê Minh Sơn", "056079000777", "Khu phố 1", "Tân Sơn"]
# Tables whose rows are records (sessions, lockout counters and the access log change on reads).
RECORD_TABLES = (
    "orgs_",
    "members_",
    "discipline_",
    "restructuring_",
    "core_changeset",
    "core_changelogentry",
    "core_decision",
    "accounts_rolegrant",
    "accounts_apitoken",
    "accounts_user",
    "exchange_",
    "evaluation_",
    "awards_",
    "reports_",
    "congress_",
    "activities_",
    "inspection_",
)


def records_state() -> dict[str, Any]:
    return {k: v for k, v in current_manifest().items() if k.startswith(RECORD_TABLES)}


def upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.exchange.files import MEMBER_HEADER, member_row, xlsx

    content = xlsx([MEMBER_HEADER, member_row("Trần Văn Bảy", None, card="56000101", cell="TS-1")])
    return SimpleUploadedFile("dang-vien.xlsx", content)


def import_batches(world: Any) -> dict[str, Any]:
    """Imports of cuong's (uploaded, checked, committed) and one of an's on the other subtree."""
    from dangvu.exchange import services

    def batch(user: User, citizen: str, cell: str) -> Any:
        from tests.exchange.files import MEMBER_HEADER, member_row, xlsx

        content = xlsx([MEMBER_HEADER, member_row("Trần Văn Tám", None, card=citizen, cell=cell)])
        return services.upload(user=user, kind="members", filename="f.xlsx", content=content)

    uploaded = batch(world.cuong, "56000102", "TS-1")
    checked = batch(world.cuong, "56000103", "TS-1")
    services.batch_check(batch=checked)
    committed = batch(world.cuong, "56000104", "TS-1")
    services.batch_check(batch=committed)
    assert services.batch_commit(batch=committed).committed
    other = batch(world.an, "58000105", "PH-1")
    return {
        "uploaded": uploaded.pk,
        "checked": checked.pk,
        "committed": committed.pk,
        "out": {"pk": other.pk},
    }


@dataclass
class Route:
    """How to try one route. `kind`: public (anyone), own (any signed-in user, about themselves),
    scoped (records of a subtree: `inside` is in cuong's scope, `outside` on the other subtree).
    `post_inside` is a valid write for the user in scope; `post` is what others try."""

    kind: str
    inside: dict[str, Any] = field(default_factory=dict)
    outside: dict[str, Any] = field(default_factory=dict)
    query_inside: dict[str, str] = field(default_factory=dict)
    query_outside: dict[str, str] = field(default_factory=dict)
    post: dict[str, Any] | None = None
    post_outside: dict[str, Any] | None = None
    post_inside: dict[str, Any] | None = None
    user: str = "cuong"
    get_inside: int = 200


def person_payload(name: str, birth: str, reason: str = "Cập nhật nơi cư trú") -> dict[str, str]:
    return {
        "full_name": name,
        "sex": "M",
        "birth_date": birth,
        "ethnicity": "01",
        "religion": "none",
        "general_education": "thpt",
        "professional_level": "none",
        "academic_title": "none",
        "theory_level": "none",
        "occupation": "other",
        "residence": "Khu phố 2, thị trấn Tân Sơn",
        "reason": reason,
    }


DAY = "02/11/2026"
CONGRESS = {
    "first_year": 2020,
    "last_year": 2025,
    "kind": "members",
    "opens_on": "12/05/2020",
    "closes_on": "12/05/2020",
    "convened": 3,
    "present": 3,
}
ELECTION = {
    "body": "inspection",
    "how": "plenum",
    "held_on": "21/05/2025",
    "round": 1,
    "seats": 1,
    "base_kind": "members",
    "convened": 3,
    "present": 3,
}


STUDY_DOCUMENT = {
    "form": "document",
    "document-kind": "resolution",
    "document-number": "NQ 2",
    "document-title": "T",
    "document-issuer": "I",
    "document-level": "grassroots",
    "document-issued_on": DAY,
}


def decision_fields() -> dict[str, str]:
    return {"decision_number": "15-QĐ/ĐU", "decision_date": DAY, "decision_issuer": "Đảng ủy"}


def report_runs(world: Any) -> dict[str, Any]:
    """An annual review of each subtree, published for comments, each with a comment; cuong
    reviews the one of Tân Sơn, binh the one of Phước Hải."""
    from dangvu.reports import services

    found: dict[str, Any] = {}
    for key, org, reviewer in (
        ("in", world.tan_son, world.cuong),
        ("out", world.phuoc_hai, world.binh),
    ):
        run = services.run_create(
            kind="annual", org=org, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31), actor=None
        )
        services.run_publish(run=run, reviewers=[reviewer], actor=None)
        found[key] = run
        found[f"comment_{key}"] = services.comment_add(
            run=run, section="to-chuc", text="Góp ý thêm", actor=reviewer
        )
    return found


def ratings_decided(world: Any, cell: Any, member: Any, commune: Any) -> Any:
    """A member's 2023 rating proposed by the cell and decided by the commune (2024 is left for
    the rating page's own write)."""
    from dangvu.evaluation.services import Proposal, ratings_decide, ratings_propose

    [rating] = ratings_propose(
        cell=cell, year=2023, proposals=[Proposal(member, "HTTNV")], actor=world.an
    )
    ratings_decide(
        deciding_org=commune,
        year=2023,
        levels=[(rating, "HTTNV")],
        decision=None,
        actor=world.an,
        on=dt.date(2023, 12, 20),
    )
    return rating


CANDIDATE = {
    "full_name": "Lâm Thị Ngân",
    "sex": "F",
    "birth_date": "05/05/2003",
    "ethnicity": "01",
    "religion": "none",
    "general_education": "thpt",
    "professional_level": "none",
    "occupation": "other",
    "kind": "union_member",
    "source_kind": "union",
    "introduced_by": "Ban Chấp hành Đoàn xã",
    "introduced_on": "26/03/2025",
}
CLOSE = {
    "action": "close",
    "status": "withdrawn",
    "status_on": "01/05/2025",
    "status_reason": "Rút",
}


def candidates_for(world: Any) -> dict[str, Any]:
    from dangvu.members.services import PersonInput
    from dangvu.recruitment.services import candidate_enter

    def one(cell: Any, name: str, birth: dt.date) -> Any:
        return candidate_enter(
            person=PersonInput(full_name=name, sex="M", birth_date=birth),
            cell=cell,
            kind="person",
            source_kind="residential",
            introduced_by="Ban Công tác Mặt trận",
            introduced_on=dt.date(2025, 3, 1),
            actor=None,
        )

    return {
        "in": one(world.ts1, "Hồ Văn Lực", dt.date(1998, 2, 2)),
        "out": one(world.ph1, "Đỗ Văn Phước", dt.date(1997, 3, 3)),
    }


def congresses_for(world: Any) -> dict[str, Any]:
    """A congress, its secretary elected and approved, and a document, on each subtree."""
    from dangvu.congress import services as cs
    from dangvu.rules import congress as rules

    made: dict[str, Any] = {}
    for side, org, member in (
        ("in", world.tan_son, world.members["son"]),
        ("out", world.phuoc_hai, world.members["hoa"]),
    ):
        day = dt.date(2025, 5, 20)
        congress = cs.congress_record(
            org=org,
            data=cs.CongressInput(2025, 2030, rules.MEMBER_CONGRESS, day, day, 3, 3),
            actor=None,
        )
        election = cs.election_open(
            org=org,
            term=congress.term,
            body=rules.INSPECTION_CHAIR,
            held_on=day,
            seats=1,
            base_kind=rules.MEMBER_CONGRESS,
            convened=3,
            present=3,
            nominees=[cs.NomineeInput(member=member)],
            how=rules.AT_PLENUM,
            actor=None,
        )
        cs.election_count(
            election=election,
            votes={member.pk: 3},
            ballots_issued=3,
            ballots_collected=3,
            invalid=0,
            actor=None,
        )
        seat = cs.election_approve(
            election=election, decision=decision(dt.date(2025, 6, 1), f"9-QĐ/{side}"), actor=None
        )[0]
        cs.election_record(
            org=org,
            term=congress.term,
            body=rules.DELEGATE,
            held_on=day,
            seats=1,
            base_kind=rules.MEMBER_CONGRESS,
            convened=3,
            present=3,
            nominees=[cs.NomineeInput(member=member)],
            votes={member.pk: 3},
            ballots_issued=3,
            ballots_collected=3,
            invalid=0,
            approval=decision(dt.date(2025, 6, 1), f"10-QĐ/{side}"),
            congress=congress,
            actor=None,
        )
        pending = cs.election_open(
            org=org,
            term=congress.term,
            body=rules.INSPECTION,
            held_on=day,
            seats=1,
            base_kind=rules.MEMBER_CONGRESS,
            convened=3,
            present=3,
            nominees=[cs.NomineeInput(member=member)],
            how=rules.AT_PLENUM,
            actor=None,
        )
        document = cs.document_record(
            congress=congress,
            kind="resolution",
            dated=day,
            title="Nghị quyết Đại hội",
            content=b"%PDF-1.4 nghi quyet",
            filename="nghi-quyet.pdf",
            actor=None,
        )
        made[side] = {
            "election": election,
            "pending": pending,
            "seat": seat,
            "document": document,
            "member": member,
        }
    return made


def activities_for(world: Any) -> dict[str, Any]:
    """A meeting, a dues basis, book and payment, and a document to study, on each subtree."""
    from dangvu.activities import dues
    from dangvu.activities import services as acts
    from dangvu.activities.roll import roll_for
    from dangvu.rules import activities as rules
    from dangvu.rules import dues as dues_rules

    hoa, an = world.members["hoa"], world.members["an"]
    # A member of Tân Sơn's cell whom no other route moves (the events' routes transfer Sơn).
    sinh = admit(world.ts1, "Đinh Văn Sinh")
    made: dict[str, Any] = {}
    for key, cell, committee, people in (
        ("in", world.ts1, world.tan_son, [sinh]),
        ("out", world.ph1, world.phuoc_hai, [hoa, an]),
    ):
        meeting = acts.meeting_record(
            org=cell,
            data=acts.MeetingInput(
                kind=rules.REGULAR,
                held_on=dt.date(2026, 10, 5),
                starts=dt.time(19, 30),
                ends=dt.time(21, 0),
                chair=people[0].pk,
                minute_taker=people[0].pk,
                roll={
                    line.member: (line.status, "") for line in roll_for(cell, dt.date(2026, 10, 5))
                },
            ),
            actor=None,
        )
        dues.basis_record(
            member=people[0],
            since=dt.date(2026, 9, 1),
            category=dues_rules.OTHER,
            amount=0,
            actor=None,
        )
        payment = dues.pay(
            member=people[0],
            paid_on=dt.date(2026, 10, 6),
            amount=20_000,
            first=dt.date(2026, 10, 1),
            actor=None,
        )
        document = acts.document_register(
            org=committee,
            kind="resolution",
            number=f"NQ {key}",
            title="Nghị quyết của đảng bộ",
            issuer="Đảng ủy",
            level="grassroots",
            issued_on=dt.date(2026, 9, 1),
            deadlines={},
            actor=None,
        )
        made[key] = {
            "meeting": meeting,
            "payment": payment,
            "document": document,
            "member": people[0],
        }
    return made


def inspections_for(world: Any, members: dict[str, Any]) -> dict[str, Any]:
    """On each subtree: a programme, a case concluded, a denunciation, a discipline decision with
    a complaint against it, written by the system (actor None)."""
    from dangvu.discipline.services import discipline_record
    from dangvu.inspection import services as ins
    from dangvu.rules import inspection as rules

    made: dict[str, Any] = {}
    for key, org, member in (
        ("in", world.tan_son, members["in"]),
        ("out", world.phuoc_hai, members["out"]),
    ):
        programme = ins.programme_record(
            org=org, body=rules.INSPECTION, year=2026, adopted_on=dt.date(2026, 1, 5), actor=None
        )
        case = ins.case_open(
            org=org,
            body=rules.INSPECTION,
            kind=rules.SUPERVISION_THEMATIC,
            content="ethics",
            summary="Giám sát chuyên đề",
            decision=decision(dt.date(2026, 9, 1), f"3-QĐ/UBKT {key}"),
            opened_on=dt.date(2026, 9, 1),
            object_member=member,
            actor=None,
        )
        ins.step_record(case=case, step=rules.NOTICE, on=dt.date(2026, 9, 3), actor=None)
        ins.case_conclude(
            case=case,
            on=dt.date(2026, 9, 20),
            degree=rules.NOT_SERIOUS,
            conclusion="Có khuyết điểm",
            actor=None,
        )
        denunciation = ins.denunciation_receive(
            org=org,
            body=rules.INSPECTION,
            received_on=dt.date(2026, 10, 1),
            content="Tố cáo",
            category="ethics",
            petition=rules.Petition(named=True, concrete=True),
            denouncer="Người Tố Cáo",
            against_member=member,
            actor=None,
        )
        record = discipline_record(
            form="khien_trach",
            decision=decision(dt.date(2026, 10, 1), f"9-QĐ/ĐU {key}"),
            announced_on=dt.date(2026, 10, 1),
            deciding_body="Đảng ủy",
            member=member,
            actor=None,
        )
        complaint = ins.complaint_file(
            discipline=record,
            org=org,
            level=rules.LEVEL_GRASSROOTS,
            deciding_level=rules.LEVEL_CELL,
            received_decision_on=dt.date(2026, 10, 2),
            filed_on=dt.date(2026, 10, 20),
            content="Khiếu nại",
            actor=None,
        )
        second = discipline_record(
            form="khien_trach",
            decision=decision(dt.date(2026, 10, 2), f"10-QĐ/ĐU {key}"),
            announced_on=dt.date(2026, 10, 2),
            deciding_body="Chi bộ",
            org=None,
            member=member,
            actor=None,
        )
        made[key] = {
            "second": second,
            "programme": programme,
            "case": case,
            "denunciation": denunciation,
            "discipline": record,
            "complaint": complaint,
        }
    return made


@pytest.fixture
def matrix(world):
    """The world, plus the objects the routes are tried on."""
    nobody = User.objects.create_user(username="nobody", password=PASSWORD)
    khoa = User.objects.create_user(username="khoa", password=PASSWORD, first_name="Khoa")
    role_grant(
        user=khoa, org=world.tan_son, role=Role.ACCOUNT_ADMIN, valid_from=FOUNDED, actor=None
    )
    tam = User.objects.create_user(username="tam", password=PASSWORD, first_name="Tâm")
    role_grant(user=tam, org=world.ts1, role=Role.VIEWER, valid_from=FOUNDED, actor=None)
    ts_grant = role_grant(
        user=world.dung, org=world.ts1, role=Role.VIEWER, valid_from=FOUNDED, actor=None
    )
    # A second role to keep after a review (ending the first, another route, leaves none).
    ts_review = role_grant(
        user=world.dung, org=world.ts1, role=Role.SECRETARY, valid_from=FOUNDED, actor=None
    )
    RoleGrant.objects.filter(pk__in=[ts_grant.pk, ts_review.pk]).update(needs_review=True)
    ph_grant = RoleGrant.objects.get(user=world.binh)
    RoleGrant.objects.filter(pk=ph_grant.pk).update(needs_review=True)
    # The sensitive permission asked for by another administrator, awaiting a second one.
    RoleGrant.objects.filter(pk__in=[ts_grant.pk, ph_grant.pk]).update(
        sensitive_requested_by=world.admin
    )
    own_token, _secret = token_create(user=world.cuong, actor=None, label="cuong")
    other_token, _secret = token_create(user=world.binh, actor=None, label="binh")
    son, hoa = world.members["son"], world.members["hoa"]
    plan_in = Plan.objects.create(
        name="Sáp nhập trong Tân Sơn",
        effective_on=dt.date(2026, 11, 1),
        decision=decision(dt.date(2026, 11, 1)),
        created_by=world.cuong,
    )
    Operation.objects.create(plan=plan_in, seq=1, kind="rename", source="TS-1", name="Chi bộ KP1")
    plan_out = Plan.objects.create(
        name="Sáp nhập Phước Hải",
        effective_on=dt.date(2026, 11, 1),
        decision=decision(dt.date(2026, 11, 1)),
        created_by=world.an,
    )
    Operation.objects.create(plan=plan_out, seq=1, kind="merge", source="PH-2", target="PH-1")
    member_in = {"pk": son.pk}
    member_out = {"pk": hoa.pk}
    acts = activities_for(world)  # before the import: its member is on no roll or book
    batches = import_batches(world)
    runs = report_runs(world)
    rated_in, rated_out = (
        ratings_decided(world, world.ts1, son, world.tan_son),
        ratings_decided(world, world.ph1, hoa, world.phuoc_hai),
    )
    candidates = candidates_for(world)
    congresses = congresses_for(world)
    # The inspection officer of Tân Sơn: cuong, its organisation board, sees none of it.
    thu = User.objects.create_user(username="thu", password=PASSWORD, first_name="Thu")
    role_grant(
        user=thu, org=world.tan_son, role=Role.INSPECTION_OFFICER, valid_from=FOUNDED, actor=None
    )
    son_pk, hoa_pk = acts["in"]["member"].pk, acts["out"]["member"].pk
    meeting_post = {
        "kind": "regular",
        "held_on": DAY,
        "starts": "19:30",
        "ends": "21:00",
        "chair": son_pk,
        "minute_taker": son_pk,
        f"st_{son_pk}": "present",
    }
    doc_in = {"pk": acts["in"]["document"].pk, "code": "X-TS"}
    doc_out = {"pk": acts["out"]["document"].pk, "code": "X-PH"}
    term_in = {"code": "X-TS", "first": 2025, "last": 2030}
    term_out = {"code": "X-PH", "first": 2025, "last": 2030}
    routes = {
        "home": Route("own"),
        "desk:recruitment_start": Route("own", get_inside=302),
        "recruitment:org": Route("scoped", inside={"code": "X-TS"}, outside={"code": "X-PH"}),
        "recruitment:enter": Route(
            "scoped",
            inside={"code": "TS-1"},
            outside={"code": "PH-1"},
            post={**CANDIDATE, "full_name": "Ngoài Phạm Vi"},
            post_inside=CANDIDATE,
        ),
        "recruitment:file": Route(
            "scoped",
            inside={"pk": candidates["in"].pk},
            outside={"pk": candidates["out"].pk},
            post=CLOSE,
            post_inside=CLOSE,
        ),
        "reports:recruitment": Route("scoped", inside={"code": "X-TS"}, outside={"code": "X-PH"}),
        "desk:congress_start": Route("own", get_inside=302),
        "congress:org": Route("scoped", inside={"code": "X-TS"}, outside={"code": "X-PH"}),
        "congress:term": Route("scoped", inside=term_in, outside=term_out),
        "congress:congress_new": Route(
            "scoped",
            inside={"code": "X-TS"},
            outside={"code": "X-PH"},
            post=CONGRESS,
            post_inside=CONGRESS,
        ),
        "congress:election_new": Route(
            "scoped",
            inside=term_in,
            outside=term_out,
            post={**ELECTION, "nominees": [congresses["out"]["member"].pk]},
            post_inside={**ELECTION, "nominees": [congresses["in"]["member"].pk]},
        ),
        "congress:election": Route(
            "scoped",
            inside={"pk": congresses["in"]["pending"].pk},
            outside={"pk": congresses["out"]["pending"].pk},
            post={
                "step": "count",
                "count-ballots_issued": 3,
                "count-ballots_collected": 3,
                "count-invalid": 0,
            },
            post_inside={
                "step": "count",
                "count-ballots_issued": 3,
                "count-ballots_collected": 3,
                "count-invalid": 0,
                f"count-votes_{congresses['in']['pending'].nominees.get().pk}": 3,
            },
        ),
        "congress:leave": Route(
            "scoped",
            inside={"pk": congresses["in"]["seat"].pk},
            outside={"pk": congresses["out"]["seat"].pk},
            post={"on": DAY, "reason": "transferred"},
            post_inside={"on": DAY, "reason": "transferred"},
        ),
        "congress:appoint": Route(
            "scoped",
            inside={"code": "TS-1"},
            outside={"code": "PH-1"},
            post={
                **decision_fields(),
                "first_year": 2025,
                "last_year": 2030,
                "body": "secretary",
                "members": [congresses["out"]["member"].pk],
            },
            post_inside={
                **decision_fields(),
                "first_year": 2025,
                "last_year": 2030,
                "body": "secretary",
                "members": [congresses["in"]["member"].pk],
            },
        ),
        "congress:document_add": Route(
            "scoped",
            inside=term_in,
            outside=term_out,
            post={"kind": "resolution", "dated": DAY, "title": "Nghị quyết"},
            post_inside={"kind": "resolution", "dated": "20/05/2025", "title": "Nghị quyết"},
        ),
        "congress:document": Route(
            "scoped",
            inside={"pk": congresses["in"]["document"].pk},
            outside={"pk": congresses["out"]["document"].pk},
        ),
        "reports:congress_board": Route(
            "scoped", inside={"code": "X-TS"}, outside={"code": "X-PH"}
        ),
        "reports:congress_report": Route("scoped", inside=term_in, outside=term_out),
        "reports:committee_list": Route("scoped", inside=term_in, outside=term_out),
        "reports:delegates_list": Route("scoped", inside=term_in, outside=term_out),
        "reports:election_minutes": Route(
            "scoped",
            inside={"pk": congresses["in"]["election"].pk},
            outside={"pk": congresses["out"]["election"].pk},
        ),
        "exchange:union_list": Route(
            "scoped", inside={"code": "X-TS"}, outside={"code": "X-PH"}, post={}, post_inside={}
        ),
        "desk:work": Route("scoped", inside={"code": "TS-1"}, outside={"code": "PH-1"}),
        "desk:ratings": Route("scoped", inside={"code": "X-TS"}, outside={"code": "X-PH"}),
        "desk:notices_read": Route("own", get_inside=405),
        "desk:ratings_start": Route("own", get_inside=302),
        "desk:awards_start": Route("own", get_inside=302),
        "login": Route("public", post={"username": "nobody", "password": "sai-mat-khau-123"}),
        "logout": Route("own", get_inside=405),
        "set_language": Route("public", post={"language": "en", "next": "/"}, get_inside=405),
        "otp_verify": Route("own", post={"code": "123456"}),
        "otp_setup": Route("own"),
        "account": Route("own", post={"label": "báo cáo", "days": "30"}),
        "password_change": Route(
            "own",
            post={
                "old_password": "không-phải-mật-khẩu",
                "new_password1": "mat-khau-moi-2026-dai",
                "new_password2": "mat-khau-moi-2026-dai",
            },
        ),
        "token_revoke": Route(
            "scoped",
            inside={"pk": own_token.pk},
            outside={"pk": other_token.pk},
            post={"confirm": "1"},
            post_inside={"confirm": "1"},
            get_inside=405,
        ),
        # Accounts: khoa administers tam (a role on TS-1 only), not binh (PH-1).
        "users": Route(
            "scoped",
            user="khoa",
            post={"action": "create", "username": "ke-gian", "full_name": "Kẻ Gian"},
            post_inside={"action": "create", "username": "moi", "full_name": "Người Mới"},
        ),
        "user_reset": Route(
            "scoped",
            user="khoa",
            inside={"pk": tam.pk},
            outside={"pk": world.binh.pk},
            post={},
            post_inside={"go": "1"},
            get_inside=405,
        ),
        "user_state": Route(
            "scoped",
            user="khoa",
            inside={"pk": tam.pk},
            outside={"pk": world.binh.pk},
            post={"active": "0", "reason": "Nghỉ"},
            post_inside={"active": "0", "reason": "Nghỉ"},
            get_inside=405,
        ),
        "roles": Route(
            "scoped",
            user="khoa",
            post={
                "username": "dung",
                "org": "PH-1",
                "role": "viewer",
                "valid_from": DAY,
                "reason": "Phân công",
            },
            post_inside={
                "username": "dung",
                "org": "X-TS",
                "role": "viewer",
                "valid_from": DAY,
                "reason": "Phân công",
            },
        ),
        "role_end": Route(
            "scoped",
            user="khoa",
            inside={"pk": ts_grant.pk},
            outside={"pk": ph_grant.pk},
            post={"on": DAY, "reason": "Chuyển công tác"},
            post_inside={"on": DAY, "reason": "Chuyển công tác"},
            get_inside=405,
        ),
        "role_confirm": Route(
            "scoped",
            user="khoa",
            inside={"pk": ts_review.pk},
            outside={"pk": ph_grant.pk},
            post={"reason": "Giữ"},
            post_inside={"reason": "Giữ"},
            get_inside=405,
        ),
        "sensitive_decide": Route(
            "scoped",
            user="khoa",
            inside={"pk": ts_grant.pk},
            outside={"pk": ph_grant.pk},
            post={"decision": "approve", "reason": "Đã kiểm tra"},
            post_inside={"decision": "approve", "reason": "Đã kiểm tra"},
            get_inside=405,
        ),
        "change_log": Route("own"),
        "access_log": Route("own"),
        "restructuring:list": Route("own", post={"name": "Kế hoạch", **decision_fields()}),
        "restructuring:detail": Route(
            "scoped",
            inside={"pk": plan_in.pk},
            outside={"pk": plan_out.pk},
            post={"action": "apply"},
        ),
        "evaluation:org": Route(
            "scoped",
            inside={"code": "TS-1", "year": 2024},
            outside={"code": "PH-1", "year": 2024},
            post={"action": "propose", f"level_{son.pk}": "HTTNV"},
            post_outside={"action": "propose", f"level_{hoa.pk}": "HTTNV"},
            post_inside={"action": "propose", f"level_{son.pk}": "HTTNV"},
        ),
        "evaluation:reclassify": Route(
            "scoped",
            inside={"pk": rated_in.pk},
            outside={"pk": rated_out.pk},
            post={"level": "HTNV", "reason": "Kiểm tra"},
            post_inside={"level": "HTNV", "reason": "Kiểm tra"},
            user="an",  # the province, above the commune that decided
        ),
        "awards:org": Route("scoped", inside={"code": "TS-1"}, outside={"code": "PH-1"}),
        "reports:award_list": Route(
            "scoped",
            inside={"code": "X-TS", "what": "huy-hieu", "fmt": "docx"},
            outside={"code": "X-PH", "what": "huy-hieu", "fmt": "docx"},
        ),
        "reports:index": Route("own", get_inside=302),
        "reports:org": Route("scoped", inside={"code": "X-TS"}, outside={"code": "X-PH"}),
        "reports:form": Route(
            "scoped",
            inside={"code": "X-TS", "number": "1"},
            outside={"code": "X-PH", "number": "1"},
            query_inside={"nam": "2024"},
            query_outside={"nam": "2024"},
        ),
        "reports:records": Route(
            "scoped",
            inside={"code": "X-TS"},
            outside={"code": "X-PH"},
            query_inside={"nam": "2024", "chi-tieu": "members.total"},
            query_outside={"nam": "2024", "chi-tieu": "members.total"},
        ),
        "reports:dashboard": Route("scoped", inside={"code": "X-TS"}, outside={"code": "X-PH"}),
        "reports:targets": Route(
            "scoped",
            inside={"code": "X-TS"},
            outside={"code": "X-PH"},
            post={"org": "X-PH", "target": "3", "nam": "2025"},
            post_inside={"org": "X-TS", "target": "3", "nam": "2025"},
        ),
        "reports:create_review": Route(
            "scoped",
            inside={"code": "X-TS"},
            outside={"code": "X-PH"},
            post={"kind": "annual", "year": "2024"},
            post_inside={"kind": "annual", "year": "2024"},
            get_inside=405,
        ),
        "reports:run": Route(
            "scoped", inside={"pk": runs["in"].pk}, outside={"pk": runs["out"].pk}
        ),
        "reports:run_file": Route(
            "scoped",
            inside={"pk": runs["in"].pk, "what": "gop-y"},
            outside={"pk": runs["out"].pk, "what": "gop-y"},
        ),
        "reports:publish": Route(
            "scoped",
            inside={"pk": runs["in"].pk},
            outside={"pk": runs["out"].pk},
            post={"reviewers": [str(world.cuong.pk)]},
            post_inside={"reviewers": [str(khoa.pk)]},
            get_inside=405,
        ),
        "reports:comment": Route(
            "scoped",
            inside={"pk": runs["in"].pk},
            outside={"pk": runs["out"].pk},
            post={"section": "to-chuc", "text": "Góp ý"},
            post_inside={"section": "to-chuc", "text": "Góp ý"},
            get_inside=405,
        ),
        "reports:answer": Route(
            "scoped",
            inside={"pk": runs["in"].pk, "comment_id": runs["comment_in"].pk},
            outside={"pk": runs["out"].pk, "comment_id": runs["comment_out"].pk},
            post={"answer": "tiep_thu"},
            post_inside={"answer": "tiep_thu"},
            get_inside=405,
        ),
        "orgs:tree": Route("own"),
        "orgs:compare": Route("own"),
        # The picker's matches: scoped by what it answers (tests/tree/test_picker.py).
        "orgs:pick": Route("own", query_inside={"field": "org", "org__q": "khu pho"}),
        "orgs:detail": Route("scoped", inside={"code": "TS-1"}, outside={"code": "PH-1"}),
        "orgs:children": Route("scoped", inside={"code": "X-TS"}, outside={"code": "X-PH"}),
        "orgs:create_child": Route(
            "scoped",
            inside={"code": "X-TS"},
            outside={"code": "X-PH"},
            post={
                "code": "KP-9",
                "name": "Chi bộ Khu phố 9",
                "kind": "cell",
                "established_on": DAY,
                "reason": "Thành lập",
                **decision_fields(),
            },
            post_inside={
                "code": "KP-9",
                "name": "Chi bộ Khu phố 9",
                "kind": "cell",
                "established_on": DAY,
                "reason": "Thành lập",
                **decision_fields(),
            },
        ),
        "orgs:rename": Route(
            "scoped",
            inside={"code": "TS-1"},
            outside={"code": "PH-1"},
            post={"name": "Chi bộ Đổi Tên", "on": DAY, "reason": "Đổi tên", **decision_fields()},
            post_inside={
                "name": "Chi bộ Khu phố Một",
                "on": DAY,
                "reason": "Đổi tên",
                **decision_fields(),
            },
        ),
        "orgs:move": Route(
            "scoped",
            inside={"code": "TS-1"},
            outside={"code": "PH-1"},
            post={"parent": "X-TS", "on": DAY, "reason": "Điều chuyển", **decision_fields()},
            post_outside={
                "parent": "X-PH",
                "on": DAY,
                "reason": "Điều chuyển",
                **decision_fields(),
            },
            post_inside={},  # a cell cannot move under its own commune: tried only as a denial
        ),
        "orgs:dissolve": Route(
            "scoped",
            inside={"code": "TS-1"},
            outside={"code": "PH-1"},
            post={"on": DAY, "reason": "Giải thể", **decision_fields()},
            post_inside={},  # TS-1 has a member: refused by the rules, tried only as a denial
        ),
        "members:list": Route(
            "scoped", query_inside={"org": "X-TS"}, query_outside={"org": "X-PH"}
        ),
        "members:admit": Route(
            "own",
            post={
                **person_payload("Phạm Văn Mới", "01/01/1990"),
                "org": "PH-1",
                "ceremony_date": DAY,
                **decision_fields(),
            },
            post_inside={
                **person_payload("Phạm Văn Mới", "01/01/1990"),
                "org": "TS-1",
                "ceremony_date": DAY,
                **decision_fields(),
            },
        ),
        "exchange:member_export": Route(
            "scoped",
            query_inside={"org": "X-TS", "purpose": "report"},
            query_outside={"org": "X-PH", "purpose": "report"},
        ),
        "members:stats": Route(
            "scoped",
            query_inside={"org": "X-TS", "format": "json"},
            query_outside={"org": "X-PH", "format": "json"},
        ),
        "members:worklist": Route("own"),
        "members:detail": Route("scoped", inside=member_in, outside=member_out),
        "members:edit": Route(
            "scoped",
            inside=member_in,
            outside=member_out,
            post=person_payload("Nguyễn Thị Hoa", "01/02/1985"),
            post_inside=person_payload("Lê Minh Sơn", "30/12/1979"),
        ),
        "discipline:record": Route(
            "scoped",
            inside=member_in,
            outside=member_out,
            post={
                "form": "khien_trach",
                "announced_on": DAY,
                "deciding_body": "Chi bộ",
                **decision_fields(),
            },
            post_inside={
                "form": "khien_trach",
                "announced_on": DAY,
                "deciding_body": "Chi bộ",
                **decision_fields(),
            },
        ),
        "members:event": Route(
            "scoped",
            inside={**member_in, "kind": "death"},
            outside={**member_out, "kind": "death"},
            post={"on": DAY, **decision_fields()},
            post_inside={"on": DAY, **decision_fields()},
        ),
        "members:correct": Route(
            "scoped",
            inside={**member_in, "event_id": son.events.first().pk},
            outside={**member_out, "event_id": hoa.events.first().pk},
            post={"action": "cancel", "reason": "Nhập nhầm"},
        ),
        "api-v1:openapi-json": Route("own"),
        "exchange:imports": Route(
            "own", post={"kind": "members"}, post_inside={"kind": "members", "sheet": upload()}
        ),
        "exchange:template": Route(
            "scoped", inside={"kind": "members"}, outside={"kind": "khong-co"}
        ),
        "exchange:batch": Route(
            "scoped", inside={"pk": batches["checked"]}, outside=batches["out"]
        ),
        "exchange:mapping": Route(
            "scoped", inside={"pk": batches["uploaded"]}, outside=batches["out"], post_inside={}
        ),
        "exchange:override": Route(
            "scoped",
            inside={"pk": batches["checked"]},
            outside=batches["out"],
            post={"keep": ["2"], "reason": "Đúng hồ sơ"},
            post_inside={"keep": ["2"], "reason": "Đúng hồ sơ"},
            get_inside=404,
        ),
        "exchange:commit": Route(
            "scoped",
            inside={"pk": batches["checked"]},
            outside=batches["out"],
            post_inside={"confirm": "1"},
            get_inside=404,
        ),
        "exchange:revert": Route(
            "scoped",
            inside={"pk": batches["committed"]},
            outside=batches["out"],
            post={"reason": "nhầm"},
            post_inside={"reason": "nhầm"},
            get_inside=404,
        ),
        "exchange:export": Route(
            "scoped",
            inside={"kind": "members"},
            outside={"kind": "members"},
            query_inside={"org": "X-TS", "purpose": "report"},
            query_outside={"org": "X-PH", "purpose": "report"},
        ),
        "api-v1:api-root": Route("own", get_inside=404),
        "api-v1:org_tree": Route("own"),
        "api-v1:stats": Route(
            "scoped", query_inside={"org": "X-TS"}, query_outside={"org": "X-PH"}
        ),
        "api-v1:members": Route(
            "scoped", query_inside={"org": "X-TS"}, query_outside={"org": "X-PH"}
        ),
    }
    # Last: the meeting and the dues book written in Tân Sơn's cell would otherwise hold the
    # imported member, and the import's revert (above) rightly refuse.
    routes.update(
        {
            "desk:activities_start": Route("own", get_inside=302),
            "activities:me": Route("own", get_inside=404),
            "activities:org": Route("scoped", inside={"code": "X-TS"}, outside={"code": "X-PH"}),
            "activities:meeting_new": Route(
                "scoped",
                inside={"code": "TS-1"},
                outside={"code": "PH-1"},
                post={**meeting_post, "chair": hoa_pk, "minute_taker": hoa_pk},
                post_inside=meeting_post,
            ),
            "activities:meeting": Route(
                "scoped",
                inside={"pk": acts["in"]["meeting"].pk},
                outside={"pk": acts["out"]["meeting"].pk},
            ),
            "activities:plan": Route(
                "scoped",
                inside={"code": "TS-1", "year": 2026},
                outside={"code": "PH-1", "year": 2026},
                post={"fixed_day": "3", "q1": "A", "q2": "B", "q3": "C", "q4": "D"},
                post_inside={"fixed_day": "3", "q1": "A", "q2": "B", "q3": "C", "q4": "D"},
            ),
            "activities:dues": Route(
                "scoped",
                inside={"code": "X-TS"},
                outside={"code": "X-PH"},
                post={},
                post_inside={"x": "1"},
            ),
            "activities:member_dues": Route(
                "scoped",
                inside={"pk": son_pk},
                outside={"pk": hoa_pk},
                post={
                    "form": "basis",
                    "basis-since": "11/2026",
                    "basis-category": "student",
                    "basis-region": "1",
                },
                post_inside={
                    "form": "basis",
                    "basis-since": "11/2026",
                    "basis-category": "student",
                    "basis-region": "1",
                },
            ),
            "activities:pay": Route(
                "scoped",
                inside={"pk": son_pk},
                outside={"pk": hoa_pk},
                post={"paid_on": DAY, "first": "11/2026", "amount": "20000", "channel": "cash"},
                post_inside={
                    "paid_on": DAY,
                    "first": "11/2026",
                    "amount": "20000",
                    "channel": "cash",
                },
            ),
            "activities:receipt": Route(
                "scoped",
                inside={"pk": acts["in"]["payment"].pk},
                outside={"pk": acts["out"]["payment"].pk},
            ),
            "activities:study": Route(
                "scoped",
                inside={"code": "X-TS"},
                outside={"code": "X-PH"},
                post=STUDY_DOCUMENT,
                post_inside=STUDY_DOCUMENT,
            ),
            "activities:document": Route(
                "scoped",
                inside={"pk": doc_in["pk"]},
                outside={"pk": doc_out["pk"]},
                query_inside={"don-vi": "X-TS"},
                query_outside={"don-vi": "X-PH"},
            ),
            "activities:session_new": Route(
                "scoped",
                inside=doc_in,
                outside=doc_out,
                post={
                    "held_on": DAY,
                    "level": "commune",
                    "mode": "in_person",
                    "cadres": "0",
                    "union": "0",
                    "others": "0",
                },
                post_inside={
                    "held_on": DAY,
                    "level": "commune",
                    "mode": "in_person",
                    "cadres": "0",
                    "union": "0",
                    "others": "0",
                },
            ),
            "activities:programme_new": Route(
                "scoped",
                inside=doc_in,
                outside=doc_out,
                post={"adopted_on": DAY, "number": "01"},
                post_inside={"adopted_on": DAY, "number": "01"},
            ),
            "reports:activities_xlsx": Route(
                "scoped", inside={"code": "X-TS"}, outside={"code": "X-PH"}
            ),
            "reports:dues_book_xlsx": Route(
                "scoped", inside={"code": "TS-1"}, outside={"code": "PH-1"}
            ),
            "reports:dues_summary_xlsx": Route(
                "scoped", inside={"code": "X-TS"}, outside={"code": "X-PH"}
            ),
        }
    )
    checks = inspections_for(world, {"in": acts["in"]["member"], "out": world.members["hoa"]})
    sinh_pk = acts["in"]["member"].pk

    def ins(inside: dict[str, Any], outside: dict[str, Any], **extra: Any) -> Route:
        return Route("scoped", inside=inside, outside=outside, user="thu", **extra)

    def both(what: str) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"pk": checks["in"][what].pk}, {"pk": checks["out"][what].pk}

    ts, ph = {"code": "X-TS"}, {"code": "X-PH"}
    from dangvu.inspection.statforms import FORMS

    first_figure = f"{FORMS[0].base};{FORMS[0].lines[0].spec};{FORMS[0].columns[0].spec}"
    routes.update(
        {
            "inspection:index": Route("own", user="thu", get_inside=302),
            "inspection:org": ins(ts, ph),
            "inspection:programme_new": ins(
                {**ts, "year": 2027},
                {**ph, "year": 2027},
                post={"body": "inspection", "adopted_on": DAY},
                post_inside={"body": "inspection", "adopted_on": DAY, "number": "01"},
            ),
            "inspection:programme": ins(
                *both("programme"),
                post={"kind": "signs", "object": str(hoa_pk), "content": "x", "month": "5"},
                post_inside={
                    "kind": "signs",
                    "object": str(sinh_pk),
                    "content": "Kiểm tra",
                    "month": "5",
                },
            ),
            "inspection:case_new": ins(
                ts,
                ph,
                post={"body": "inspection", "kind": "signs", "object": str(hoa_pk)},
                post_inside={
                    "body": "inspection",
                    "kind": "signs",
                    "content": "ethics",
                    "summary": "Dấu hiệu vi phạm",
                    "object": str(sinh_pk),
                    **decision_fields(),
                },
            ),
            "inspection:case": ins(
                *both("case"),
                post={"do": "step", "step-step": "remedy", "step-on": DAY},
                post_inside={"do": "step", "step-step": "remedy", "step-on": DAY},
            ),
            "inspection:denunciation_new": ins(
                ts,
                ph,
                post={"body": "inspection", "received_on": DAY, "against": "org"},
                post_inside={
                    "body": "inspection",
                    "received_on": DAY,
                    "against": str(sinh_pk),
                    "category": "ethics",
                    "content": "Tố cáo",
                    "named": "on",
                    "concrete": "on",
                    "denouncer": "Người Khác",
                },
            ),
            "inspection:denunciation": ins(
                *both("denunciation"),
                post={"do": "extend", "days": "5"},
                post_inside={"do": "extend", "days": "5"},
            ),
            "inspection:complaint_new": ins(
                ts,
                ph,
                post={"discipline": str(checks["out"]["second"].pk), "level": "grassroots"},
                post_inside={
                    "discipline": str(checks["in"]["second"].pk),
                    "deciding_level": "cell",
                    "level": "grassroots",
                    "received_decision_on": "02/10/2026",
                    "filed_on": "21/10/2026",
                    "content": "Khiếu nại lần hai",
                },
            ),
            "inspection:complaint": ins(
                *both("complaint"),
                post={"outcome": "upheld", "resolved_on": DAY},
                post_inside={
                    "outcome": "upheld",
                    "resolved_on": DAY,
                    "deciding_body": "Ban Thường vụ",
                    **decision_fields(),
                },
            ),
            "inspection:notice_new": ins(
                ts,
                ph,
                post={"member": str(hoa_pk), "sender": "UBND", "measure": "Tạm đình chỉ"},
                post_inside={
                    "member": str(sinh_pk),
                    "sender": "UBND thị trấn Tân Sơn",
                    "measure": "Tạm đình chỉ công tác",
                    "decided_on": "26/10/2026",
                    "received_on": DAY,
                },
            ),
            "inspection:stats": ins(
                ts, ph, query_inside={"ky": "2026"}, query_outside={"ky": "2026"}
            ),
            "inspection:stats_records": ins(
                ts,
                ph,
                query_inside={"ky": "2026", "chi-tieu": first_figure},
                query_outside={"ky": "2026", "chi-tieu": first_figure},
            ),
            "reports:inspection_decision": ins(*both("case")),
            "reports:inspection_conclusion": ins(*both("case")),
            "reports:inspection_xlsx": ins(
                ts, ph, query_inside={"ky": "2026"}, query_outside={"ky": "2026"}
            ),
        }
    )
    users = {
        "nobody": nobody,
        "khoa": khoa,
        "cuong": world.cuong,
        "an": world.an,
        "thu": thu,
    }
    return routes, users


def url_names() -> list[str]:
    def walk(patterns: list[Any], namespace: str = "") -> list[str]:
        names: list[str] = []
        for p in patterns:
            if isinstance(p, URLResolver):
                names += walk(
                    p.url_patterns, namespace + (f"{p.namespace}:" if p.namespace else "")
                )
            elif isinstance(p, URLPattern):
                assert p.name, f"URL pattern {p.pattern} has no name: it cannot be in the matrix"
                names.append(namespace + p.name)
        return names

    return walk(get_resolver().url_patterns)


# The API's operations, from its OpenAPI document, and the route names they are served by.
API_ROUTES = {
    ("get", "/api/v1/orgs/tree"): "api-v1:org_tree",
    ("get", "/api/v1/stats"): "api-v1:stats",
    ("get", "/api/v1/members"): "api-v1:members",
}


def test_every_route_and_api_operation_is_in_the_matrix(matrix):
    routes, _users = matrix
    missing = sorted(set(url_names()) - set(routes))
    assert missing == [], f"routes not covered by the permission matrix: {missing}"
    operations = {
        (method, path)
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method in methods
    }
    assert operations - set(API_ROUTES) == set(), "API operations not covered by the matrix"
    assert set(API_ROUTES.values()) <= set(routes)


def url_for(name: str, kwargs: dict[str, Any], query: dict[str, str]) -> str:
    from urllib.parse import urlencode

    url = reverse(name, kwargs=kwargs or None)
    return f"{url}?{urlencode(query)}" if query else url


def leaks(body: str, markers: list[str]) -> list[str]:
    return [m for m in markers if m in body]


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def denied_without_change(
    client: Client, url: str, data: dict[str, Any], who: str, markers: list[str] | None = None
) -> None:
    before = records_state()
    response = client.post(url, data, follow=bool(markers))
    status = response.redirect_chain[0][1] if getattr(response, "redirect_chain", None) else None
    assert (status or response.status_code) in (200, 302, 401, 403, 404, 405), (
        who,
        url,
        response.status_code,
    )
    if markers:  # the answer to a posted form names nobody of the other subtree either
        # (what the user typed may come back in the form: not a leak)
        markers = [m for m in markers if not any(m in str(v) for v in data.values())]
        body = response.content.decode("utf-8", "replace")
        assert leaks(body, markers) == [], (who, url, leaks(body, markers))
    if status == 302 or response.status_code == 302:
        location = response.redirect_chain[0][0] if status else response["Location"]
        assert "dang-nhap" in location or who != "anonymous", (who, url)
    assert records_state() == before, f"{who} changed records through POST {url}"


# Writes a signed-in user makes about themselves: a token of their own, signing out, their own
# second factor (tests/accounts/test_security.py tries them).
OWN_WRITES = {"account", "logout", "otp_setup", "otp_verify", "desk:notices_read"}


@pytest.mark.parametrize("who", ["anonymous", "nobody", "cuong-outside"])
def test_no_read_or_write_across_subtrees(matrix, who):
    routes, users = matrix
    user = None if who == "anonymous" else users["nobody" if who == "nobody" else "cuong"]
    client = client_for(user)
    markers = ANY_RECORD if who in ("anonymous", "nobody") else OTHER_SUBTREE
    for name, route in routes.items():
        kwargs = route.outside if route.kind == "scoped" else {}
        query = route.query_outside if route.kind == "scoped" else {}
        url = url_for(name, kwargs, query)
        response = client.get(url)
        body = response.content.decode("utf-8", "replace")
        if who == "anonymous" and route.kind != "public":
            if name.startswith("api-v1:"):
                assert response.status_code in (401, 404), (name, response.status_code)
            else:
                assert response.status_code == 302 and "dang-nhap" in response["Location"], name
        elif route.kind == "scoped" and (kwargs or query) and name != "roles":
            assert response.status_code in (403, 404, 405), (who, name, response.status_code)
        assert leaks(body, markers) == [], (who, name, leaks(body, markers))
        if route.kind == "public" or (who != "anonymous" and name in OWN_WRITES):
            continue
        data = route.post_outside if route.post_outside is not None else route.post
        denied_without_change(client, url, data or {}, who, markers)


def test_inspection_is_hidden_from_the_organisation_board_of_its_own_subtree(matrix):
    """Issue 27 point 5: cuong, organisation-board officer of Tân Sơn, sees Tân Sơn's records
    but none of its inspection work: every inspection route answers 404 on his own subtree too,
    and a write changes nothing."""
    routes, users = matrix
    client = client_for(users["cuong"])
    for name, route in routes.items():
        if route.user != "thu" or route.kind != "scoped":
            continue
        url = url_for(name, route.inside, route.query_inside)
        assert client.get(url).status_code == 404, name
        if route.post_inside:
            denied_without_change(client, url, route.post_inside, "cuong")


def test_roles_page_of_another_subtree(matrix):
    """An account administrator of X-TS sees and changes no role on Phước Hải."""
    routes, users = matrix
    client = client_for(users["khoa"])
    body = client.get(reverse("roles")).content.decode()
    assert "binh" not in body and "Chi bộ Khu phố 1" in body
    denied_without_change(client, reverse("roles"), routes["roles"].post, "khoa")
    for name in ("role_end", "role_confirm"):
        url = url_for(name, routes[name].outside, {})
        denied_without_change(client, url, routes[name].post, "khoa")
    # cuong, an officer but no account administrator, has no roles page at all
    assert client_for(users["cuong"]).get(reverse("roles")).status_code == 404


def test_in_scope_reads_and_writes_work(matrix):
    """The other half of the matrix: the same routes answer the user in scope, so the denials
    above are denials and not broken routes."""
    routes, users = matrix
    for name, route in routes.items():
        if route.kind == "public":
            continue
        client = client_for(users[route.user])
        url = url_for(name, route.inside, route.query_inside)
        response = client.get(url)
        assert response.status_code == route.get_inside, (name, response.status_code)
        body = response.content.decode("utf-8", "replace")
        assert leaks(body, OTHER_SUBTREE) == [], (name, leaks(body, OTHER_SUBTREE))
        if route.post_inside:
            before = records_state()
            answer = client.post(url, route.post_inside)
            errors = answer.context and answer.context.get("form") and answer.context["form"].errors
            assert answer.status_code == 302, (name, answer.status_code, errors)
            assert records_state() != before, f"{name}: the valid write changed nothing"


def test_api_with_tokens_follows_the_same_scope(matrix, world):
    _routes, users = matrix
    _t, cuong_token = token_create(user=world.cuong, actor=None)
    _t, nobody_token = token_create(user=users["nobody"], actor=None)
    client = Client()
    for token, org, expected in (
        (cuong_token, "X-TS", 200),
        (cuong_token, "X-PH", 404),
        (nobody_token, "X-TS", 404),
    ):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        for path in ("/api/v1/stats", "/api/v1/members"):
            response = client.get(path, {"org": org}, **auth)
            assert response.status_code == expected, (path, org, response.status_code)
        before = records_state()
        assert client.post("/api/v1/members", {"org": org}, **auth).status_code == 405
        assert records_state() == before
    tree = client.get("/api/v1/orgs/tree", HTTP_AUTHORIZATION=f"Bearer {nobody_token}").json()
    assert tree["organisations"] == []

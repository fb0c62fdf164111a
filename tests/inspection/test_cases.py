"""Cases, denunciations and complaints through the services, as the inspection officer of the
Phước Hải commune (`khanh`) and of the province (`lan`); confidentiality against the province's
organisation board (`an`) and the secretary of the object's cell (`binh`). DOMAIN-2.md §1."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from dangvu.congress import services as congress
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry
from dangvu.discipline.selectors import member_under_discipline
from dangvu.inspection import access
from dangvu.inspection import services as svc
from dangvu.members.events import derive_for
from dangvu.members.lifecycle import state_on
from dangvu.rules import congress as congress_rules
from dangvu.rules import discipline as penalties
from dangvu.rules import inspection as rules
from tests.conftest import decision, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

D = dt.date


def _open(world, actor, member="hoa", kind=rules.SIGNS, on=None, **extra):
    on = on or D(2026, 3, 2)
    return svc.case_open(
        org=world.phuoc_hai,
        body=rules.INSPECTION,
        kind=kind,
        content="ethics",
        summary="Dấu hiệu vi phạm đạo đức, lối sống",
        decision=decision(on, "12-QĐ/UBKT", "Ủy ban Kiểm tra Đảng ủy xã Phước Hải"),
        opened_on=on,
        actor=actor,
        object_member=world.members[member] if member else None,
        **extra,
    )


def _walk(case, actor, start=None):
    start = start or D(2026, 3, 2)
    for n, step in enumerate((rules.NOTICE, rules.SELF_REPORT, rules.VERIFICATION, rules.HEARING)):
        svc.step_record(
            case=case, step=step, on=start + dt.timedelta(days=3 * (n + 1)), actor=actor
        )


def test_a_case_from_decision_to_discipline(world, officers):
    """DOMAIN-2.md §1.6: decision and plan, notice, explanation, verification, the meeting with
    the member, the conclusion (a violation requiring discipline: a warning), the discipline
    decision recorded through the discipline service."""
    khanh, _lan = officers
    case = _open(world, khanh)
    assert case.regulation == "QĐ 296-QĐ/TW"
    with pytest.raises(RuleError, match="Làm việc với đối tượng"):
        svc.case_conclude(
            case=case, on=D(2026, 3, 5), degree=rules.SERIOUS, conclusion="x", actor=khanh
        )
    _walk(case, khanh)
    with pytest.raises(RuleError, match="hình thức kỷ luật đề nghị"):
        svc.case_conclude(
            case=case, on=D(2026, 3, 20), degree=rules.SERIOUS, conclusion="Vi phạm", actor=khanh
        )
    svc.case_conclude(
        case=case,
        on=D(2026, 3, 20),
        degree=rules.SERIOUS,
        conclusion="Vi phạm quy định về những điều đảng viên không được làm",
        discipline_form=penalties.WARNING,
        actor=khanh,
    )
    record = svc.case_discipline(
        case=case,
        form=penalties.WARNING,
        decision=decision(D(2026, 4, 1), "05-QĐ/ĐU", "Đảng ủy xã Phước Hải"),
        announced_on=D(2026, 4, 2),
        deciding_body="Đảng ủy xã Phước Hải",
        actor=khanh,
    )
    case.refresh_from_db()
    assert case.discipline == record and record.effect_until == D(2027, 4, 2)
    assert member_under_discipline(world.members["hoa"].pk, D(2026, 4, 2))
    assert not member_under_discipline(world.members["hoa"].pk, D(2026, 4, 1))
    assert [s.step for s in case.steps.all()] == rules.STEP_ORDER[:6]
    # The change log names the case, not the member.
    labels = set(
        ChangeLogEntry.objects.filter(action__startswith="inspection.").values_list(
            "object_label", flat=True
        )
    )
    assert labels == {"Vụ việc số 01/2026"}  # its number in the commune's register of the year


def test_cases_are_read_by_the_inspection_role_and_those_it_names_only(world, officers):
    """Issue 27 point 5: the province's organisation board and the object's cell secretary see
    nothing; the commune's inspection officer and the province's see the case; a person named on
    it sees it; nobody names themself."""
    khanh, lan = officers
    case = _open(world, khanh)
    assert list(access.cases_for(khanh)) == [case]
    assert list(access.cases_for(lan)) == [case]
    assert not access.cases_for(world.an).exists()
    assert not access.cases_for(world.binh).exists()
    with pytest.raises(Http404):
        access.case_for(world.an, case.pk)
    with pytest.raises(PermissionDenied):  # sees the commune, does not inspect it
        _open(world, world.an)
    with pytest.raises(RuleError, match="Không ai tự cấp quyền"):
        svc.name_on_case(case=case, user=khanh, role="member", since=D(2026, 3, 2), actor=khanh)
    svc.name_on_case(case=case, user=world.dung, role="member", since=D(2026, 3, 2), actor=khanh)
    assert access.case_for(world.dung, case.pk) == case
    # Tân Sơn's officer cannot open a case on a Phước Hải member: the commune is outside it.
    with pytest.raises(Http404):
        _open(world, world.cuong)


def test_the_change_log_hides_inspection_work_from_the_organisation_board(world, officers):
    """A name is data: the province's organisation board audits the change log of its subtree,
    but not the inspection entries; the province's inspection officer reads them."""
    khanh, lan = officers
    _open(world, khanh)
    board = sign_in(Client(), world.an).get(reverse("change_log")).content.decode()
    inspector = sign_in(Client(), lan).get(reverse("change_log")).content.decode()
    assert "Vụ việc số" not in board
    assert "Vụ việc số" in inspector


def test_an_advisory_body_may_not_open_a_case_on_signs_of_violation(world, officers):
    """DOMAIN-2.md §1.3 (QĐ 296 Đ5 1.3 đ), at the service's door."""
    khanh, _lan = officers
    with pytest.raises(RuleError, match=r"1\.3 đ"):
        svc.case_open(
            org=world.phuoc_hai,
            body=rules.ADVISORY,
            kind=rules.SIGNS,
            content="ethics",
            summary="x",
            decision=decision(D(2026, 3, 2)),
            opened_on=D(2026, 3, 2),
            actor=khanh,
            object_member=world.members["hoa"],
        )


def test_a_supervision_that_finds_signs_becomes_a_linked_case(world, officers):
    khanh, _lan = officers
    watch = _open(world, khanh, kind=rules.SUPERVISION_THEMATIC)
    svc.step_record(case=watch, step=rules.NOTICE, on=D(2026, 3, 4), actor=khanh)
    with pytest.raises(RuleError):  # not concluded yet
        _open(world, khanh, on=D(2026, 3, 10), from_supervision=watch)
    svc.case_conclude(
        case=watch,
        on=D(2026, 3, 9),
        degree=rules.NOT_SERIOUS,
        conclusion="Có dấu hiệu",
        actor=khanh,
    )
    with pytest.raises(RuleError, match="chuyển thành kiểm tra"):
        _open(
            world, khanh, kind=rules.SUPERVISION_REGULAR, on=D(2026, 3, 10), from_supervision=watch
        )
    signs = _open(world, khanh, on=D(2026, 3, 10), from_supervision=watch)
    assert list(watch.became.all()) == [signs]


def test_expulsion_annulled_on_complaint_restores_the_member_and_the_past_stays(world, officers):
    """DOMAIN-2.md §1.8: an expulsion by the commune (grassroots level) is complained of to the
    province; the Central Inspection Commission cannot take it (the Secretariat is final); a
    complaint filed after the month is refused; reduced to a warning, the member is restored on
    the day of the outcome and warned from then, and the days before still answer "expelled"."""
    khanh, lan = officers
    hoa = world.members["hoa"]
    case = _open(world, khanh)
    _walk(case, khanh)
    svc.case_conclude(
        case=case,
        on=D(2026, 3, 20),
        degree=rules.VERY_SERIOUS,
        conclusion="Vi phạm rất nghiêm trọng",
        discipline_form=penalties.EXPULSION,
        actor=khanh,
    )
    expulsion = svc.case_discipline(
        case=case,
        form=penalties.EXPULSION,
        decision=decision(D(2026, 4, 1), "06-QĐ/ĐU", "Đảng ủy xã Phước Hải"),
        announced_on=D(2026, 4, 1),
        deciding_body="Đảng ủy xã Phước Hải",
        actor=khanh,
    )
    assert state_on(derive_for(hoa), D(2026, 4, 1))["status"] == "expelled"
    filing = dict(
        discipline=expulsion,
        org=world.province,
        received_decision_on=D(2026, 4, 3),
        content="Đề nghị xem xét lại",
        actor=lan,
    )
    with pytest.raises(RuleError, match="Ban Bí thư"):
        svc.complaint_file(level=rules.LEVEL_UBKTTW, filed_on=D(2026, 4, 20), **filing)
    with pytest.raises(RuleError, match="03/05/2026"):  # one month after 03/04
        svc.complaint_file(level=rules.LEVEL_PROVINCE, filed_on=D(2026, 5, 4), **filing)
    complaint = svc.complaint_file(level=rules.LEVEL_PROVINCE, filed_on=D(2026, 5, 3), **filing)
    with pytest.raises(Http404):  # the commune's officer does not see the province's register
        svc.complaint_resolve(
            complaint=complaint,
            outcome=rules.REDUCED,
            new_form=penalties.WARNING,
            resolved_on=D(2026, 6, 15),
            decision=decision(D(2026, 6, 15), "20-QĐ/TU"),
            deciding_body="Ban Thường vụ Tỉnh ủy",
            actor=khanh,
        )
    svc.complaint_resolve(
        complaint=complaint,
        outcome=rules.REDUCED,
        new_form=penalties.WARNING,
        resolved_on=D(2026, 6, 15),
        decision=decision(D(2026, 6, 15), "20-QĐ/TU"),
        deciding_body="Ban Thường vụ Tỉnh ủy",
        actor=lan,
    )
    complaint.refresh_from_db()
    expulsion.refresh_from_db()
    assert expulsion.effect_until == D(2026, 6, 15)
    assert complaint.result.form == penalties.WARNING
    assert complaint.result.effect_until == D(2027, 6, 15)
    history = derive_for(hoa)
    assert state_on(history, D(2026, 6, 14))["status"] == "expelled"
    assert state_on(history, D(2026, 6, 15))["status"] == "official"
    assert member_under_discipline(hoa.pk, D(2026, 6, 15))


@pytest.mark.django_db
def test_a_denunciation_in_the_congress_period_and_anonymous_ones(world, officers):
    """DOMAIN-2.md §1.7–§1.8 at the service's door: the commune's congress opens on Monday
    15/09/2025; received 18/08/2025 (17 working days before, test_rules) it passes to the new
    committee and has no deadline; received 04/08/2025 (27) it is resolved, due 90 working days
    later; an anonymous one is not resolved, keeps no denouncer and has no deadline."""
    khanh, lan = officers
    congress.congress_record(
        org=world.phuoc_hai,
        data=congress.CongressInput(
            first_year=2025,
            last_year=2030,
            kind=congress_rules.MEMBER_CONGRESS,
            opens_on=D(2025, 9, 15),
            closes_on=D(2025, 9, 15),
            convened=2,
            present=2,
        ),
        actor=world.an,
    )
    petition = rules.Petition(named=True, concrete=True)
    common = dict(
        org=world.phuoc_hai,
        body=rules.INSPECTION,
        content="Tố cáo vi phạm",
        category="ethics",
        actor=khanh,
        against_member=world.members["an"],
    )
    late = svc.denunciation_receive(
        received_on=D(2025, 8, 18), petition=petition, denouncer="Nguyễn Văn Tố", **common
    )
    assert late.congress_period and late.due_on is None
    early = svc.denunciation_receive(
        received_on=D(2025, 8, 4), petition=petition, denouncer="Nguyễn Văn Tố", **common
    )
    assert not early.congress_period and early.due_on is not None
    assert early.limit_confirmed is False
    anonymous = svc.denunciation_receive(
        received_on=D(2025, 8, 18),
        petition=rules.Petition(named=False, concrete=True),
        denouncer="ghi nhầm",
        **common,
    )
    assert anonymous.admissibility == rules.ANONYMOUS and anonymous.denouncer == ""
    assert anonymous.due_on is None
    with pytest.raises(RuleError, match="cấp ủy khóa mới"):
        svc.denunciation_resolve(
            denunciation=late, founded=svc.FOUNDED, resolved_on=D(2025, 10, 1), actor=khanh
        )
    # The new committee takes it after the congress: its 90 working days run from then.
    with pytest.raises(RuleError):
        svc.denunciation_hand_over(denunciation=late, on=D(2025, 9, 12), actor=khanh)
    svc.denunciation_hand_over(denunciation=late, on=D(2025, 9, 22), actor=khanh)
    late.refresh_from_db()
    assert late.due_on > D(2025, 9, 22) + dt.timedelta(days=90)
    svc.denunciation_resolve(
        denunciation=late, founded=svc.PARTLY, resolved_on=D(2025, 10, 1), actor=khanh
    )
    with pytest.raises(RuleError, match="01/10/2025"):  # resolved once: the outcome stays
        svc.denunciation_resolve(
            denunciation=late, founded=svc.FOUNDED, resolved_on=D(2025, 10, 2), actor=khanh
        )
    svc.denunciation_notify(denunciation=late, on=D(2025, 10, 6), actor=khanh)
    with pytest.raises(RuleError):
        svc.denunciation_notify(denunciation=late, on=D(2025, 10, 7), actor=khanh)
    # An anonymous one is not resolved: nor passed to the new committee (form 06 counts it once).
    assert not anonymous.congress_period
    with pytest.raises(RuleError, match="30"):
        svc.denunciation_extend(denunciation=early, days=31, actor=khanh)
    # The denouncer's identity: the province's inspection officer with the sensitive permission,
    # not the commune's without it, and not the organisation board.
    assert access.may_see_denouncer(lan, early)
    assert not access.may_see_denouncer(khanh, early)
    assert not access.may_see_denouncer(world.an, early)
    assert not access.denunciations_for(world.an).exists()


def test_the_statistics_of_a_year_beside_the_same_period_last_year(world, officers):
    """Issue 27 point 7, counted by hand. In 2026 the commune's inspection committee opened a case
    on signs of violation (concluded: discipline required; a warning) and a thematic supervision
    (concluded with a violation not requiring discipline), both on members; in 2025 a regular
    supervision. The province answers with the commune's figures (its subtree); the command's
    JSON says the same."""
    import io
    import json

    from django.core.management import call_command

    from dangvu.inspection import selectors

    khanh, _lan = officers
    signs = _open(world, khanh)
    _walk(signs, khanh)
    svc.case_conclude(
        case=signs,
        on=D(2026, 3, 20),
        degree=rules.SERIOUS,
        conclusion="Vi phạm",
        discipline_form=penalties.WARNING,
        actor=khanh,
    )
    svc.case_discipline(
        case=signs,
        form=penalties.WARNING,
        decision=decision(D(2026, 4, 1), "05-QĐ/ĐU", "Đảng ủy xã Phước Hải"),
        announced_on=D(2026, 4, 2),
        deciding_body="Đảng ủy xã Phước Hải",
        actor=khanh,
    )
    watch = _open(world, khanh, member="an", kind=rules.SUPERVISION_THEMATIC, on=D(2026, 5, 4))
    svc.step_record(case=watch, step=rules.NOTICE, on=D(2026, 5, 5), actor=khanh)
    svc.case_conclude(
        case=watch, on=D(2026, 6, 1), degree=rules.NOT_SERIOUS, conclusion="Nhắc nhở", actor=khanh
    )
    _open(world, khanh, member="an", kind=rules.SUPERVISION_REGULAR, on=D(2025, 6, 2))
    kind, first, last = selectors.parse_period("2026")
    assert (kind, first, last) == (rules.YEAR, D(2026, 1, 1), D(2026, 12, 31))
    found = selectors.statistics(world.phuoc_hai, first, last)
    now, before = found["period"], found["last_year"]
    assert now["opened.member"] == 2 and "opened.org" not in now
    assert now["opened.signs.member"] == 1 and now["opened.supervision_thematic.member"] == 1
    assert now["violating.member"] == 2 and now["discipline_required.member"] == 1
    assert now["disciplined.member.canh_cao"] == 1
    assert before["opened.member"] == 1 and before["opened.supervision_regular.member"] == 1
    assert before.get("violating.member", 0) == 0
    assert selectors.statistics(world.province, first, last) == found
    half = selectors.statistics(world.phuoc_hai, *selectors.parse_period("6m/2026")[1:])
    assert half["period"]["opened.member"] == 2  # both opened by 30/06
    assert (
        selectors.statistics(world.phuoc_hai, *selectors.parse_period("q1/2026")[1:])["period"][
            "opened.member"
        ]
        == 1
    )
    out = io.StringIO()
    call_command(
        "inspection", "stats", "--org", "X-PH", "--period", "2026", "--format", "json", stdout=out
    )
    printed = json.loads(out.getvalue())
    assert printed["period"] == json.loads(json.dumps(now)) and printed["kind"] == rules.YEAR
    for bad in ("2026-2040", "13/2026", "x"):
        with pytest.raises(ValueError):
            selectors.parse_period(bad)

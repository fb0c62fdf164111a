"""The rating workflow on records: the cell proposes, the grassroots organisation decides, the
superior level re-classifies; the rules block with their reasons (DOMAIN.md §1, §16.1–§16.2);
commendation candidates and badges from the history (§2, §3)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.http import Http404
from django.utils import translation

from dangvu.awards.models import BadgeAward
from dangvu.awards.services import badge_record, badges_due, five_year_candidates
from dangvu.core.errors import RuleError
from dangvu.evaluation.models import Rating
from dangvu.evaluation.selectors import distribution, progress
from dangvu.evaluation.services import (
    Proposal,
    ratings_decide,
    ratings_propose,
    reclassify,
)
from dangvu.orgs.models import Organisation
from dangvu.rules import evaluation as ev
from dangvu.rules.evaluation import HTNV, HTTNV, HTXSNV, KHTNV, Score
from tests.conftest import admit, decision, make_org
from tests.evaluation.helpers import disciplined

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

NAMES = ["Võ Văn Một", "Võ Văn Hai", "Võ Văn Ba", "Võ Văn Bốn", "Võ Văn Năm", "Võ Văn Sáu"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def ph1_members(world):
    """PH-1 with hoa, an and six more members admitted in 2010."""
    extra = [admit(world.ph1, n, birth=dt.date(1981, 1, 1 + i)) for i, n in enumerate(NAMES)]
    return [world.members["hoa"], world.members["an"], *extra]


def rate(world, members, year, levels, *, group=None, score=None):
    """The cell proposes and the commune decides the given levels (member → level)."""
    proposals = [Proposal(m, levels[m], score=score(m) if score else None) for m in members]
    ratings = ratings_propose(cell=world.ph1, year=year, proposals=proposals, actor=world.binh)
    return ratings_decide(
        deciding_org=world.phuoc_hai,
        year=year,
        levels=[(r, levels[r.member]) for r in ratings],
        decision=decision(dt.date(year, 12, 20), f"{year}-QĐ/ĐU", "Đảng ủy xã Phước Hải"),
        actor=world.an,
        group=group,
    )


def messages(exc):
    return [m for ms in exc.value.message_dict.values() for m in ms]


def test_the_cell_proposes_and_the_grassroots_committee_decides_each_step_dated(world, ph1_members):
    levels = dict.fromkeys(ph1_members, HTTNV)
    levels[ph1_members[0]] = HTXSNV  # 1 of 7 HTTNV → 20 % allows 1
    rated = rate(world, ph1_members, 2021, levels)
    hoa = Rating.objects.get(member=world.members["hoa"], year=2021)
    assert (hoa.proposed_level, hoa.level, hoa.regulation) == (HTXSNV, HTXSNV, "HD21")
    assert hoa.proposed_by == world.binh and hoa.decided_by == world.an
    assert hoa.deciding_org == world.phuoc_hai and hoa.decision.number == "2021-QĐ/ĐU"
    assert len(rated) == 8
    # The secretary of the cell cannot decide at the commune's level.
    with pytest.raises((Http404, PermissionDenied)):
        ratings_decide(
            deciding_org=world.phuoc_hai,
            year=2021,
            levels=[(hoa, HTTNV)],
            decision=None,
            actor=world.binh,
        )


def test_discipline_in_the_year_blocks_a_rating_above_khtnv_with_the_reason(world, ph1_members):
    # §1.3 (b): under HD 21 a member disciplined in the year is rated KHTNV.
    hoa = world.members["hoa"]
    disciplined("khien_trach", dt.date(2021, 4, 5), member=hoa)
    with pytest.raises(ValidationError) as exc:
        ratings_propose(
            cell=world.ph1, year=2021, proposals=[Proposal(hoa, HTTNV)], actor=world.binh
        )
    assert messages(exc) == [
        "Disciplined in the year (Reprimand, 05/04/2021): Hướng dẫn 21-HD/BTCTW (18/10/2019) "
        "rates the member KHTNV."
    ]
    assert not Rating.objects.exists()  # nothing written
    ratings_propose(cell=world.ph1, year=2021, proposals=[Proposal(hoa, KHTNV)], actor=world.binh)
    # The next year the reprimand no longer forces anything.
    ratings_propose(cell=world.ph1, year=2022, proposals=[Proposal(hoa, HTTNV)], actor=world.binh)


def test_the_quota_refuses_a_sixth_htxsnv_and_names_the_limit(world, ph1_members):
    # §1.3 (b): HTXSNV ≤ 20 % of those rated HTTNV in the grassroots organisation (HD 21).
    levels = dict.fromkeys(ph1_members, HTTNV)  # 8 members
    levels[ph1_members[0]] = levels[ph1_members[1]] = HTXSNV  # 2 of 6 HTTNV: 20 % is 1.2 → 1
    with pytest.raises(ValidationError) as exc:
        rate(world, ph1_members, 2022, levels)
    assert messages(exc) == [
        "2 rated HTXSNV in Đảng bộ xã Phước Hải, more than 20% of the 6 rated HTTNV (at most 1; "
        "Hướng dẫn 21-HD/BTCTW (18/10/2019))."
    ]
    assert not Rating.objects.filter(level__gt="").exists()


def test_members_not_reviewed_are_refused_and_listed_in_the_progress(world, ph1_members):
    # §16.1 1.5 (from QĐ 124): admitted less than 6 months before the review.
    new = admit(
        world.ph1,
        "Lê Văn Mới",
        birth=dt.date(1999, 3, 3),
        decided=dt.date(2024, 7, 20),
        ceremony=dt.date(2024, 8, 1),
        recognised=False,
    )
    with pytest.raises(ValidationError) as exc:
        ratings_propose(
            cell=world.ph1, year=2024, proposals=[Proposal(new, HTNV)], actor=world.binh
        )
    assert "less than 6 months" in messages(exc)[0]
    state = progress(world.phuoc_hai, 2024)
    assert [m.person.full_name for m, _why in state["not_reviewed"]] == ["Lê Văn Mới"]
    # PH-1's eight plus Thành of PH-2 (admitted 20/6/2024: six months by 20/12) are to be rated.
    assert state["to_rate"] == 9 and state["rated"] == 0


def test_from_2025_the_score_decides_the_best_level(world, ph1_members):
    # §16.1 1.2: 85 points allows HTTNV at best; HTXSNV needs ≥ 90 and ≥ 30 % of tasks exceeded.
    hoa = world.members["hoa"]
    with pytest.raises(ValidationError) as exc:
        ratings_propose(
            cell=world.ph1,
            year=2025,
            proposals=[Proposal(hoa, HTXSNV, score=Score(27, 58, exceeded_pct=40))],
            actor=world.binh,
        )
    assert messages(exc) == ["A score of 85 allows HTTNV at best."]
    with pytest.raises(ValidationError) as exc:
        ratings_propose(
            cell=world.ph1, year=2025, proposals=[Proposal(hoa, HTTNV)], actor=world.binh
        )
    assert "needs its score" in messages(exc)[0]
    [rating] = ratings_propose(
        cell=world.ph1,
        year=2025,
        proposals=[Proposal(hoa, HTXSNV, score=Score(28, 64, exceeded_pct=35))],
        actor=world.binh,
    )
    assert (rating.score_general, rating.score_tasks) == (28, 64)


def test_the_superior_level_reclassifies_with_a_reason(world, ph1_members):
    levels = dict.fromkeys(ph1_members, HTTNV)
    rate(world, ph1_members, 2020, levels)
    hoa = Rating.objects.get(member=world.members["hoa"], year=2020)
    with pytest.raises(RuleError):  # the commune cannot re-classify its own decision
        reclassify(rating=hoa, level=HTNV, reason="x", actor=world.an, by=world.phuoc_hai)
    with pytest.raises(RuleError):
        reclassify(rating=hoa, level=HTNV, reason=" ", actor=world.an, by=world.province)
    done = reclassify(
        rating=hoa,
        level=HTNV,
        reason="Kiểm tra phát hiện chưa hoàn thành chỉ tiêu",
        actor=world.an,
        by=world.province,
    )
    assert (done.level, done.reclassified_from, done.reclassified_by_org) == (
        HTNV,
        HTTNV,
        world.province,
    )
    result = distribution(world.province, 2020)
    assert result["counts"] == {HTXSNV: 0, HTTNV: 7, HTNV: 1, KHTNV: 0}
    assert (result["good_or_better_pct"], result["meets_target"]) == (87.5, False)


def five_years(world, ph1_members):
    """2019–2023: hoa HTXSNV every year (the quota allows one per 5 to 9 rated HTTNV), an HTNV
    in 2021, the others HTTNV."""
    hoa, an = ph1_members[:2]
    for year in range(2019, 2024):
        levels = dict.fromkeys(ph1_members, HTTNV)
        levels[hoa] = HTXSNV
        if year == 2021:
            levels[an] = HTNV
        group = None
        if year >= 2023:  # QĐ 124: the quota applies within a group the commune sets up
            from dangvu.evaluation.services import peer_group_create

            group = peer_group_create(
                year=year,
                deciding_org=world.phuoc_hai,
                name="Đảng viên các chi bộ thôn",
                actor=world.an,
            )
        rate(world, ph1_members, year, levels, group=group)


def test_five_year_candidates_equal_an_independent_sql_count(world, ph1_members):
    # §2.2: members rated HTXSNV five years in a row, 2019–2023.
    five_years(world, ph1_members)
    found = five_year_candidates(world.province, 2019, 2023, actor=world.an)
    assert [(m["name"], m["org"]) for m in found["members"]] == [("Nguyễn Thị Hoa", "PH-1")]
    assert found["members"][0]["ratings"] == dict.fromkeys(map(str, range(2019, 2024)), HTXSNV)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT member_id FROM evaluation_rating WHERE subject = 'member' AND level = 'HTXSNV' "
            "AND year BETWEEN 2019 AND 2023 GROUP BY member_id HAVING COUNT(DISTINCT year) = 5"
        )
        independent = {row[0] for row in cursor.fetchall()}
    assert independent == {world.members["hoa"].pk}
    # A discipline in force at the end of the period leaves her out (§2.4).
    disciplined("khien_trach", dt.date(2023, 12, 29), member=world.members["hoa"])
    assert five_year_candidates(world.province, 2019, 2023, actor=world.an)["members"] == []


def test_the_cli_prints_candidates_and_badges_as_json(world, ph1_members):
    five_years(world, ph1_members)
    out = io.StringIO()
    call_command(
        "awards", "candidates", "--org", "TU-T", "--period", "2019-2023", "--format", "json",
        stdout=out,
    )  # fmt: skip
    document = json.loads(out.getvalue())
    assert document["members"] == [
        {
            "cccd": "058185000123",
            "name": "Nguyễn Thị Hoa",
            "org": "PH-1",
            "org_name": "Chi bộ Thôn Phước Lập",
            "ratings": dict.fromkeys(map(str, range(2019, 2024)), HTXSNV),
        }
    ]
    assert document["organisations"] == []
    # An older province, with a member admitted on 26/7/1985: 40 years on 26/7/2025 (§3.1–3.3).
    old = make_org("TU-C", "Đảng bộ tỉnh Cũ", "provincial", None, on=dt.date(1975, 4, 30))
    cell = make_org("CB-C", "Chi bộ Cũ", "grassroots_cell", old, on=dt.date(1975, 4, 30))
    veteran = admit(
        cell,
        "Trần Văn Lão",
        birth=dt.date(1960, 2, 2),
        decided=dt.date(1985, 7, 26),
        ceremony=dt.date(1985, 8, 10),
        citizen_id="058060000999",
    )
    out = io.StringIO()
    call_command(
        "badges", "due", "--org", "TU-C", "--date", "2025-09-02", "--format", "json", stdout=out
    )
    assert json.loads(out.getvalue()) == {
        "members": [
            {
                "cccd": "058060000999",
                "name": "Trần Văn Lão",
                "tier": 40,
                "party_age": 40,
                "early": False,
                "posthumous": False,
            }
        ]
    }
    award = badge_record(
        member=veteran, tier=40, awarded_on=dt.date(2025, 9, 2), decision=None, actor=None
    )
    assert award.amount == 2 * 2_340_000  # 2.0 × the base salary of 2/9/2025 (§3.6)
    assert badges_due(old, dt.date(2025, 9, 2), actor=None) == []
    assert BadgeAward.objects.count() == 1


def test_a_badge_on_file_is_checked_on_its_day_not_on_a_later_death(world):
    """DOMAIN.md §3.2, §3.4: party age stops at death, and is reckoned to the day asked before it.
    Trần Văn Lạc, admitted by the decision of 01/05/1990, reached 30 years on 01/05/2020 and was
    given the 30-year badge on 19/05/2020. In 2021 he moved cells: letter issued 02/03/2021,
    presented 01/04/2021, 30 days not counted (§4.5). He died on 01/01/2023.

    Worked by hand: on 19/05/2020 the move had not happened, so nothing is deducted and the badge
    was due (30 years on 01/05/2020). Counting the 30 days up to his death instead moves the
    30 years to 31/05/2020, after the award: entering the badge after his death was refused,
    and the audit of awards on file called a correct badge not due. His party age at death: from 01/05/1990 plus 30 days (31/05/1990) to 01/01/2023 is
    32 years 7 months 1 day; asked on 02/09/2025 it is the same."""
    from dangvu.awards.services import audit_awards
    from dangvu.members.selectors import member_on
    from tests.reports.conftest import event

    old = make_org("TU-L", "Đảng bộ tỉnh Lạc", "provincial", None, on=dt.date(1975, 4, 30))
    first = make_org("CB-L1", "Chi bộ Lạc Một", "grassroots_cell", old, on=dt.date(1975, 4, 30))
    second = make_org("CB-L2", "Chi bộ Lạc Hai", "grassroots_cell", old, on=dt.date(1975, 4, 30))
    lac = admit(
        first,
        "Trần Văn Lạc",
        birth=dt.date(1965, 8, 8),
        decided=dt.date(1990, 5, 1),
        ceremony=dt.date(1990, 5, 19),
        citizen_id="058065000777",
    )
    event(lac, "transfer_out", dt.date(2021, 3, 2), org=second)
    event(lac, "transfer_in", dt.date(2021, 4, 1), org=second)
    event(lac, "death", dt.date(2023, 1, 1))
    lac.refresh_from_db()
    assert (lac.status, lac.status_since) == ("deceased", dt.date(2023, 1, 1))
    # The badge entered from the paper file after his death, as an officer catching up does:
    # recording it (badge_record) was refused, and the audit of those on file flagged it.
    badge_record(member=lac, tier=30, awarded_on=dt.date(2020, 5, 19), decision=None, actor=None)
    assert audit_awards() == []
    for on in (dt.date(2023, 1, 1), dt.date(2025, 9, 2)):
        assert member_on(lac, on)["party_age"] == {"years": 32, "months": 7, "days": 1}
    # Before the move, the same member's party age counts no gap.
    assert member_on(lac, dt.date(2020, 5, 19))["party_age"] == {
        "years": 30,
        "months": 0,
        "days": 18,
    }


def test_an_organisation_rates_itself_its_superior_decides_and_discipline_caps_it(world):
    # QĐ 124 (§1.3 c): a collective whose leadership was disciplined, or with more than 20 % of
    # its subordinates disciplined, is KHTNV. PH-2 reprimanded in 2023: PH-2 is capped, and X-PH
    # (1 of its 2 cells disciplined, 50 %) too.
    from dangvu.evaluation.selectors import org_distribution, orgs_not_rated
    from dangvu.evaluation.services import org_rating_propose

    disciplined("khien_trach", dt.date(2023, 5, 10), org=world.ph2)
    with pytest.raises(ValidationError) as exc:
        org_rating_propose(
            org=world.ph2, year=2023, proposal=Proposal(world.ph2, HTTNV), actor=world.an
        )
    assert "the collective is rated KHTNV" in messages(exc)[0]
    with pytest.raises(ValidationError) as exc:
        org_rating_propose(
            org=world.phuoc_hai,
            year=2023,
            proposal=Proposal(world.phuoc_hai, HTTNV),
            actor=world.an,
        )
    assert messages(exc) == [
        "1 of 2 subordinate organisations were disciplined in the year, more than 20%: the "
        "collective is rated KHTNV (Quy định 124-QĐ/TW (04/10/2023), Hướng dẫn 25-HD/BTCTW "
        "(10/11/2023))."
    ]
    # PH-1 proposes HTTNV; the commune (its grassroots committee) decides, not the district.
    ph1 = org_rating_propose(
        org=world.ph1, year=2023, proposal=Proposal(world.ph1, HTTNV), actor=world.binh
    )
    with pytest.raises(ValidationError) as exc:
        ratings_decide(
            deciding_org=world.province,
            year=2023,
            levels=[(ph1, HTTNV)],
            decision=None,
            actor=world.an,
        )
    assert messages(exc) == ["Chi bộ Thôn Phước Lập's rating is decided by Đảng bộ xã Phước Hải."]
    ratings_decide(
        deciding_org=world.phuoc_hai,
        year=2023,
        levels=[(ph1, HTTNV)],
        decision=None,
        actor=world.an,
    )
    # X-PH rated KHTNV by its superior, the district.
    xph = org_rating_propose(
        org=world.phuoc_hai, year=2023, proposal=Proposal(world.phuoc_hai, KHTNV), actor=world.an
    )
    district = Organisation.objects.get(code="HU-A")
    ratings_decide(
        deciding_org=district, year=2023, levels=[(xph, KHTNV)], decision=None, actor=world.an
    )
    by_kind = {
        (g["kind"], g["category"]): g["counts"] for g in org_distribution(world.province, 2023)
    }
    assert by_kind[("cell", "")][HTTNV] == 1 and by_kind[("grassroots_committee", "xa")][KHTNV] == 1
    assert [o.code for o in orgs_not_rated(world.province, 2023)] == [
        "HU-A",
        "PH-2",
        "TS-1",
        "X-TS",
    ]


def test_the_quota_may_be_raised_to_25_percent_only_from_2025_with_a_reason(world):
    from dangvu.evaluation.services import peer_group_create

    with pytest.raises(RuleError):
        peer_group_create(
            year=2024,
            deciding_org=world.phuoc_hai,
            name="Chi bộ thôn",
            actor=world.an,
            raised=True,
            raise_reason="x",
        )
    with pytest.raises(RuleError):
        peer_group_create(
            year=2025, deciding_org=world.phuoc_hai, name="Chi bộ thôn", actor=world.an, raised=True
        )
    group = peer_group_create(
        year=2025, deciding_org=world.phuoc_hai, name="Chi bộ thôn", actor=world.an, raised=True,
        raise_reason="Hoàn thành vượt kế hoạch, chuyển biến rõ",
    )  # fmt: skip
    assert group.raised and ev.quota(ev.QD366, 8, raised=group.raised) == 2  # 25 % of 8


def test_the_awards_page_lists_the_candidates_and_the_badges_due(client, world, ph1_members):
    from django.urls import reverse

    from tests.conftest import sign_in

    five_years(world, ph1_members)
    sign_in(client, world.an)
    page = client.get(
        reverse("awards:org", args=["TU-T"]), {"period": "2019-2023", "ngay": "19/05/2040"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Nguyễn Thị Hoa" in text.split("Huy hiệu Đảng đến hạn")[0]  # the five-year candidate
    # Admitted 2/3/2010: 30 years on 2/3/2040, due at the award of 19/5/2040 — all of PH-1 and more.
    assert text.count("30 năm") >= len(ph1_members)
    bad = client.get(reverse("awards:org", args=["TU-T"]), {"period": "2023-2019"})
    assert "Năm kết thúc trước năm bắt đầu." in bad.content.decode()


def test_a_commendation_is_recorded_with_its_cash_and_refused_without_the_five_years(
    world, ph1_members
):
    # §2.3: a grassroots organisation "tiêu biểu" five years in a row — bằng khen, 5.0 × the base
    # salary of the decision's day; §2.4: nobody under a discipline in force is commended.
    from decimal import Decimal

    from dangvu.awards.models import Commendation
    from dangvu.awards.services import commendation_record

    five_years(world, ph1_members)
    hoa, an = ph1_members[:2]
    giver_decision = decision(dt.date(2024, 1, 18), "1250-QĐ/TU", "Ban Thường vụ Tỉnh ủy")
    item = commendation_record(
        kind=Commendation.Kind.HONOUR,
        basis=Commendation.Basis.FIVE_YEARS,
        first_year=2019,
        last_year=2023,
        giver=world.province,
        decision=giver_decision,
        actor=world.an,
        member=hoa,
        multiple=Decimal("5.0"),
    )
    assert (item.base_salary, item.amount) == (1_800_000, 9_000_000)
    with pytest.raises(RuleError) as exc:
        commendation_record(
            kind=Commendation.Kind.HONOUR,
            basis=Commendation.Basis.FIVE_YEARS,
            first_year=2019,
            last_year=2023,
            giver=world.province,
            decision=giver_decision,
            actor=world.an,
            member=an,
        )
    assert "missing: 2019, 2020, 2021, 2022, 2023" in str(exc.value)
    disciplined("khien_trach", dt.date(2024, 2, 2), member=hoa)
    with pytest.raises(RuleError) as exc:
        commendation_record(
            kind=Commendation.Kind.CERTIFICATE,
            basis=Commendation.Basis.YEAR,
            first_year=2023,
            last_year=2023,
            giver=world.phuoc_hai,
            decision=decision(dt.date(2024, 3, 1), "20-QĐ/ĐU", "Đảng ủy xã Phước Hải"),
            actor=world.an,
            member=hoa,
        )
    assert "Under a discipline in force" in str(exc.value)


def test_the_member_assesses_themself_first_then_the_cell_proposes(world, ph1_members):
    # §16.1 1.6: step 1 self-assessment, step 2 the proposal, step 3 the decision.
    from dangvu.accounts.models import User
    from dangvu.evaluation.services import rating_self_assess

    hoa = world.members["hoa"]
    own = User.objects.create_user(username="hoa", password="mat-khau-rat-dai-2026", member=hoa)
    rating = rating_self_assess(member=hoa, year=2024, level=HTXSNV, actor=own)
    assert (rating.self_level, rating.proposed_level, rating.level) == (HTXSNV, "", "")
    with pytest.raises((Http404, PermissionDenied)):  # not her record, no role
        rating_self_assess(member=world.members["an"], year=2024, level=HTTNV, actor=own)
    [proposed] = ratings_propose(
        cell=world.ph1, year=2024, proposals=[Proposal(hoa, HTTNV)], actor=world.binh
    )
    assert (proposed.pk, proposed.self_level, proposed.proposed_level) == (rating.pk, HTXSNV, HTTNV)


def test_the_round_sets_the_review_day_and_closing_it_stops_proposals(world, ph1_members):
    # HD 43 mục 4.1: the review ends before 31/12; a province may hold it on 15/12. A member
    # admitted on 16/6/2023 has 6 months on 16/12: reviewed on 31/12, not on 15/12 (§16.1 1.5).
    from django.core.management import call_command

    from dangvu.evaluation.services import round_close, round_open

    new = admit(world.ph1, "Lê Văn Mới", birth=dt.date(1999, 3, 3), decided=dt.date(2023, 6, 1),
                ceremony=dt.date(2023, 6, 16), recognised=False)  # fmt: skip
    [rating] = ratings_propose(
        cell=world.ph1, year=2023, proposals=[Proposal(new, HTNV)], actor=world.binh
    )
    rating.delete()
    with pytest.raises(RuleError):
        round_open(year=2023, review_on=dt.date(2024, 1, 5), actor=None)
    call_command("ratings", "open", "2023", "--review-on", "2023-12-15", stdout=io.StringIO())
    with pytest.raises(ValidationError) as exc:
        ratings_propose(
            cell=world.ph1, year=2023, proposals=[Proposal(new, HTNV)], actor=world.binh
        )
    assert "less than 6 months before the review of 15/12/2023" in messages(exc)[0]
    round_close(year=2023, on=dt.date(2024, 1, 10), actor=None)
    with pytest.raises(RuleError) as closed:
        ratings_propose(
            cell=world.ph1,
            year=2023,
            proposals=[Proposal(world.members["an"], HTTNV)],
            actor=world.binh,
        )
    assert "closed on 10/01/2024" in str(closed.value)


def test_cached_progress_badges_and_candidates_follow_every_write(world, ph1_members):
    """The province's pages keep their counts per state of the records (core.cached): opened
    again they are read back; a decision, a badge or any other write counts them again. The
    pages as they fail in life: the cache on, as it is in service."""
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext, override_settings

    with override_settings(DANGVU_FIGURE_CACHE=True):
        cache.clear()
        before = progress(world.phuoc_hai, 2021)
        # PH-1's eight (Thành of PH-2 was admitted in 2024).
        assert (before["to_rate"], before["rated"]) == (8, 0)
        with CaptureQueriesContext(connection) as again:
            assert progress(world.phuoc_hai, 2021)["pending_total"] == 8
        # The state of the records, the members shown, the late decisions: no counting.
        assert not any("flagperiod" in q["sql"] for q in again.captured_queries)
        levels = dict.fromkeys(ph1_members, HTTNV)
        rate(world, ph1_members, 2021, levels)
        after = progress(world.phuoc_hai, 2021)
        assert (after["rated"], after["pending_total"]) == (8, 0)

        day = dt.date(2040, 5, 19)  # all of PH-1 (admitted 2010) reach 30 years
        due = badges_due(world.ph1, day, actor=None)
        hoa = world.members["hoa"]
        assert hoa.pk in {b["id"] for b in due}
        badge_record(member=hoa, tier=30, awarded_on=day, decision=None, actor=None)
        assert hoa.pk not in {b["id"] for b in badges_due(world.ph1, day, actor=None)}
        assert len(badges_due(world.ph1, day, actor=None)) == len(due) - 1


def test_a_member_readmitted_later_was_not_new_at_an_earlier_review():
    # §16.1 1.5 judges the membership in force on the review day: a re-admission of 08/07/2025
    # does not make the member new for the review of 31/12/2023 (the demo's Lê Thị Lệ).
    from dangvu.evaluation.services.common import joined_on

    review = dt.date(2023, 12, 31)
    assert joined_on(dt.date(2025, 8, 1), dt.date(2025, 7, 8), review) is None
    assert joined_on(dt.date(2023, 8, 1), dt.date(2023, 7, 8), review) == dt.date(2023, 8, 1)
    assert joined_on(None, dt.date(2023, 11, 2), review) == dt.date(2023, 11, 2)

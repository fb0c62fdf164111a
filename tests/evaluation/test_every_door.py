"""One rule, every door (issue 20, points 1, 2 and 5): the HTXSNV quota holds on re-classification
and in the ratings import, scores are checked exactly as stored, and a decision after the year's
deadline needs its reason. Worked examples computed by hand from DOMAIN.md §1.3 (b), §16.1 1.1,
1.2 and 1.6."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry
from dangvu.evaluation.models import Rating
from dangvu.evaluation.selectors import progress
from dangvu.evaluation.services import (
    Proposal,
    ratings_decide,
    ratings_propose,
    reclassify,
)
from dangvu.exchange.models import ImportBatch
from dangvu.rules import evaluation as ev
from dangvu.rules.evaluation import HTNV, HTTNV, HTXSNV, Score
from tests.conftest import admit, decision, sign_in
from tests.exchange.files import xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
D = dt.date
HEADER = ["Số CCCD", "Họ và tên", "Năm", "Xếp loại", "Số quyết định", "Ngày quyết định"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def ten(world):
    """PH-1 with hoa, an and eight more members admitted in 2010, each with a citizen ID."""
    extra = [
        admit(world.ph1, f"Phan Văn {n}", birth=D(1981, 1, 1 + i), citizen_id=f"05808100{i:04d}")
        for i, n in enumerate(["Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám"])
    ]
    return [world.members["hoa"], world.members["an"], *extra]


def rate(world, members, year, levels, *, on=None, score=None, late_reason=""):
    ratings = ratings_propose(
        cell=world.ph1,
        year=year,
        proposals=[Proposal(m, levels[m], score=score) for m in members],
        actor=world.binh,
    )
    return ratings_decide(
        deciding_org=world.phuoc_hai,
        year=year,
        levels=[(r, levels[r.member]) for r in ratings],
        decision=decision(on or D(year, 12, 20), f"{year}-QĐ/ĐU", "Đảng ủy xã Phước Hải"),
        actor=world.an,
        on=on or D(year, 12, 20),
        late_reason=late_reason,
    )


# --- point 1: re-classification ------------------------------------------------------------------
def test_reclassifying_up_to_htxsnv_keeps_the_quota_of_the_level_that_decided(world, ten):
    """§1.3 (b), HD 21: in 2021 Phước Hải rated 1 HTXSNV and 9 HTTNV (20 % of 9 is 1.8: at most 1).
    The province raising one more to HTXSNV would make 2 beside 8 HTTNV (20 % of 8 is 1.6: at most
    1): refused, naming the commune and the numbers. Lowering the HTXSNV to HTTNV is allowed."""
    levels = dict.fromkeys(ten, HTTNV)
    levels[ten[0]] = HTXSNV
    rate(world, ten, 2021, levels)
    an = Rating.objects.get(member=ten[1], year=2021)
    with pytest.raises(RuleError) as caught:
        reclassify(
            rating=an, level=HTXSNV, reason="Thành tích nổi bật", actor=world.an, by=world.province
        )
    assert caught.value.messages == [
        "2 rated HTXSNV in Đảng bộ xã Phước Hải, more than 20% of the 8 rated HTTNV (at most 1; "
        "Hướng dẫn 21-HD/BTCTW (18/10/2019))."
    ]
    assert Rating.objects.get(pk=an.pk).level == HTTNV  # nothing written
    hoa = Rating.objects.get(member=ten[0], year=2021)
    reclassify(
        rating=hoa, level=HTTNV, reason="Chưa đủ tiêu chuẩn", actor=world.an, by=world.province
    )
    assert Rating.objects.filter(year=2021, level=HTXSNV).count() == 0


# --- point 1: the import -------------------------------------------------------------------------
def over_quota(world, ten, tmp_path):
    """The issue's case: 5 HTXSNV beside 5 HTTNV in one commune, 2022. 20 % of 5 HTTNV is 1."""
    rows = [HEADER]
    for i, m in enumerate(ten):
        level = HTXSNV if i < 5 else HTTNV
        rows.append(
            [m.person.citizen_id, m.person.full_name, 2022, level, "88-QĐ/ĐU", D(2022, 12, 20)]
        )
    path = Path(tmp_path) / "xep-loai-2022.xlsx"
    path.write_bytes(xlsx(rows))
    return path


def test_importing_a_year_over_the_quota_exits_1_naming_the_organisation_and_the_numbers(
    world, ten, tmp_path, capsys
):
    path = over_quota(world, ten, tmp_path)
    with pytest.raises(SystemExit) as stopped:
        call_command("import", "ratings", str(path))
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert (
        "5 rated HTXSNV in Đảng bộ xã Phước Hải, more than 20% of the 5 rated HTTNV (at most 1; "
        "Hướng dẫn 21-HD/BTCTW (18/10/2019))." in err
    )
    assert "--keep-rows" in err
    assert not Rating.objects.exists()


def test_the_officer_keeps_such_a_year_only_with_a_reason_the_change_log_records(
    world, ten, tmp_path, capsys
):
    path = over_quota(world, ten, tmp_path)
    with pytest.raises(CommandError, match="Say why"):  # no reason: refused before anything
        call_command("import", "ratings", str(path), "--keep-rows", "2")
    reason = "Quyết định 88-QĐ/ĐU đã ban hành; nhập đúng như hồ sơ"
    # The breach is reported on each of the five HTXSNV rows (2–6): keeping one is not enough.
    with pytest.raises(SystemExit):
        call_command("import", "ratings", str(path), "--keep-rows", "2", "--reason", reason)
    assert "Problem (row 3, Xếp loại)" in capsys.readouterr().err
    assert not Rating.objects.exists()
    call_command("import", "ratings", str(path), "--keep-rows", "2,3,4,5,6", "--reason", reason)
    kept = Rating.objects.filter(year=2022, override_reason=reason)
    assert Rating.objects.filter(year=2022).count() == 10
    assert set(kept.values_list("member", flat=True)) == {m.pk for m in ten[:5]}
    entry = ChangeLogEntry.objects.get(action="rating.import", object_id=str(kept.first().pk))
    assert entry.reason == reason and entry.after["override_reason"] == reason
    # The same file again changes nothing and is not refused: the kept ratings stay kept.
    call_command("import", "ratings", str(path), "--dry-run")
    assert "unchanged 10, problems 0" in capsys.readouterr().out
    # A new reason for the same rows replaces the old one, as an update of each.
    call_command("import", "ratings", str(path), "--keep-rows", "all", "--reason", "Lý do mới")
    assert Rating.objects.filter(year=2022, override_reason="Lý do mới").count() == 5


def test_on_the_import_page_the_officer_chooses_the_rows_to_keep_and_says_why(world, ten, tmp_path):
    client = sign_in(Client(), world.an)
    path = over_quota(world, ten, tmp_path)
    upload = SimpleUploadedFile("xep-loai-2022.xlsx", path.read_bytes())
    answer = client.post(reverse("exchange:imports"), {"kind": "ratings", "sheet": upload})
    batch = ImportBatch.objects.get()
    mapping = client.get(answer["Location"])
    fields = {n: f.initial for n, f in mapping.context["form"].fields.items()}
    page = client.get(client.post(answer["Location"], fields)["Location"])
    assert page.context["rule_rows"] == [2, 3, 4, 5, 6]
    assert reverse("exchange:override", args=[batch.pk]) in page.content.decode()
    # Without a reason nothing is kept.
    five = ["2", "3", "4", "5", "6"]
    client.post(reverse("exchange:override", args=[batch.pk]), {"keep": five, "reason": " "})
    batch.refresh_from_db()
    assert batch.override == {} and batch.report["errors_total"] == 5
    client.post(
        reverse("exchange:override", args=[batch.pk]), {"keep": five, "reason": "Đúng hồ sơ"}
    )
    batch.refresh_from_db()
    assert batch.report["errors_total"] == 0 and batch.override == {
        "rows": [2, 3, 4, 5, 6],
        "reason": "Đúng hồ sơ",
    }
    client.post(reverse("exchange:commit", args=[batch.pk]))
    assert Rating.objects.get(member=ten[0], year=2022).override_reason == "Đúng hồ sơ"


# --- point 2: scores -----------------------------------------------------------------------------
def test_the_score_checked_is_the_score_stored_with_a_comma_or_a_point(world, ten):
    """§16.1 1.2: 90 points and above may be HTXSNV. 29,96 + 60 = 89,96 was refused HTXSNV as
    typed and, proposed HTTNV, stored as 90,0 and accepted HTXSNV at the decision. Now a score
    finer than a tenth is refused wherever it is typed; 29,9 + 60 = 89,9 allows HTTNV at best at
    the proposal and at the decision; 30 + 60 = 90 allows HTXSNV."""
    hoa = ten[0]
    assert ev.score_value("29,9") == ev.score_value("29.9") == Decimal("29.9")
    assert ev.score_value(29.95) == Decimal("29.95")  # a spreadsheet's number, as written
    with pytest.raises(ValidationError) as caught:
        ratings_propose(
            cell=world.ph1,
            year=2025,
            proposals=[Proposal(hoa, HTTNV, score=Score("29,96", 60))],
            actor=world.binh,
        )
    assert "29,96 points: scores are written to a tenth of a point at most." in str(caught.value)
    assert not Rating.objects.exists()
    with pytest.raises(ValidationError) as caught:
        ratings_propose(
            cell=world.ph1,
            year=2025,
            proposals=[Proposal(hoa, HTXSNV, score=Score("29,9", 60, exceeded_pct=40))],
            actor=world.binh,
        )
    assert "A score of 89,9 allows HTTNV at best." in str(caught.value)
    [proposed] = ratings_propose(
        cell=world.ph1,
        year=2025,
        proposals=[Proposal(hoa, HTTNV, score=Score("29.9", 60, exceeded_pct=40))],
        actor=world.binh,
    )
    assert (proposed.score_general, proposed.score_tasks) == (Decimal("29.9"), Decimal("60"))
    with pytest.raises(ValidationError) as caught:
        ratings_decide(
            deciding_org=world.phuoc_hai,
            year=2025,
            levels=[(proposed, HTXSNV)],
            decision=None,
            actor=world.an,
            on=D(2025, 12, 20),
        )
    assert "A score of 89,9 allows HTTNV at best." in str(caught.value)


def test_the_web_form_reads_a_comma_and_a_point_alike(world, ten, client):
    sign_in(client, world.binh)
    url = reverse("evaluation:org", args=[world.ph1.code, 2025])
    hoa, an = ten[0], ten[1]
    client.post(
        url,
        {
            "action": "propose",
            f"level_{hoa.pk}": HTTNV,
            f"general_{hoa.pk}": "25,5",
            f"tasks_{hoa.pk}": "60",
            f"level_{an.pk}": HTTNV,
            f"general_{an.pk}": "25.5",
            f"tasks_{an.pk}": "60",
        },
    )
    stored = set(Rating.objects.filter(year=2025).values_list("score_general", "score_tasks"))
    assert stored == {(Decimal("25.5"), Decimal("60"))}
    page = client.post(
        url,
        {
            "action": "propose",
            f"level_{hoa.pk}": HTTNV,
            f"general_{hoa.pk}": "25,5đ",
            f"tasks_{hoa.pk}": "60",
        },
    )
    assert "“25,5đ” không phải là số." in page.content.decode()


# --- point 5: deadlines --------------------------------------------------------------------------
def test_a_decision_after_the_deadline_needs_its_reason_and_shows_on_the_progress(
    world, ten, client
):
    """§16.1 1.6 (HD 43 mục 4.1): the 2025 review 'kết thúc trước ngày 31/12', read with the review
    day of the same sentence (the facts of 31/12): 31/12/2025 is the last day on time. A decision
    dated 15/2/2026 is refused without a reason and recorded with one; the progress page lists it
    with the reason, and what is not decided as overdue."""
    score = Score(28, 60, exceeded_pct=10)  # 88 points: HTTNV at best
    levels = dict.fromkeys(ten[:5], HTTNV)
    with pytest.raises(ValidationError) as caught:
        rate(world, ten[:5], 2025, levels, on=D(2026, 2, 15), score=score)
    assert (
        "Decided on 15/02/2026, after the deadline of 2025 (31/12/2025 at the latest, Quy định "
        "366-QĐ/TW (30/8/2025), Hướng dẫn 43-HD/BTCTW (31/10/2025)): a late decision is recorded "
        "only with its reason." in str(caught.value)
    )
    assert not Rating.objects.filter(level__gt="").exists()
    why = "Chờ kết luận kiểm tra của Ủy ban Kiểm tra"
    rate(world, ten[:5], 2025, levels, on=D(2026, 2, 15), score=score, late_reason=why)
    late = Rating.objects.filter(year=2025, late_reason=why)
    assert late.count() == 5
    entry = ChangeLogEntry.objects.filter(action="rating.decide").first()
    assert why in entry.reason and entry.after["late_reason"] == why
    state = progress(world.phuoc_hai, 2025)
    assert state["deadline"] == D(2025, 12, 31) and state["overdue"]
    assert {r.member for r in state["late"]} == set(ten[:5])
    pending = {m.pk for m in state["pending"]}
    assert pending >= {m.pk for m in ten[5:]} and not pending & {m.pk for m in ten[:5]}
    sign_in(client, world.an)
    page = client.get(reverse("evaluation:org", args=[world.phuoc_hai.code, 2025])).content.decode()
    assert "Quá hạn: xếp loại chất lượng năm 2025 phải quyết định chậm nhất ngày 31/12/2025" in page
    assert why in page and "15/02/2026" in page


def test_the_years_before_2025_set_no_deadline_found(world, ten):
    """§1.4: no party deadline was found for HD 21 or QĐ 124 (UNCONFIRMED): a 2024 decision dated
    15/2/2025 is recorded without a reason."""
    assert ev.decision_deadline(ev.rules_for(2024), 2024) is None
    rate(world, ten[:5], 2024, dict.fromkeys(ten[:5], HTNV), on=D(2025, 2, 15))
    assert Rating.objects.filter(year=2024, level=HTNV, late_reason="").count() == 5


def test_an_import_with_a_late_decision_date_is_refused_unless_kept(world, ten, tmp_path, capsys):
    rows = [
        HEADER,
        [ten[0].person.citizen_id, ten[0].person.full_name, 2025, HTNV, "9-QĐ/ĐU", D(2026, 1, 20)],
    ]
    path = Path(tmp_path) / "muon.xlsx"
    path.write_bytes(xlsx(rows))
    with pytest.raises(SystemExit):
        call_command("import", "ratings", str(path))
    assert "Decided on 20/01/2026, after the deadline of 2025" in capsys.readouterr().err
    call_command(
        "import",
        "ratings",
        str(path),
        "--keep-rows",
        "all",
        "--reason",
        "Đơn vị đặc thù: hạn 15/01",
    )
    assert Rating.objects.get(member=ten[0], year=2025).late_reason == "Đơn vị đặc thù: hạn 15/01"
    assert sys.modules  # the command returned normally (exit 0)


def test_the_superior_re_classifies_in_the_browser_through_the_same_checks(world, ten, client):
    """The province re-classifies from the cell's page; raising a second HTXSNV is refused with the
    quota's figures (2 beside 8 HTTNV, at most 1), lowering one is recorded with its reason."""
    levels = dict.fromkeys(ten, HTTNV)
    levels[ten[0]] = HTXSNV
    rate(world, ten, 2021, levels)
    an = Rating.objects.get(member=ten[1], year=2021)
    url = reverse("evaluation:reclassify", args=[an.pk])
    sign_in(client, world.binh)
    assert client.get(url).status_code == 403  # the cell's secretary is no superior level
    client.logout()
    sign_in(client, world.an)
    cell_page = client.get(reverse("evaluation:org", args=[world.ph1.code, 2021])).content.decode()
    assert url in cell_page
    refused = client.post(url, {"level": HTXSNV, "reason": "Thành tích nổi bật"}).content.decode()
    assert (
        "2 trường hợp xếp loại HTXSNV trong Đảng bộ xã Phước Hải, vượt quá 20% của 8 trường hợp "
        "xếp loại HTTNV (tối đa 1;" in refused
    )
    assert Rating.objects.get(pk=an.pk).level == HTTNV
    done = client.post(url, {"level": HTNV, "reason": "Chưa hoàn thành chỉ tiêu"})
    assert done.status_code == 302
    an.refresh_from_db()
    assert (an.level, an.reclassified_from, an.reclassified_reason) == (
        HTNV, HTTNV, "Chưa hoàn thành chỉ tiêu",
    )  # fmt: skip


# --- the review's cases --------------------------------------------------------------------------
def write(tmp_path, name, rows):
    path = Path(tmp_path) / name
    path.write_bytes(xlsx(rows))
    return path


SCORED = [*HEADER, "Điểm tiêu chí chung", "Điểm kết quả nhiệm vụ"]


def test_an_import_again_with_other_values_stores_every_value_it_checked(world, ten, tmp_path):
    """§16.1 1.2: 20 + 60 = 80 allows HTTNV; imported again as HTXSNV at 28 + 65 = 93, the rating
    is HTXSNV at 93 points (the score stored is the score checked), decided on the new date."""
    hoa = ten[0]
    first = [
        SCORED,
        [hoa.person.citizen_id, hoa.person.full_name, 2025, HTTNV, "1-QĐ", D(2025, 12, 20), 20, 60],
    ]
    call_command("import", "ratings", str(write(tmp_path, "a.xlsx", first)))
    again = [
        SCORED,
        [
            hoa.person.citizen_id,
            hoa.person.full_name,
            2025,
            HTXSNV,
            "2-QĐ",
            D(2025, 12, 22),
            "28",
            "65",
        ],
    ]
    # One HTXSNV beside no HTTNV would break the quota: nine others rated HTTNV first.
    others = [SCORED] + [
        [m.person.citizen_id, m.person.full_name, 2025, HTTNV, "1-QĐ", D(2025, 12, 20), 20, 60]
        for m in ten[1:]
    ]
    call_command("import", "ratings", str(write(tmp_path, "b.xlsx", others)))
    call_command("import", "ratings", str(write(tmp_path, "c.xlsx", again)))
    stored = Rating.objects.get(member=hoa, year=2025)
    assert (stored.level, stored.score_general, stored.score_tasks) == (HTXSNV, 28, 65)
    assert (stored.decided_on, stored.decision.number) == (D(2025, 12, 22), "2-QĐ")
    from dangvu.evaluation.services import audit_ratings

    assert audit_ratings(2025) == []


def test_an_impossible_score_or_a_future_date_is_an_error_no_override_keeps(
    world, ten, tmp_path, capsys
):
    hoa, an = ten[0], ten[1]
    rows = [
        SCORED,
        [hoa.person.citizen_id, hoa.person.full_name, 2025, HTTNV, "1-QĐ", D(2025, 12, 20), 31, 50],
        [an.person.citizen_id, an.person.full_name, 2025, HTTNV, "1-QĐ", D(2027, 1, 5), 20, 55],
        [
            ten[2].person.citizen_id,
            ten[2].person.full_name,
            2025,
            HTTNV,
            "1-QĐ",
            D(2025, 12, 20),
            "nan",
            55,
        ],
    ]
    path = write(tmp_path, "x.xlsx", rows)
    with pytest.raises(SystemExit):
        call_command("import", "ratings", str(path), "--keep-rows", "all", "--reason", "Giữ")
    err = capsys.readouterr().err
    assert (
        "(row 2, Điểm tiêu chí chung) «31»: General criteria are scored from 0 to 30 points." in err
    )
    assert "(row 3, Ngày quyết định)" in err and "cannot be dated in the future" in err
    assert "(row 4, Điểm tiêu chí chung) «nan»" in err
    assert not Rating.objects.exists()


def test_rows_not_reviewed_count_in_no_quota(world, ten, tmp_path, capsys):
    """§16.1 1.5 (QĐ 124): admitted on 20/9/2023, less than 6 months before the review: not
    reviewed. With one real HTXSNV beside 5 HTTNV (20 % of 5 is 1) the quota holds; only the new
    member's row is refused, for not being reviewed."""
    newcomer = admit(
        world.ph1,
        "Hồ Văn Mới",
        decided=D(2023, 9, 20),
        ceremony=D(2023, 9, 25),
        recognised=False,
        citizen_id="058080001111",
    )
    rows = [HEADER, [newcomer.person.citizen_id, newcomer.person.full_name, 2023, HTXSNV, "", None]]
    rows += [
        [m.person.citizen_id, m.person.full_name, 2023, HTXSNV if i == 0 else HTTNV, "", None]
        for i, m in enumerate(ten[:6])
    ]
    with pytest.raises(SystemExit):
        call_command("import", "ratings", str(write(tmp_path, "n.xlsx", rows)))
    err = capsys.readouterr().err
    assert "(row 2, Năm)" in err and "not reviewed" in err
    assert "rated HTXSNV" not in err


def test_the_quota_of_a_group_of_similar_role_counts_what_the_group_already_holds(
    world, ten, client
):
    """QĐ 124 (§1.3 c, §16.2): from 2023 the quota is counted within the group the deciding level
    set up. The commune decided 1 HTXSNV and 5 HTTNV in its group in 2024 (20 % of 5 is 1); a new
    HTXSNV decided in the same group through the page is refused (2 beside 5), with the group named."""
    from dangvu.evaluation.services import peer_group_create

    group = peer_group_create(
        year=2024, deciding_org=world.phuoc_hai, name="Đảng viên chi bộ thôn", actor=world.an
    )
    levels = dict.fromkeys(ten[:6], HTTNV)
    levels[ten[0]] = HTXSNV
    ratings = ratings_propose(
        cell=world.ph1,
        year=2024,
        proposals=[Proposal(m, levels[m]) for m in ten[:6]],
        actor=world.binh,
    )
    ratings_decide(
        deciding_org=world.phuoc_hai, year=2024, levels=[(r, levels[r.member]) for r in ratings],
        decision=None, actor=world.an, group=group, on=D(2024, 12, 20),
    )  # fmt: skip
    [late] = ratings_propose(
        cell=world.ph1, year=2024, proposals=[Proposal(ten[6], HTXSNV)], actor=world.binh
    )
    sign_in(client, world.an)
    url = reverse("evaluation:org", args=[world.phuoc_hai.code, 2024])
    page = client.get(url)
    assert [g.pk for g in page.context["groups"]] == [group.pk]
    answer = client.post(url, {
        "action": "decide", f"decide_{late.pk}": HTXSNV, "group": str(group.pk),
        "decision_number": "9-QĐ/ĐU", "decision_date": "22/12/2024",
    }).content.decode()  # fmt: skip
    assert "nhóm “Đảng viên chi bộ thôn” của Đảng bộ xã Phước Hải" in answer
    assert 'value="9-QĐ/ĐU"' in answer  # what was typed is kept
    from dangvu.core.models import Decision

    assert not Decision.objects.filter(number="9-QĐ/ĐU").exists()  # refused: no decision left


def test_an_organisation_s_rating_outside_the_officer_s_reach_is_an_error_not_a_fault(
    world, tmp_path, capsys
):
    """The Tân Sơn officer importing the rating of X-TS itself: decided by the level above Tân
    Sơn, so refused as a row error (the commit would otherwise find it out of scope)."""
    rows = [
        ["Mã tổ chức", "Tên tổ chức", "Năm", "Xếp loại"],
        ["X-TS", world.tan_son.name, 2021, HTTNV],
    ]
    with pytest.raises(SystemExit):
        call_command(
            "import",
            "org_ratings",
            str(write(tmp_path, "o.xlsx", rows)),
            "--user",
            world.cuong.username,
        )
    assert "decided by a level above your area" in capsys.readouterr().err
    assert not Rating.objects.exists()


def test_reverting_an_import_restores_every_value_and_the_reasons(world, ten, tmp_path):
    from dangvu.exchange.services import batch_revert, file_import

    hoa = ten[0]
    first = write(
        tmp_path,
        "1.xlsx",
        [
            HEADER,
            [hoa.person.citizen_id, hoa.person.full_name, 2019, HTXSNV, "5-QĐ", D(2019, 12, 20)],
        ],
    )
    _o, _one = file_import(
        kind="ratings",
        content=first.read_bytes(),
        filename="1.xlsx",
        actor=world.an,
        dry_run=False,
        override_rows="all",
        override_reason="Đúng hồ sơ 2019",
    )
    second = write(
        tmp_path,
        "2.xlsx",
        [
            HEADER,
            [hoa.person.citizen_id, hoa.person.full_name, 2019, HTTNV, "6-QĐ", D(2019, 12, 27)],
        ],
    )
    _o, two = file_import(
        kind="ratings",
        content=second.read_bytes(),
        filename="2.xlsx",
        actor=world.an,
        dry_run=False,
    )
    stored = Rating.objects.get(member=hoa, year=2019)
    assert (stored.level, stored.override_reason, stored.decision.number) == (HTTNV, "", "6-QĐ")
    batch_revert(batch=two, actor=world.an, reason="Nhầm tệp")
    stored.refresh_from_db()
    assert (stored.level, stored.override_reason, stored.decided_on, stored.decision.number) == (
        HTXSNV, "Đúng hồ sơ 2019", D(2019, 12, 20), "5-QĐ",
    )  # fmt: skip


def test_lowering_a_rating_is_never_held_back_by_the_quota(world, ten):
    """1 HTXSNV beside 5 HTTNV in 2021 (HD 21: at most 1). A discipline found later makes one of
    the HTTNV KHTNV: 1 beside 4 would exceed 20 % of 4 (0), yet the superior records it; raising
    is what the quota holds back."""
    levels = dict.fromkeys(ten[:6], HTTNV)
    levels[ten[0]] = HTXSNV
    rate(world, ten[:6], 2021, levels)
    an = Rating.objects.get(member=ten[1], year=2021)
    reclassify(
        rating=an, level=ev.KHTNV, reason="Vi phạm phát hiện sau", actor=world.an, by=world.province
    )
    assert Rating.objects.get(pk=an.pk).level == ev.KHTNV


def test_the_decide_form_refuses_what_cannot_be_a_decision_and_leaves_no_record(world, ten, client):
    """No level chosen, no group chosen (from 2023 the quota is counted in one), a date before the
    year's end (HD 43 mục 4.1: the review is held at the end of the year): each refused, and no
    decision record is left behind."""
    from dangvu.core.models import Decision
    from dangvu.evaluation.services import peer_group_create

    peer_group_create(year=2024, deciding_org=world.phuoc_hai, name="Đảng viên", actor=world.an)
    [proposed] = ratings_propose(
        cell=world.ph1, year=2024, proposals=[Proposal(ten[0], HTTNV)], actor=world.binh
    )
    group = str(page_groups(client, world)[0].pk)
    url = reverse("evaluation:org", args=[world.phuoc_hai.code, 2024])
    base = {"action": "decide", "decision_number": "7-QĐ/ĐU", "decision_date": "20/12/2024"}
    for data in (
        {**base, "group": group},  # no level chosen
        {**base, f"decide_{proposed.pk}": HTTNV},  # no group
        {**base, "group": group, f"decide_{proposed.pk}": HTTNV, "decision_date": "15/10/2024"},
    ):
        answer = client.post(url, data)
        assert answer.status_code == 200 and "error-summary" in answer.content.decode()
    assert not Decision.objects.filter(number="7-QĐ/ĐU").exists()
    assert Rating.objects.get(pk=proposed.pk).level == ""


def page_groups(client, world):
    sign_in(client, world.an)
    page = client.get(reverse("evaluation:org", args=[world.phuoc_hai.code, 2024]))
    return page.context["groups"]


def test_an_unreadable_number_does_not_hide_the_other_rows_problems(world, ten, client):
    sign_in(client, world.binh)
    url = reverse("evaluation:org", args=[world.ph1.code, 2025])
    hoa, an = ten[0], ten[1]
    page = client.post(
        url,
        {
            "action": "propose",
            f"level_{hoa.pk}": HTTNV,
            f"general_{hoa.pk}": "abc",
            f"tasks_{hoa.pk}": "60",
            f"level_{an.pk}": HTTNV,
            f"general_{an.pk}": "35",
            f"tasks_{an.pk}": "60",
        },
    ).content.decode()
    assert f"{hoa.person.full_name}: “abc” không phải là số." in page
    assert f"{an.person.full_name}: Nhóm tiêu chí chung được chấm từ 0 đến 30 điểm." in page
    assert not Rating.objects.filter(year=2025).exists()

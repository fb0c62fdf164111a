"""The rating, commendation and badge rules with worked examples (DOMAIN.md §1–§3, §16.1–§16.2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from dangvu.rules import awards
from dangvu.rules import discipline as d
from dangvu.rules import evaluation as ev
from dangvu.rules.evaluation import HTNV, HTTNV, HTXSNV, KHTNV, DisciplineFact, Score

pytestmark = pytest.mark.once


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_regulation_follows_the_year():
    # §0, §1.3: HD 21 for 2019–2022, QĐ 124 + HD 25 for 2023–2024, QĐ 366 + HD 43 from 2025.
    assert [ev.rules_for(y).code for y in (2018, 2019, 2022, 2023, 2024, 2025, 2030)] == [
        "HD16", "HD21", "HD21", "QD124", "QD124", "QD366", "QD366",
    ]  # fmt: skip
    with pytest.raises(ev.NotRated):
        ev.rules_for(2017)


def test_who_is_not_reviewed_by_version():
    # §1.1: exempted members never; suspended from HD 21 (2019); admitted < 6 months from QĐ 124.
    def why(year, flags=(), joined=dt.date(2000, 1, 1)):
        return ev.not_reviewed_reason(
            ev.rules_for(year), year=year, flags=flags, status="official", joined_on=joined
        )

    assert "Exempted" in why(2019, ["exempted"])
    assert why(2018, ["suspended"]) is None  # HD 16 rated suspended members
    assert "Suspended" in why(2019, ["suspended"])
    # Admitted 30/6/2023: 6 full months on 30/12, before the review of 31/12 — reviewed;
    # admitted 1/7/2023: 6 months only on 1/1/2024 — not reviewed.
    assert why(2023, joined=dt.date(2023, 6, 30)) is None
    assert "less than 6 months" in why(2023, joined=dt.date(2023, 7, 1))
    assert why(2022, joined=dt.date(2022, 11, 1)) is None  # HD 21 had no such exclusion


def test_discipline_in_the_year_forces_khtnv_under_hd21_and_qd124_except_self_remedied():
    reprimand = DisciplineFact(d.REPRIMAND, dt.date(2021, 5, 4))
    assert ev.forced_khtnv(ev.HD21, year=2021, disciplines=[reprimand])
    assert not ev.forced_khtnv(ev.HD21, year=2022, disciplines=[reprimand])  # another year
    remedied = DisciplineFact(d.REPRIMAND, dt.date(2023, 5, 4), self_remedied=True)
    assert ev.forced_khtnv(ev.HD21, year=2023, disciplines=[remedied])  # HD 21: no exception
    assert not ev.forced_khtnv(ev.QD124, year=2023, disciplines=[remedied])  # QĐ 124: exception


def test_qd366_forces_khtnv_only_for_duty_related_discipline_and_half_the_tasks_undone():
    # §16.1 1.3: duty-related discipline from khiển trách up; more than 50 % of tasks not done.
    private = DisciplineFact(d.WARNING, dt.date(2025, 3, 1), duty_related=False)
    duty = DisciplineFact(d.REPRIMAND, dt.date(2025, 3, 1), duty_related=True)
    assert ev.forced_khtnv(ev.QD366, year=2025, disciplines=[private]) == []
    [reason] = ev.forced_khtnv(ev.QD366, year=2025, disciplines=[duty])
    assert "duty-related" in reason and "Reprimand" in reason
    assert ev.forced_khtnv(ev.QD366, year=2025, disciplines=[], tasks_not_done_pct=50) == []
    assert (
        "More than 50%"
        in ev.forced_khtnv(ev.QD366, year=2025, disciplines=[], tasks_not_done_pct=51)[0]
    )


def test_a_collectives_caps_from_its_leadership_and_subordinates():
    # HD 21: a leadership member disciplined from cảnh cáo up → KHTNV; a reprimand does not cap.
    reprimand = DisciplineFact(d.REPRIMAND, dt.date(2020, 6, 1))
    warning = DisciplineFact(d.WARNING, dt.date(2020, 6, 1))
    common = {"year": 2020, "subordinates": 10, "subordinates_disciplined": 0}
    assert ev.collective_cap(ev.HD21, leader_disciplines=[reprimand], **common) is None
    assert ev.collective_cap(ev.HD21, leader_disciplines=[warning], **common)[0] == KHTNV
    # QĐ 124: more than 20 % of subordinates disciplined → KHTNV: 3 of 10 yes, 2 of 10 no …
    three = {"year": 2023, "subordinates": 10, "subordinates_disciplined": 3}
    two = {"year": 2023, "subordinates": 10, "subordinates_disciplined": 2}
    assert ev.collective_cap(ev.QD124, leader_disciplines=[], **three)[0] == KHTNV
    # … but one disciplined subordinate already bars HTXSNV.
    level, reason = ev.collective_cap(ev.QD124, leader_disciplines=[], **two)
    assert level == HTTNV and "cannot be rated HTXSNV" in reason
    # QĐ 366: a leadership member's discipline caps at KHTNV only when duty-related.
    private = DisciplineFact(d.WARNING, dt.date(2025, 2, 2))
    duty = DisciplineFact(d.REPRIMAND, dt.date(2025, 2, 2), duty_related=True)
    none = {"year": 2025, "subordinates": 4, "subordinates_disciplined": 0}
    assert ev.collective_cap(ev.QD366, leader_disciplines=[private], **none)[0] == HTTNV
    assert ev.collective_cap(ev.QD366, leader_disciplines=[duty], **none)[0] == KHTNV


def test_the_quota_is_twenty_percent_of_those_rated_httnv_and_25_when_raised_under_qd366():
    # §1.3 (b), §16.1 1.1: 25 rated HTTNV → at most 5 HTXSNV; 6 is refused; QĐ 366 raised → 6.
    assert ev.quota(ev.HD21, 25) == 5
    assert ev.quota_problem(ev.HD21, htxsnv=5, httnv=25, raised=False, group="X") is None
    problem = ev.quota_problem(ev.HD21, htxsnv=6, httnv=25, raised=False, group="Đảng bộ xã X")
    assert "6 rated HTXSNV in Đảng bộ xã X" in problem and "at most 5" in problem
    assert ev.quota(ev.QD366, 25, raised=True) == 6
    assert ev.quota(ev.QD124, 25, raised=True) == 5  # no raise before 2025
    assert ev.quota(ev.HD21, 4) == 0  # 20 % of 4 is 0.8: none


def test_the_2025_score_bands_and_their_extra_conditions():
    # §16.1 1.2: ≥ 90 HTXSNV, 70–< 90 HTTNV, 50–< 70 HTNV, < 50 KHTNV; 30 + 70 points.
    def level(general, tasks, **kw):
        return ev.level_from_score(ev.QD366, Score(general, tasks, **kw), subject=ev.MEMBER)[0]

    assert level(28, 62, exceeded_pct=30) == HTXSNV  # 90
    assert level(28, 61.5, exceeded_pct=30) == HTTNV  # 89.5
    assert level(20, 50) == HTTNV  # 70
    assert level(20, 49.5) == HTNV
    assert level(10, 40) == HTNV  # 50
    assert level(10, 39) == KHTNV
    # 95 points but only 20 % of tasks exceeded (30 % needed): held at HTTNV, with the reason.
    held_level, held = ev.level_from_score(
        ev.QD366, Score(28, 67, exceeded_pct=20), subject=ev.MEMBER
    )
    assert held_level == HTTNV and "at least 30%" in held[0]
    assert level(28, 67, exceeded_pct=40, all_tasks_done=False) == HTNV
    # A collective at 60 points with 25 % of tasks behind schedule (20 % allowed) falls to KHTNV.
    org = ev.level_from_score(ev.QD366, Score(20, 40, behind_pct=25), subject=ev.ORG)
    assert org[0] == KHTNV
    assert ev.score_problems(Score(31, 70)) == ["General criteria are scored from 0 to 30 points."]


def test_older_labels_are_mapped_for_import():
    # §1.2: HD 20 (2008) labels and the four levels' names.
    assert ev.parse_level("htxsnv") == HTXSNV
    assert ev.parse_level("Hoàn thành tốt nhiệm vụ") == HTTNV
    assert ev.parse_level("Đủ tư cách, hoàn thành nhiệm vụ") == HTNV
    assert ev.parse_level("Vi phạm tư cách hoặc không hoàn thành nhiệm vụ") == KHTNV
    assert ev.parse_level("Trong sạch, vững mạnh tiêu biểu", ev.ORG) == HTXSNV
    assert ev.parse_level("Yếu kém", ev.ORG) == KHTNV
    assert ev.parse_level("giỏi") is None


def test_badge_tiers_award_days_and_party_age_with_gaps():
    # §3.1–3.3: admitted 26/7/1985 → 40 years on 26/7/2025, due at the 2/9/2025 award.
    due, why = awards.badge_due(
        counted_from=dt.date(1985, 7, 26), on=dt.date(2025, 9, 2), received=[30]
    )
    assert why is None and (due.tier, due.reached_on, due.early) == (
        40,
        dt.date(2025, 7, 26),
        False,
    )
    assert awards.is_award_day(dt.date(2025, 9, 2)) and not awards.is_award_day(dt.date(2025, 9, 3))
    # Already received, or a higher tier received (the 30 passed over is not awarded later).
    assert awards.badge_due(
        counted_from=dt.date(1985, 7, 26), on=dt.date(2025, 9, 2), received=[30, 40]
    ) == (None, None)


def test_early_award_for_serious_illness_is_12_or_24_months_by_tier():
    # §3.4 (QĐ 24): 12 months early for 30–65 years, 24 months for 70–90 years.
    on = dt.date(2025, 2, 3)
    ill_50 = awards.badge_due(
        counted_from=dt.date(1976, 1, 20), on=on, received=[30, 40, 45], seriously_ill=True
    )[0]
    assert (ill_50.tier, ill_50.early) == (50, True)  # reaches 50 on 20/1/2026: 11.5 months early
    assert (
        awards.badge_due(
            counted_from=dt.date(1976, 3, 20), on=on, received=[30, 40, 45], seriously_ill=True
        )[0]
        is None
    )  # 13.5 months: too early
    ill_70 = awards.badge_due(
        counted_from=dt.date(1956, 12, 1),
        on=on,
        received=[30, 40, 45, 50, 55, 60, 65],
        seriously_ill=True,
    )[0]
    assert (ill_70.tier, ill_70.early) == (70, True)  # 22 months early


def test_posthumous_award_up_to_12_months_early():
    # §3.4: died 1/3/2025 with 39 years 8 months of party age → the 40-year badge posthumously.
    due = awards.badge_due(
        counted_from=dt.date(1985, 7, 1),
        on=dt.date(2025, 5, 19),
        received=[30],
        died_on=dt.date(2025, 3, 1),
    )[0]
    assert (due.tier, due.posthumous, due.early) == (40, True, True)
    # Died 13 months short of the tier: no badge.
    assert awards.badge_due(
        counted_from=dt.date(1985, 7, 1),
        on=dt.date(2025, 5, 19),
        received=[30],
        died_on=dt.date(2024, 6, 1),
    ) == (None, None)


def test_discipline_makes_the_badge_wait_6_9_or_12_months():
    # §3.5 (QĐ 24): khiển trách 6, cảnh cáo 9, cách chức 12 months.
    start = dt.date(1985, 1, 1)
    on = dt.date(2025, 9, 2)
    for form, announced, waits in (
        (d.REPRIMAND, dt.date(2025, 3, 3), True),  # until 3/9/2025
        (d.REPRIMAND, dt.date(2025, 3, 2), False),  # until 2/9/2025: may be awarded that day
        (d.WARNING, dt.date(2024, 12, 3), True),
        (d.DISMISSAL, dt.date(2024, 9, 3), True),
        (d.DISMISSAL, dt.date(2024, 9, 2), False),
    ):
        due, why = awards.badge_due(
            counted_from=start, on=on, received=[30], disciplines=[(form, announced)]
        )
        assert (due is None) == waits, (form, announced)
        if waits:
            assert "the badge waits" in why
    # Under QĐ 29 (before 30/7/2021) a reprimand did not block.
    due, _why = awards.badge_due(
        counted_from=dt.date(1979, 1, 1),
        on=dt.date(2019, 5, 19),
        received=[30],
        disciplines=[(d.REPRIMAND, dt.date(2019, 3, 1))],
    )
    assert due is not None and due.tier == 40


def test_cash_is_a_multiple_of_the_base_salary_of_the_day():
    # §3.6: the 40-year badge is 2.0 × base salary: 2 × 1,800,000 on 2/9/2023; 2 × 2,340,000 in 2025.
    assert awards.cash_amount(awards.BADGE_CASH_MULTIPLES[40], dt.date(2023, 9, 2)) == 3_600_000
    assert awards.cash_amount(awards.BADGE_CASH_MULTIPLES[40], dt.date(2025, 9, 2)) == 4_680_000
    assert awards.cash_amount(awards.BADGE_CASH_MULTIPLES.get(70), dt.date(2025, 9, 2)) is None

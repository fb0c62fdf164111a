"""The words of the Party, pinned (issue 23, point 5): a short list of key terms as a Vietnamese
party officer reads them — read by a native reviewer, who found "Target" as "Nơi tiếp nhận" on the
admission targets — and every placeholder kept between English and Vietnamese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

pytestmark = pytest.mark.once

KEY_TERMS = [
    (None, "Target", "admission", "Chỉ tiêu"),
    (None, "target", "admission", "chỉ tiêu"),
    (None, "Target", "restructuring", "Tổ chức tiếp nhận"),
    ("Excellently completed duties", None, None, "Hoàn thành xuất sắc nhiệm vụ"),
    ("Well completed duties", None, None, "Hoàn thành tốt nhiệm vụ"),
    ("Completed duties", None, None, "Hoàn thành nhiệm vụ"),
    ("Did not complete duties", None, None, "Không hoàn thành nhiệm vụ"),
    ("Party cell", None, None, "Chi bộ"),
    ("Party age", None, None, "Tuổi đảng"),
    ("Resigned from the Party", None, None, "Đã xin ra khỏi Đảng"),
    ("Party card issued", None, None, "Phát thẻ đảng viên"),
    ("Merge into", None, None, "Sáp nhập vào"),
    ("Commendations and badges", None, None, "Khen thưởng và Huy hiệu Đảng"),
    ("Not reviewed this year (%(c)s)", None, None, "Không kiểm điểm năm nay (%(c)s)"),
    ("Decision number", None, None, "Số quyết định"),
    ("Issuing body", None, None, "Cơ quan ban hành"),
]


@pytest.mark.parametrize(("msgid", "ctx_msgid", "context", "expected"), KEY_TERMS)
def test_key_terms_read_as_the_party_writes_them(msgid, ctx_msgid, context, expected):
    with translation.override("vi"):
        got = pgettext(context, ctx_msgid) if context else gettext(msgid)
    assert got == expected


def test_every_placeholder_is_kept_in_the_translation():
    path = Path(__file__).parents[2] / "src/dangvu/locale/vi/LC_MESSAGES/django.po"
    text = path.read_text(encoding="utf-8")
    entries = re.findall(
        r'msgid ((?:"(?:[^"\\]|\\.)*"\s*)+)msgstr ((?:"(?:[^"\\]|\\.)*"\s*)+)', text
    )
    holes = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")

    def joined(block: str) -> str:
        return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))

    wrong = [
        (joined(m), joined(s))
        for m, s in entries
        if joined(s) and sorted(holes.findall(joined(m))) != sorted(holes.findall(joined(s)))
    ]
    assert len(entries) > 1000
    assert wrong == []

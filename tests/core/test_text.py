import unicodedata

import pytest

from dangvu.core.text import clean, clean_name, name_sort_key, search_key, split_full_name

pytestmark = pytest.mark.once


def test_clean_composes_decomposed_diacritics_and_collapses_spaces():
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Văn\u200b An ")
    assert decomposed != "Nguyễn Văn An"
    assert clean(decomposed) == "Nguyễn Văn An"
    assert unicodedata.is_normalized("NFC", clean(decomposed))


def test_name_is_split_into_family_middle_and_given():
    assert split_full_name("nguyễn thị  minh khai") == ("Nguyễn", "Thị Minh", "Khai")
    assert split_full_name("Lê Lợi") == ("Lê", "", "Lợi")


def test_capitals_inside_ethnic_names_are_kept():
    assert clean_name("y BLIH") == "Y BLIH"
    assert clean_name("HMông") == "HMông"


def test_search_key_ignores_diacritics_case_and_d_stroke():
    assert search_key("Nguyễn Văn Đạt") == "nguyen van dat"
    assert search_key("ĐÀNG THỊ ÁNH") == "dang thi anh"


def test_sort_key_orders_by_given_name_then_family_then_middle_the_vietnamese_way():
    names = [
        ("Trần", "Văn", "Bình"),
        ("Nguyễn", "Thị", "Ánh"),
        ("Lê", "Văn", "An"),
        ("Nguyễn", "Văn", "An"),
        ("Đỗ", "", "Dũng"),
        ("Bùi", "", "Đức"),
        ("Lê", "Thị", "Anh"),
    ]
    ordered = sorted(names, key=lambda n: name_sort_key(*n))
    # a < ă < â and d < đ in the Vietnamese alphabet; equal given names fall back to family names.
    assert ordered == [
        ("Lê", "Văn", "An"),
        ("Nguyễn", "Văn", "An"),
        ("Lê", "Thị", "Anh"),
        ("Nguyễn", "Thị", "Ánh"),
        ("Trần", "Văn", "Bình"),
        ("Đỗ", "", "Dũng"),
        ("Bùi", "", "Đức"),
    ]

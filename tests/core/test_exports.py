"""CSV exports open in Excel without running anything they hold."""

import pytest

from dangvu.core.exports import csv_cell, csv_response

pytestmark = pytest.mark.once


def test_cells_that_a_spreadsheet_would_run_are_neutralised():
    assert csv_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert csv_cell("+84 912") == "'+84 912"
    assert csv_cell("-1") == "'-1"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("Nguyễn Thị Hoa") == "Nguyễn Thị Hoa"
    assert csv_cell(None) == ""


def test_a_csv_response_has_a_bom_and_neutralised_rows():
    response = csv_response("a.csv", ["Họ và tên"], [["=1+1"], ["Hoa"]])
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffHọ và tên\r\n") and "'=1+1" in body
    assert response["Content-Disposition"] == 'attachment; filename="a.csv"'

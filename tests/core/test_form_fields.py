"""core.templatetags.dangvu.form_fields: a short form's fields drawn as the pages drew them with a
template loop, the purpose form's unbound HTML kept per initial values and language (issue 28)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines
from django.utils import translation

from dangvu.accounts.forms import PurposeForm
from dangvu.core.templatetags import dangvu as tags

pytestmark = [pytest.mark.once]

LOOP = engines["django"].from_string(
    '{% for field in purpose_form %}<span class="field{% if field.errors %} has-error{% endif %}">'
    "{{ field.label_tag }} {{ field }}{% for e in field.errors %}"
    '<span class="field-error">{{ e }}</span>{% endfor %}</span> {% endfor %}'
)
TAG = engines["django"].from_string("{% load dangvu %}{% form_fields purpose_form %}")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_tag_draws_what_the_loop_drew_bound_or_not_and_keeps_only_the_unbound(language):
    forms = [
        PurposeForm(initial={"purpose": "own"}, own_record=True),
        PurposeForm(initial={"purpose": "dossier"}),
        PurposeForm({"purpose": "other", "purpose_note": "<b>x</b>"}),
        PurposeForm({"purpose": "other"}),  # an error: the note is missing
        PurposeForm({"purpose": "own"}),  # an error: not the user's own record
    ]
    tags._FIELDS.clear()
    drawn = []
    with translation.override(language):
        for form in forms:
            if form.is_bound:
                form.is_valid()
            expected = LOOP.render({"purpose_form": form})
            assert TAG.render({"purpose_form": form}) == expected
            kept = len(tags._FIELDS)
            assert TAG.render({"purpose_form": form}) == expected  # kept or drawn again, alike
            assert len(tags._FIELDS) == kept  # the second time drew nothing new
            drawn.append(expected)
    assert len(tags._FIELDS) == 2  # the two unbound forms, never a bound one
    assert len(set(drawn)) == len(drawn)  # the initial purpose and every error show
    assert 'value="own" selected' in drawn[0] and 'value="dossier" selected' in drawn[1]
    assert "&lt;b&gt;x&lt;/b&gt;" in drawn[2] and "has-error" in drawn[3]


def test_dates_are_written_in_four_digit_years_as_the_templates_write_them():
    from dangvu.core.dates import format_date

    date_filter = engines["django"].from_string('{{ d|date:"d/m/Y" }}')
    for day in (dt.date(999, 3, 4), dt.date(1, 1, 1), dt.date(2025, 7, 1), dt.date(1930, 2, 3)):
        assert format_date(day) == date_filter.render({"d": day})
    assert format_date(dt.date(999, 3, 4)) == "04/03/0999" and format_date(None) == ""

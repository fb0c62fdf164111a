"""core.templatetags.dangvu.form_fields: a short form's fields drawn as the pages drew them with a
template loop, the purpose form's unbound HTML kept per initial values and language (issue 28)."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation

from dangvu.accounts.forms import PurposeForm

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
    drawn = []
    with translation.override(language):
        for form in forms:
            if form.is_bound:
                form.is_valid()
            expected = LOOP.render({"purpose_form": form})
            assert TAG.render({"purpose_form": form}) == expected
            assert TAG.render({"purpose_form": form}) == expected  # kept or drawn again, alike
            drawn.append(expected)
    assert len(set(drawn)) == len(drawn)  # the initial purpose and every error show
    assert 'value="own" selected' in drawn[0] and 'value="dossier" selected' in drawn[1]
    assert "&lt;b&gt;x&lt;/b&gt;" in drawn[2] and "has-error" in drawn[3]

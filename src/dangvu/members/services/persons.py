"""A person's data as entered: names, dates, identifiers and choices cleaned and checked, with
every problem named by its field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangvu.core.dates import format_date, today
from dangvu.core.text import clean, join_name, name_sort_key, search_key, split_full_name
from dangvu.members.models import (
    PartyMember,
    Person,
)
from dangvu.rules import citizen_id as cid
from dangvu.rules import reference as ref

_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ '’-][^\W\d_]+)*$")

_CARD = re.compile(r"^\d{8,12}$")

_DOSSIER = re.compile(r"^\d{6}[A-Z]{1,3}$")

PERSON_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "ethnicity",
    "religion",
    "citizen_id",
    "hometown",
    "residence",
    "phone",
    "health",
    "family",
    "general_education",
    "professional_level",
    "academic_title",
    "theory_level",
    "occupation",
)

MEMBER_FIELDS = (
    "card_number",
    "dossier_number",
    "status",
    "org_id",
    "admission_decision_date",
    "ceremony_date",
    "official_date",
)

CHOICE_FIELDS: dict[str, list[tuple[str, Any]]] = {
    "sex": ref.SEXES,
    "ethnicity": ref.ETHNIC_GROUPS,
    "religion": ref.RELIGIONS,
    "general_education": ref.GENERAL_EDUCATION,
    "professional_level": ref.PROFESSIONAL_LEVELS,
    "academic_title": ref.ACADEMIC_TITLES,
    "theory_level": ref.THEORY_LEVELS,
    "occupation": ref.OCCUPATIONS,
}


@dataclass
class PersonInput:
    full_name: str
    sex: str
    birth_date: dt.date | None
    ethnicity: str = ref.KINH
    religion: str = "none"
    citizen_id: str | None = None
    hometown: str = ""
    residence: str = ""
    phone: str = ""
    health: str = ""
    family: str = ""
    general_education: str = "thpt"
    professional_level: str = "none"
    academic_title: str = "none"
    theory_level: str = "none"
    occupation: str = "other"
    card_number: str | None = None
    dossier_number: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> PersonInput:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(
                {
                    f: [ValidationError(m, code="invalid") for m in ms]
                    for f, ms in self.by_field.items()
                }
            )


def _clean_optional_code(value: str | None) -> str | None:
    text = clean(value).replace(" ", "").upper() if value else ""
    return text or None


def _clean_name(data: PersonInput, errors: _Errors) -> dict[str, str]:
    family, middle, given = split_full_name(data.full_name or "")
    full = join_name(family, middle, given)
    if not full:
        errors.add("full_name", _("The full name is required."))
    elif not family or not given:
        errors.add(
            "full_name", _("Write the full name: family name, middle name (if any) and given name.")
        )
    elif not _NAME_CHARS.match(full):
        errors.add(
            "full_name", _("A name may contain only letters, spaces, hyphens and apostrophes.")
        )
    return {"family_name": family, "middle_name": middle, "given_name": given, "full_name": full}


def _clean_birth(birth: dt.date | None, errors: _Errors) -> dt.date | None:
    if birth is None:
        errors.add("birth_date", _("The date of birth is required."))
    elif birth > today():
        errors.add(
            "birth_date",
            _("The date of birth %(date)s is in the future.") % {"date": format_date(birth)},
        )
    elif birth.year < 1900:
        errors.add(
            "birth_date",
            _("The date of birth %(date)s is before 1900.") % {"date": format_date(birth)},
        )
    return birth


def _citizen_id_messages(citizen: str) -> dict[str, str]:
    return {
        "format": _("The citizen ID must be exactly 12 digits."),
        "province": _(
            "The first three digits of the citizen ID (%(code)s) are not a province code."
        )
        % {"code": citizen[:3]},
        "century": _("The fourth digit of the citizen ID is not a valid sex and century digit."),
        "sex": _("The fourth digit of the citizen ID does not match the sex."),
        "birth_year": _(
            "The fourth to sixth digits of the citizen ID do not match the year of birth."
        ),
    }


def _taken(
    model: Any,
    field: str,
    value: str,
    exclude_member_id: int | None,
    exclude_person_id: int | None = None,
) -> bool:
    """Whether another record already holds this unique value."""
    clash = model.objects.filter(**{field: value})
    if exclude_person_id is not None and model is Person:
        clash = clash.exclude(pk=exclude_person_id)
    if exclude_member_id is not None:
        member_field = "membership__pk" if model is Person else "pk"
        clash = clash.exclude(**{member_field: exclude_member_id})
    return bool(clash.exists())


# Unique identifiers of a member record: field, pattern, format message, clash message.
_IDENTIFIERS: list[tuple[str, re.Pattern[str], str, str]] = [
    (
        "card_number",
        _CARD,
        gettext_noop("The party card number must be 8 to 12 digits."),
        gettext_noop("The party card number %(n)s is already recorded."),
    ),
    (
        "dossier_number",
        _DOSSIER,
        gettext_noop("The dossier number is 6 digits followed by 1 to 3 letters (e.g. 012345NT)."),
        gettext_noop("The dossier number %(n)s is already recorded."),
    ),
]


def clean_person(
    data: PersonInput,
    *,
    exclude_member_id: int | None = None,
    check_unique: bool = True,
    exclude_person_id: int | None = None,
) -> dict[str, Any]:
    """Normalise and check a person's record; every problem is reported at once, per field."""
    errors = _Errors()
    out: dict[str, Any] = _clean_name(data, errors)
    for field, choices in CHOICE_FIELDS.items():
        value = getattr(data, field)
        if value not in ref.codes(choices):
            errors.add(field, _("“%(value)s” is not one of the allowed values.") % {"value": value})
        out[field] = value
    birth = out["birth_date"] = _clean_birth(data.birth_date, errors)

    citizen = out["citizen_id"] = _clean_optional_code(data.citizen_id)
    if citizen is not None:
        sex = data.sex if data.sex in ("M", "F") else None
        problems = cid.problems(citizen, sex=sex, birth_date=birth)
        messages = _citizen_id_messages(citizen) if problems else {}
        for problem in problems:
            errors.add("citizen_id", messages[problem])
        if (
            not problems
            and check_unique
            and _taken(Person, "citizen_id", citizen, exclude_member_id, exclude_person_id)
        ):
            errors.add(
                "citizen_id",
                _("The citizen ID %(id)s is already recorded for another person.")
                % {"id": citizen},
            )

    for field, pattern, bad_format, clash in _IDENTIFIERS:
        value = out[field] = _clean_optional_code(getattr(data, field))
        if value is None:
            continue
        if not pattern.match(value):
            errors.add(field, _(bad_format))
        elif check_unique and _taken(PartyMember, field, value, exclude_member_id):
            errors.add(field, _(clash) % {"n": value})

    for field in ("hometown", "residence", "health", "family"):
        out[field] = clean(getattr(data, field))
    phone = clean(data.phone).replace(" ", "").replace(".", "")
    if phone and not re.match(r"^\+?\d{8,15}$", phone):
        errors.add(
            "phone", _("The phone number may contain only digits (8 to 15), optionally after +.")
        )
    out["phone"] = phone
    errors.raise_if_any()
    return out


def person_values(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """The Person row's values from a cleaned record (names split, search and sort keys)."""
    return _person_values(cleaned)


def _person_values(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in cleaned.items() if k not in ("card_number", "dossier_number")}
    values["search_name"] = search_key(cleaned["full_name"])
    values["sort_key"] = name_sort_key(
        cleaned["family_name"], cleaned["middle_name"], cleaned["given_name"]
    )
    return values

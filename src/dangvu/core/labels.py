"""Labels that pages shared by every area show — a change-log action, a record's field — registered at
start-up by the area that owns them (its AppConfig.ready), so that `core` knows no area.

An area registers its change-log actions (`register_actions`), a rule naming a whole family of actions
(`register_action_family`, as `members` does for `member.event.<kind>`), and the models whose fields' names a
change-log entry may carry (`register_field_models`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from django.apps import apps
from django.utils.translation import get_language, gettext_lazy

_ACTIONS: dict[str, object] = {
    # What a service logs of a record without an action of its own (a comment, a report run).
    "create": gettext_lazy("Created"),
    "update": gettext_lazy("Changed"),
    "delete": gettext_lazy("Deleted"),
}
# The change log's actor when no person acted (a command at the server's console, a task).
SYSTEM = "system"
_FAMILIES: list[tuple[str, Callable[[str], object | None]]] = []
_FIELD_MODELS: list[str] = []


def register_actions(labels: Mapping[str, object]) -> None:
    _ACTIONS.update(labels)


def register_action_family(prefix: str, label: Callable[[str], object | None]) -> None:
    """Actions `prefix<rest>` read as `label(rest)`, or as the code when it answers None."""
    _FAMILIES.append((prefix, label))


# How a logged field's value reads (a choice's label, an id's name), by field name.
_VALUES: dict[str, Callable[[object], object]] = {}
# Fields a change carries that nobody reads (materialised paths, search keys).
HIDDEN_FIELDS = {"path", "search_name", "search_grams", "sort_key", "derived"}


def register_value_labels(field: str, label: Callable[[object], object]) -> None:
    _VALUES[field] = label


def value_label(field: str, value: object) -> object:
    if value is None or field not in _VALUES:
        return value
    return _VALUES[field](value)


def register_field_models(*model_labels: str) -> None:
    _FIELD_MODELS.extend(model_labels)
    field_labels.cache_clear()


def actor_label(name: str) -> str:
    """Who made a change, as people read it: the system's changes say so in words."""
    return str(gettext_lazy("The system (console or scheduled task)")) if name == SYSTEM else name


def action_label(code: str) -> str:
    if code in _ACTIONS:
        return str(_ACTIONS[code])
    for prefix, label in _FAMILIES:
        if code.startswith(prefix):
            found = label(code.removeprefix(prefix))
            if found is not None:
                return str(found)
    return code


# Fields a service logs beside a model's own: the decision and the day a change takes effect.
COMMON_FIELDS = {
    "decision": gettext_lazy("decision"),
    "on": gettext_lazy("effective date"),
    "parent": gettext_lazy("superior organisation"),
    "parent_id": gettext_lazy("superior organisation"),
}


@lru_cache(maxsize=1)
def field_labels() -> dict[str, str]:
    labels: dict[str, str] = dict(COMMON_FIELDS)  # type: ignore[arg-type]
    for model_label in _FIELD_MODELS:
        for field in apps.get_model(model_label)._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            if verbose:
                labels.setdefault(field.name, verbose)
                labels.setdefault(f"{field.name}_id", verbose)
    return labels


_CHOICES: dict[tuple[type, str, str | None], dict[object, str]] = {}


def choices_of(model: type, field: str) -> dict[object, str]:
    """The labels of a field's choices in the active language, by value: kept per language."""
    key = (model, field, get_language())
    labels = _CHOICES.get(key)
    if labels is None:
        flat = model._meta.get_field(field).flatchoices  # type: ignore[attr-defined]
        labels = _CHOICES[key] = {value: str(label) for value, label in flat}
    return labels


def choice(instance: object, field: str) -> str:
    """`instance.get_<field>_display()`, read from a table of the field's labels kept per language.
    Django's rebuilds the field's choices and translates every label at each call: a record's name
    in the change log (its `__str__`) cost that for each of thousands of records a restructuring
    logs."""
    value = getattr(instance, field)
    label = choices_of(type(instance), field).get(value)
    return label if label is not None else value if isinstance(value, str) else str(value)

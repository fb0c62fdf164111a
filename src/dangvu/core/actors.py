"""Who makes a change or reads a record, as the services take it."""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias


class User(Protocol):
    """A signed-in person (accounts.User): what the services read of the actor. `core` knows no
    accounts model; any object with these attributes will do."""

    pk: Any
    username: Any


# The actor of a service: a user, or None for the system — the console, the demo, a migration.
Actor: TypeAlias = User | None


def as_user(actor: Actor) -> Any:
    """The actor as a foreign key to accounts.User holds it: the user, or None for the system (an
    actor without a saved record, such as an anonymous one, counts as the system)."""
    return actor if getattr(actor, "pk", None) else None

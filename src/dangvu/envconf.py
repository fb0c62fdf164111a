"""Typed readers of the environment that fail fast on a bad value (STYLE.md practice 14)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """A configuration value is present but wrong."""


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be 0 or 1 (true/false), not {value!r}")


def env_int(name: str, default: int, *, minimum: int = 1) -> int:
    """A whole number of the environment (seconds, counts), or a plain message saying which."""
    value = env_str(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ConfigError(f"{name} must list at least one value, comma-separated")
    return items


def data_dir(base_dir: Path) -> Path:
    raw = env_str("DANGVU_DATA_DIR")
    path = Path(raw).expanduser().resolve() if raw else base_dir / "var"
    if path.exists() and not path.is_dir():
        raise ConfigError(f"DANGVU_DATA_DIR={path} exists and is not a directory")
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """The key from DANGVU_SECRET_KEY, or one generated once into the data directory."""
    value = env_str("DANGVU_SECRET_KEY")
    if value is not None:
        if len(value) < 50:
            raise ConfigError("DANGVU_SECRET_KEY must be at least 50 characters long")
        return value
    key_file = directory / "secret_key"
    if key_file.exists():
        stored = key_file.read_text(encoding="ascii").strip()
        if len(stored) < 50:
            raise ConfigError(f"{key_file} holds a key shorter than 50 characters")
        return stored
    generated = secrets.token_urlsafe(64)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(generated)
    return generated

"""Figures as Vietnamese documents print them."""

from __future__ import annotations

from typing import Any


def vn_number(value: Any) -> str:
    """A figure as printed in Vietnamese: 1.234 or 12,5 (empty for nothing)."""
    if value is None or value == "":
        return ""
    number = float(value)
    if number.is_integer():
        return f"{int(number):,}".replace(",", ".")
    return f"{number:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")

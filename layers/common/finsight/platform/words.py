"""Words of a text, and whether a run of words appears in it: how a rule's merchant and a category's name are
found in a description ("Starbucks" in "STARBUCKS #0042 SEATTLE", "Coffee" in "coffee with Sam")."""

from __future__ import annotations

import re

WORDS = re.compile(r"[^\W_]+")


def contains_words(haystack: list[str], needle: list[str]) -> bool:
    """Whether `needle`'s words come together, in order, among `haystack`'s."""
    size = len(needle)
    return bool(size) and any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))

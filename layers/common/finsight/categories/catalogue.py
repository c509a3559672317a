"""The user's category list as one value: what a name means for them, built from their `categories` documents.

Pure (no database): `CategoryRepository.catalogue` reads the documents, everything else asks this.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from finsight.platform.db import Document
from finsight.platform.words import WORDS, contains_words
from finsight.transactions.categories import Category


def default_id(category: Category) -> str:
    """The id of a default category, the same for every user: "Food & Dining" -> "food-and-dining"."""
    return re.sub(r"[^a-z]+", "-", category.value.lower().replace("&", "and")).strip("-")


DEFAULT_BY_ID = {default_id(category): category for category in Category}


def name_key(name: str) -> str:
    """What makes two names the same name: case, spacing and Unicode form aside ("Cafe\u0301" is "Café")."""
    return unicodedata.normalize("NFKC", " ".join(name.split())).casefold()


class Entry(NamedTuple):
    """One category as the user has it."""

    id: str
    name: str
    default: Category | None = None
    parent_id: str | None = None
    icon: str | None = None
    colour: str | None = None
    hidden: bool = False
    replaced_by: str | None = None  # a hidden default: what its meaning is filed under instead
    aliases: tuple[str, ...] = ()  # former names (renamed) and deleted categories moved into this one


@dataclass(frozen=True)
class Catalogue:
    """Every category of one user, in the order they are shown: each top-level one followed by its children
    (the defaults in the contract's order first, then the user's own in the order they were made)."""

    entries: tuple[Entry, ...]
    _by_key: dict[str, Entry] = field(init=False, repr=False, compare=False)
    _by_alias: dict[str, Entry] = field(init=False, repr=False, compare=False)
    _by_id: dict[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {name_key(e.name): e for e in self.entries})
        object.__setattr__(self, "_by_id", {e.id: e for e in self.entries})
        aliases = {name_key(alias): e for e in self.entries if not e.hidden for alias in e.aliases}
        object.__setattr__(self, "_by_alias", aliases)

    @classmethod
    def of(cls, docs: Iterable[Document]) -> Catalogue:
        """From the user's documents: default overrides (`default` set) and their own (the rest)."""
        overrides: dict[Category, Document] = {}
        own: list[Document] = []
        for doc in docs:
            if doc.get("default") in Category.__members__.values():
                overrides[Category(doc["default"])] = doc
            elif doc.get("name"):
                own.append(doc)
        tops: list[Entry] = []
        for category in Category:
            doc = overrides.get(category, {})
            tops.append(
                Entry(
                    id=default_id(category),
                    name=doc.get("name") or category.value,
                    default=category,
                    icon=doc.get("icon"),
                    colour=doc.get("colour"),
                    hidden=bool(doc.get("hidden")) and category is not Category.OTHER,
                    replaced_by=doc.get("replaced_by"),
                    aliases=tuple(doc.get("aliases") or ()),
                )
            )
        children: dict[str, list[Entry]] = {}
        for doc in sorted(own, key=lambda d: (d.get("created_at") is None, d.get("created_at"), str(d["_id"]))):
            entry = Entry(
                id=str(doc["_id"]),
                name=doc["name"],
                parent_id=doc.get("parent_id"),
                icon=doc.get("icon"),
                colour=doc.get("colour"),
                aliases=tuple(doc.get("aliases") or ()),
            )
            if entry.parent_id:
                children.setdefault(entry.parent_id, []).append(entry)
            else:
                tops.append(entry)
        ordered: list[Entry] = []
        for top in tops:
            ordered.append(top)
            ordered.extend(children.pop(top.id, []))
        for orphans in children.values():  # a parent deleted meanwhile: shown at the top level
            ordered.extend(orphans)
        return cls(tuple(ordered))

    # ----- reading a name -----
    def names(self) -> list[str]:
        """What the user files into, in order (GET /api/transactions/categories with their token)."""
        return [entry.name for entry in self.entries if not entry.hidden]

    def entry(self, category_id: str) -> Entry | None:
        return self._by_id.get(category_id)

    def named(self, name: str, *, include_hidden: bool = False) -> Entry | None:
        """The category `name` means: its own name (any case), else a former name. A hidden default is found
        only with `include_hidden` (it can be searched for, not filed into)."""
        key = name_key(name)
        entry = self._by_key.get(key)
        if entry is not None and (include_hidden or not entry.hidden):
            return entry
        if entry is not None and entry.replaced_by:  # a hidden default the user replaced: filed there
            replacement = self._by_key.get(name_key(entry.replaced_by))
            return replacement if replacement is not None and not replacement.hidden else None
        return self._by_alias.get(key) if entry is None else None

    def resolve(self, name: str) -> str | None:
        """The name to file `name` under, as the user spells it; None when it is none of theirs."""
        entry = self.named(name)
        return entry.name if entry else None

    def for_default(self, category: Category | str) -> str:
        """Where a parser's default category goes for this user: itself, or what they renamed it to, or what
        they replaced it with when they hid it (their "Other" when they gave nothing)."""
        entry = self._by_id.get(default_id(Category(category)))
        if entry is not None and not entry.hidden:
            return entry.name
        replacement = self.named(entry.name) if entry is not None else None
        return replacement.name if replacement else self.other()

    def file_guess(self, category: str, description: str, *, by_name: bool = True) -> str:
        """Where a parser's guess goes: with `by_name` (a guess among the defaults), a category of the user's own
        whose name the description says ("coffee at Costa" -> their "Coffee"); else the guess as the user has it
        (a default renamed, hidden or replaced). A parser that chose among the user's list is taken at its word."""
        words = _words(description) if by_name else []
        named = [entry for entry in self.own() if contains_words(words, _words(entry.name))]
        if named:
            return max(named, key=lambda entry: len(entry.name)).name
        found = self.named(category)
        if found is not None:
            return found.name
        return self.for_default(category) if category in Category.__members__.values() else self.other()

    def other(self) -> str:
        return self._by_id[default_id(Category.OTHER)].name

    # ----- the tree -----
    def parent_of(self, name: str) -> str | None:
        entry = self.named(name, include_hidden=True)
        parent = self._by_id.get(entry.parent_id) if entry and entry.parent_id else None
        return parent.name if parent else None

    def children_of(self, entry: Entry) -> list[Entry]:
        return [e for e in self.entries if e.parent_id == entry.id]

    def family(self, name: str) -> list[str]:
        """`name` and its sub-categories: what a budget on it counts."""
        entry = self.named(name, include_hidden=True)
        if entry is None:
            return [name]
        return [entry.name, *(child.name for child in self.children_of(entry))]

    def own(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.default is None]


def _words(text: str) -> list[str]:
    """The words of `text`, a plural as its singular ("coffees" says "coffee")."""
    return [word.removesuffix("s") if len(word) > 3 else word for word in WORDS.findall(text.casefold())]


DEFAULTS = Catalogue.of([])

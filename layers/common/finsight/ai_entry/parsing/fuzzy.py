"""Misspelt merchants and things bought ("ubr", "amazn", "swigy", "starbuks"): a word the lexicon does not know,
matched to one of its single-word strong terms by edit distance — one edit for terms of 5 to 7 letters, two
for longer ones that also end alike, always the same first letter; a 4-letter term only as a 3-letter word
missing one of its vowels ("ubr" for "uber"; "card" is not "curd").

Bounded and fast: terms are indexed by first letter and length, and the distance (Damerau-Levenshtein, an
adjacent swap counting as one edit) stops as soon as a row exceeds the bound.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache, lru_cache
from pathlib import Path

from finsight.ai_entry.parsing.lexicon import EXACT_ONLY, STRONG
from finsight.transactions.categories import Category

MIN_TERM_LENGTH = 4
MIN_EDITED_TERM_LENGTH = 5
VOWELS = frozenset("aeiou")
# Words of expense messages that are no merchant, however close they are to one ("paid" ~ "pain").
_COMMON_LINES = (
    # function words and what expense messages say around the merchant
    "a an and at by for from in into of on or the to with my our his her their this that these those it its ",
    "paid pay pays spent spend got get bought buy took take gave give had have was were is are be been ",
    "today yesterday tonight morning evening night last week month day days ago total each per plus only ",
    "rs inr usd eur gbp bucks buck dollars dollar euros euro pounds pound quid rupees rupee ",
    "aur ke ka ki ko se mein liye diye kiya ",
    "shaadi shadi bhai didi mummy papa dost ghar wala wali wale kal aaj abhi bahut thoda naya purana ",
    # everyday words a letter away from a short merchant or thing ("ace" ~ acea, "cut" ~ cuet, "carry" ~ curry)
    "ace cut carry tier past hear main call new look lock bill fill chem ",
    "late done split family charged gutted insane desert diving tiles fiver tenner studio ",
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday ",
    # place and language names, and foreign everyday words ("chemise" is a shirt, not a chemist)
    "hindi maine schengen chemise ",
    # bank statement words ("SEPA", "Zahlung", "charges"), never a merchant
    "sepa zahlung lastschrift ueberweisung gutschrift charges charge payment transfer debit credit card ",
    "upi imps neft rtgs ach pos atm ref txn ",
    # common surnames and first names, which statements and notes are full of
    "sharma verma gupta singh kumar patel shah khan reddy rao nair iyer das mehta joshi jain agarwal ",
    "smith jones williams brown taylor davies wilson evans thomas johnson roberts walker wright robinson ",
    "thompson white hughes edwards green hall wood harris martin jackson clarke clark lewis baker parker ",
    "brooks butler cooper miller davis garcia martinez lopez gonzalez muller mueller schmidt schneider ",
    "fischer weber meyer wagner becker schulz hoffmann dubois durand bernard moreau laurent rossi russo ",
    "bianchi romano colombo ricci",
)
COMMON = frozenset(" ".join(_COMMON_LINES).split())
WORD = re.compile(r"[a-z]+")
# The everyday words of seven languages (dev/common_words.py, from wordfreq): never a misspelt merchant.
FREQUENT_WORDS_FILE = Path(__file__).with_name("common_words.txt")


@cache
def _frequent_words() -> frozenset[str]:
    lines = FREQUENT_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_common(word: str) -> bool:
    """Whether `word` is an everyday word rather than a possible misspelling of a merchant or thing bought."""
    return word in COMMON or word in _frequent_words()


@cache
def _index() -> dict[tuple[str, int], list[tuple[str, Category]]]:
    """Single-word strong terms by (first letter, length), those found as written only left out."""
    index: dict[tuple[str, int], list[tuple[str, Category]]] = defaultdict(list)
    for category, terms in STRONG.items():
        for term in terms:
            if term.isalpha() and len(term) >= MIN_TERM_LENGTH and term not in EXACT_ONLY:
                index[(term[0], len(term))].append((term, category))
    return dict(index)


def within(word: str, term: str, bound: int) -> bool:
    """Whether the Damerau-Levenshtein distance of `word` and `term` is at most `bound`."""
    if abs(len(word) - len(term)) > bound:
        return False
    previous2: list[int] = []
    previous = list(range(len(term) + 1))
    for i, a in enumerate(word, 1):
        current = [i] + [0] * len(term)
        for j, b in enumerate(term, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == term[j - 2] and word[i - 2] == b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > bound:
            return False
        previous2, previous = previous, current
    return previous[-1] <= bound


def _bound(word: str, term: str) -> int:
    if len(term) < MIN_EDITED_TERM_LENGTH:
        return 0
    return 1 if len(term) <= 7 or word[-1] != term[-1] else 2


def _vowel_dropped(word: str, term: str) -> bool:
    """ "ubr" for "uber": the term with one vowel left out (how 3-letter misspellings happen)."""
    return any(term[:k] + term[k + 1 :] == word for k in range(1, len(term)) if term[k] in VOWELS)


@cache
def _phrases() -> dict[tuple[str | None, ...], list[tuple[str, str]]]:
    """Strong terms of two or three words (all letters), by their words with one left out: the word left out and
    the term, under the others ("panda express" under (None, "express") and ("panda", None))."""
    phrases: dict[tuple[str | None, ...], list[tuple[str, str]]] = defaultdict(list)
    for terms in STRONG.values():
        for term in terms:
            words = term.split()
            if 2 <= len(words) <= 3 and all(w.isalpha() for w in words) and term not in EXACT_ONLY:
                for k, left_out in enumerate(words):
                    if len(left_out) >= MIN_TERM_LENGTH:
                        phrases[(*words[:k], None, *words[k + 1 :])].append((left_out, term))
    return dict(phrases)


def _phrase_term(words: list[str]) -> str | None:
    """A two- or three-word term with one word misspelt and the others as they are ("panda expres", "octpus
    energy"): the misspelt word has 5 letters or more, keeps its first letter and is one edit away, and a word
    spelt right is no common word ("new look" is not "new lock", "main salary" not "maid salary")."""
    phrases = _phrases()
    for size in (3, 2):
        for start in range(len(words) - size + 1):
            window = words[start : start + size]
            for k, word in enumerate(window):
                others = window[:k] + window[k + 1 :]
                if len(word) < MIN_EDITED_TERM_LENGTH or is_common(word):
                    continue
                if not any(len(other) >= MIN_TERM_LENGTH and other not in COMMON for other in others):
                    continue
                for left_out, term in phrases.get((*window[:k], None, *window[k + 1 :]), ()):
                    if word != left_out and word[0] == left_out[0] and within(word, left_out, 1):
                        return term
    return None


@lru_cache(maxsize=8192)  # a message is read whole and by pieces, and words recur from message to message
def nearest_term(word: str) -> str | None:
    """The strong term `word` is a misspelling of, or None (too short, common, or no term close enough; of
    several, the closest, then the longest)."""
    if len(word) < 3:
        return None
    index = _index()
    sounded = None
    if word.endswith(("ks", "cs")):  # spelt as said: "netflicks" for "netflix", "publics" for "publix"
        sounded = word[: -3 if word.endswith("cks") else -2] + "x"
        if any(term == sounded for term, _ in index.get((sounded[0], len(sounded)), [])):
            return sounded
    if is_common(word):
        return None
    # As written first ("starbuks" is "starbucks"), then as said ("netflicks" near "netflix").
    return _closest(word, index) or (_closest(sounded, index) if sounded is not None else None)


def _closest(word: str, index: dict[tuple[str, int], list[tuple[str, Category]]]) -> str | None:
    """The strong term closest to `word` within its bound (of several, the closest, then the longest), or None."""
    if len(word) == 3:
        matches = [(term, category) for term, category in index.get((word[0], 4), []) if _vowel_dropped(word, term)]
        return matches[0][0] if len({category for _, category in matches}) == 1 else None
    best: tuple[int, int, str] | None = None
    for length in range(len(word) - 2, len(word) + 3):
        for term, _ in index.get((word[0], length), []):
            bound = _bound(word, term)
            for distance in range(1, bound + 1):
                if within(word, term, distance):
                    rank = (distance, -len(term), term)
                    if best is None or rank[:2] < best[:2]:
                        best = rank
                    break
    return None if best is None else best[2]


def fuzzy_guess(text: str, known: frozenset[str]) -> tuple[str, int] | None:
    """The strong term the first word of `text` is a misspelling or a compound of, and where that word starts
    (`known`: words the lexicon matched exactly, left alone); a misspelt two- or three-word term first."""
    lowered = text.lower()
    words = [(match.group(), match.start()) for match in WORD.finditer(lowered)]
    found_phrase = _phrase_term([word for word, _ in words]) if len(words) >= 2 else None
    if found_phrase is not None:
        return found_phrase, len(lowered)
    for word, start in words:
        if word not in known:
            found = nearest_term(word) or compound_term(word)
            if found is not None:
                return found, start
    return None


MIN_COMPOUND_LENGTH = 8
MIN_PART_LENGTH = 4
MIN_REST_LENGTH = 3


@cache
def _single_terms() -> frozenset[str]:
    """Single-word strong terms of 4 letters or more."""
    return frozenset(
        term for terms in STRONG.values() for term in terms if term.isalpha() and len(term) >= MIN_PART_LENGTH
    )


@lru_cache(maxsize=8192)
def compound_term(word: str) -> str | None:
    """The term a long word the lexicon does not know is a compound of, as German and Dutch write them
    ("kinderschuhe": shoes, "stromrechnung": an electricity bill): the longest term it ends or begins with, at
    least 3 letters left beside it (the longer part, not a short brand name inside it: "zahnarztpraxis" is a
    dentist's, not the Praxis DIY store); the end first on a tie, as the last part names the thing, and a
    beginning of 5 letters or more ("sparkasse" is a bank, not the Spar supermarket). Never for an everyday word
    of seven languages ("healthcare", "metropolitana", "apparent")."""
    if len(word) < MIN_COMPOUND_LENGTH or is_common(word):
        return None
    terms = _single_terms()
    for size in range(len(word) - MIN_REST_LENGTH, MIN_PART_LENGTH - 1, -1):
        for part in (word[-size:], word[:size] if size > MIN_PART_LENGTH else ""):
            if part in terms:
                return part
    return None

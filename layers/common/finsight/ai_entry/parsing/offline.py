"""The offline expense parser: pure Python, no network; the default when no Gemini key is configured.

"uber to airport 750 and chai 20 yesterday" -> two expenses (Transportation 750, Food & Dining 20),
both dated yesterday in the user's time zone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from finsight.ai_entry.parsing import ParsedExpense, UnparseableTextError
from finsight.ai_entry.parsing.fuzzy import WORD as FUZZY_WORD
from finsight.ai_entry.parsing.fuzzy import fuzzy_guess
from finsight.ai_entry.parsing.lexicon import CONTEXT, STRONG
from finsight.transactions.categories import Category

MAX_AMOUNT = Decimal(10_000_000)
CENTS = Decimal("0.01")

# ----- currencies -----
SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "₹": "INR", "¥": "JPY", "a$": "AUD", "c$": "CAD"}
WORDS = {
    "rs": "INR",
    "rs.": "INR",
    "inr": "INR",
    "rupee": "INR",
    "rupees": "INR",
    "rupaye": "INR",
    "/-": "INR",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "buck": "USD",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
    "jpy": "JPY",
    "yen": "JPY",
    "aud": "AUD",
    "cad": "CAD",
    "sgd": "SGD",
    "aed": "AED",
    "dirham": "AED",
    "dirhams": "AED",
    "chf": "CHF",
    "franc": "CHF",
    "francs": "CHF",
    "baht": "THB",
    "thb": "THB",
    "peso": "MXN",
    "pesos": "MXN",
    "mxn": "MXN",
    "ringgit": "MYR",
    "myr": "MYR",
    "rupiah": "IDR",
    "idr": "IDR",
    "riyal": "SAR",
    "riyals": "SAR",
    "zloty": "PLN",
    "zlotys": "PLN",
    "pln": "PLN",
    "kronor": "SEK",
    "sek": "SEK",
    "lira": "TRY",
}
CURRENCY_WORD = "|".join(sorted((re.escape(w) for w in WORDS if w != "/-"), key=len, reverse=True))
SYMBOL = "|".join(sorted((re.escape(s) for s in SYMBOLS), key=len, reverse=True))

# ----- numbers -----
NUMBER = (
    r"\d{1,3}(?:\.\d{3})+,\d{2}"  # 1.250,00
    r"|[1-9]\d{0,2}(?:\.\d{3})+(?!\d)(?![.,]\d)"  # 1.150 (a full stop or ",-" after it is fine)
    r"|\d{1,3}(?:,\d{2,3})+(?:\.\d{1,2})?"  # 1,20,000 and 2,499.50
    r"|\d+(?:[.,]\d{1,2})?"
)
SCALE = r"(?:k|thousand|lakhs?|lacs?|l(?![a-z])|cr|crores?|m(?![a-z]))"
# A currency word is a whole word ("rs" is not the end of "fürs"). A currency marker after a number belongs to it
# only when no other number follows the marker:
# in "pixel 8 $699" the "$" is the prefix of 699, not the suffix of 8.
AMOUNT_TOKEN = re.compile(
    rf"""
    (?P<pre>(?:{SYMBOL})|(?<![^\W\d_])(?:{CURRENCY_WORD})(?![^\W\d_]))?\s*
    (?P<num>{NUMBER})
    (?:\s*(?P<scale>{SCALE})(?![a-z]))?
    (?:\s*(?P<post>(?:{SYMBOL})|/-|(?:{CURRENCY_WORD})(?![^\W\d_]))(?!\.?\s*\d))?
    """,
    re.VERBOSE,
)
# Units and markers after a number that make it something other than money.
UNIT_AFTER = re.compile(
    r"^\s*(?:kgs?|kilos?|g|gms?|grams?|mg|ml|l|ltrs?|litres?|liters?|lbs?|oz|km|kms|miles?|mi|m|cm|mm|"
    r"pcs|pieces?|packs?|x|%|percent|gb|tb|mb|mp|inch(?:es)?|\"|pm|am|hrs?|hours?|mins?|minutes?|"
    r"secs?|days?|nights?|weeks?|months?|years?|yrs?|people|persons?|pax|th|st|nd|rd|"
    r"plates?|cups?|glass(?:es)?|bottles?|dozen|items?|tickets?\b(?=\s+(?:for|@|at)))(?![a-z])"
)
# What comes right before a number that makes it an identifier, not a price: "flight AI 302",
# "6E-2134", "train 12951", "iphone 15", "seat 4", "#12".
ID_BEFORE = re.compile(
    r"(?:(?<![a-z])(?:flight|flt)\s*(?:[a-z0-9]{2}\s*-?\s*)?"
    r"|(?<![a-z])(?:train|bus no\.?|route|platform|seat|gate|room|no\.?|number|iphone|galaxy|"
    r"pixel|ps|series|model|version|gen|sector|block|floor|flat|plot|pnr)\s*[\-#:.]?\s*"
    r"|#\s*|(?<![a-z0-9])(?:\d[a-z]|[a-z]\d)\s*-?\s*)$"
)
SLANG_VALUES = {"tenner": 10, "tenners": 10, "fiver": 5, "fivers": 5, "grand": 1000}
SLANG_AMOUNT = re.compile(
    r"(?<![a-z0-9])(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(tenners?|fivers?|grand)\b"
)
BARE_TRAVEL_WORD = re.compile(r"(?<![a-z])(?:flight|flt|train)\s*$")
PRICE_CUE = re.compile(r"(?:for|paid|pay|cost|costs|costing|spent|spend|total|worth|=|@|at|of|price|bill|charged)\s*$")
NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "a": 1,
    "an": 1,
    "hundred": 100,
    "thousand": 1000,
    "lakh": 100_000,
    "lac": 100_000,
}
WORD_NUMBER = re.compile(
    r"\b((?:(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"hundred|thousand|lakh|lac|a|an|and)[\s-]+)*(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundred|thousand|lakh|lac))\s+(" + CURRENCY_WORD + r")\b"
)

# ----- dates -----
SMALL_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "a": 1, "couple of": 2}
DATE_PHRASES: list[tuple[re.Pattern[str], int | None]] = [
    (re.compile(r"\b(?:day before yesterday|the day before yesterday|parso)\b"), 2),
    (re.compile(r"\b(?:yesterday|yday|yest|last night|kal raat)\b"), 1),
    (re.compile(r"\b(?:today|tonight|this morning|this evening|this afternoon|aaj)\b"), 0),
    (re.compile(r"\blast week\b"), 7),
    (re.compile(r"\b(\d{1,2}|one|two|three|four|five|six|seven|a|couple of)\s+days?\s+(?:ago|back)\b"), None),
]

# "and" in English and Hinglish; in German, Spanish, French, Italian, Dutch, Finnish, Danish/Norwegian and Swedish
# ("und", "y", "et", "e", "en", "ja", "og", "och") only between pieces that hold a number (FOREIGN_AND, _foreign_and):
# "vitamin e 300" and "cena en madrid 20" stay whole.
FOREIGN_AND = re.compile(r"\s+(und|y|et|e|en|ja|og|och)\s+")
SPLIT = re.compile(
    r"\s*(?:;|\n|\s\+\s|\s&\s|\band also\b|\band\b|\baur\b|\bplus\b|"
    r"\bthen\b|,(?=\s)|\|)\s*"
)
SPLIT_KEEPING = re.compile(f"({SPLIT.pattern})")  # the same, keeping what was split on
FILLER = re.compile(
    r"\b(?:i|me|my|we|our|paid|pay|spent|spend|spending|for|on|of|at|to the|the|a|an|rs\.?|inr|usd|eur|gbp|"
    r"rupees?|dollars?|bucks|euros?|pounds?|cost|costs|total|worth|bought|got|had|was|is|it|just|some|"
    r"around|about|approx|approximately)\b",
)


@dataclass(frozen=True)
class _Candidate:
    amount: Decimal
    currency: str | None
    start: int
    end: int
    score: float


def _to_decimal(text: str, *, currency: str | None) -> Decimal | None:
    """'1,20,000' -> 120000; '2,499' -> 2499; '12,50' (euro style) -> 12.50; '1.250,00' -> 1250.00;
    '1.150 €' -> 1150; '45.50' -> 45.50."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d{2}", text):
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d+,\d{2}", text):  # two digits after a comma: decimals whatever the currency ("6,80 £")
        text = text.replace(",", ".")
    elif re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+", text) and currency in ("EUR", "CHF"):  # "1.150 €": thousands
        text = text.replace(".", "")
    else:
        text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _scaled(value: Decimal, scale: str | None) -> Decimal:
    if not scale:
        return value
    if scale in ("k", "thousand"):
        return value * 1000
    if scale.startswith(("lakh", "lac")) or scale == "l":
        return value * 100_000
    if scale.startswith("cr"):
        return value * 10_000_000
    if scale == "m":
        return value * 1_000_000
    return value


def _words_to_number(words: str) -> int | None:
    total, current = 0, 0
    for word in re.split(r"[\s-]+", words.strip()):
        if word == "and":
            continue
        value = NUMBER_WORDS.get(word)
        if value is None:
            return None
        if value == 100:
            current = max(current, 1) * 100
        elif value >= 1000:
            total += max(current, 1) * value
            current = 0
        else:
            current += value
    return total + current or None


def _candidates(segment: str, default_currency: str | None) -> list[_Candidate]:  # noqa: PLR0912 - one rule a branch
    found: list[_Candidate] = []
    for match in WORD_NUMBER.finditer(segment):
        spelled = _words_to_number(match.group(1))
        if spelled:
            found.append(_Candidate(Decimal(spelled), WORDS[match.group(2)], match.start(), match.end(), 5.0))
    for match in SLANG_AMOUNT.finditer(segment):  # "a tenner", "a fiver", "a grand", "two grand"
        count = 1 if match.group(1) in ("a", "an", "one") else NUMBER_WORDS.get(match.group(1)) or int(match.group(1))
        value = Decimal(count * SLANG_VALUES[match.group(2)])
        found.append(_Candidate(value, default_currency, match.start(), match.end(), -1.0))  # a written number wins
    for match in AMOUNT_TOKEN.finditer(segment):
        if any(c.start <= match.start("num") < c.end for c in found):
            continue
        pre, post, scale = match.group("pre"), match.group("post"), match.group("scale")
        marker = pre or post
        currency = SYMBOLS.get(marker.strip()) or WORDS.get(marker.strip()) if marker else None
        before = segment[: match.start()].rstrip()
        after = segment[match.end("num") :]
        travel_number = False
        if not marker and not scale:
            if UNIT_AFTER.match(after):
                continue  # 5kg, 2 l, 10%, 7pm
            if ID_BEFORE.search(before[-16:]) and not PRICE_CUE.search(before):
                if not BARE_TRAVEL_WORD.search(before[-16:]):
                    continue  # flight AI 302, train 12951, iphone 15
                travel_number = True  # "flight 320": a price, unless another number is one
            if re.match(r"^\s*(?:st|nd|rd|th)\b", after):
                continue
        if scale == "l" and marker is None and not re.search(r"\d", before[-1:]) and UNIT_AFTER.match(after):
            continue
        parsed = _to_decimal(match.group("num"), currency=currency or default_currency)
        if parsed is None or parsed <= 0:
            continue
        value = _scaled(parsed, scale)
        score = 0.0
        if marker:
            score += 3
        if scale:
            score += 1
        if PRICE_CUE.search(before):
            score += 2
        # A bare number followed by an item word is usually a quantity ("2 coffees for 9").
        if not marker and not scale and re.match(r"^\s+[a-z]", after) and re.search(r"\d", after):
            score -= 2
        if travel_number:
            score -= 4
        found.append(_Candidate(value, currency, match.start(), match.end(), score))
    return found


def _pick(candidates: list[_Candidate]) -> _Candidate | None:
    if not candidates:
        return None
    # Highest score wins; among equals the last one (prices usually come after what was bought).
    return max(enumerate(candidates), key=lambda item: (item[1].score, item[0]))[1]


def _days_ago(text: str) -> tuple[int, str, int]:
    """Days back the text says (0 when it says nothing), the text without that phrase, and where the phrase
    started (the text's length when there is none)."""
    for pattern, fixed_days in DATE_PHRASES:
        match = pattern.search(text)
        if match:
            days = fixed_days
            if days is None:
                word = match.group(1)
                days = int(word) if word.isdigit() else SMALL_NUMBERS[word]
            return days, (text[: match.start()] + " " + text[match.end() :]).strip(), match.start()
    return 0, text, len(text)


def _dated_segments(text: str) -> tuple[str, list[tuple[int, str]]]:
    """`text` without its date, and its segments, each with its days back. One date is the whole message's,
    wherever it is said ("uber to airport 750 and chai 20 yesterday"); when expenses say dates of their own, each
    has its own ("cab 180 today, auto 60 yesterday"; an expense that says none is today's)."""
    days, without_date, _ = _days_ago(text)
    segments = _segments(without_date)
    if len(segments) < 2 or _days_ago(without_date)[2] == len(without_date):  # one date at most
        return without_date, [(days, segment) for segment in segments]
    dated: list[tuple[int, str]] = []
    for segment in _segments(text):
        segment_days, segment_text, _ = _days_ago(segment)
        if dated and not re.search(r"\d", segment_text):  # only a date (", 4 days ago"): the expense before it
            previous_days, previous_text = dated[-1]
            dated[-1] = (segment_days or previous_days, f"{previous_text} {segment_text}".strip())
            continue
        dated.append((segment_days, segment_text))
    return without_date, dated


STRONG_WEIGHT = 3.0
# A misspelt strong term counts as the term spelt right, with its weight (categorize), and where it was written decides
# a tie ("plumbr fixed the water heater", "dentst cleaning", "recharg for mummy's phone"): everyday words of seven
# languages are never guesses.
# Stores that sell several categories (drugstores, hypermarkets): they decide alone, but the thing bought there
# decides over them ("boots makeup", "superdrug paracetamol", "costco gas", "kruidvat mascara").
MIXED_STORE_WEIGHT = 2.5
MIXED_STORES = frozenset(
    (
        "boots",
        "superdrug",
        "kruidvat",
        "etos",
        "rossmann",
        "dm",
        "müller",
        "cvs",
        "walgreens",
        "rite aid",
        "duane reade",
        "costco",
        "walmart",
        "target",
        "tesco",
        "tesco extra",
        "asda",
        "sainsbury's",
        "sainsburys",
        "carrefour",
        "big bazaar",
        "dmart",
        "d-mart",
        "sam's club",
        "kroger",
        "meijer",
        # fuel stations that are also delis and coffee stops: "sheetz gas" is fuel, "wawa hoagie" lunch
        "sheetz",
        "wawa",
        "quiktrip",
        "circle k",
        "racetrac",
        "kwik trip",
        "7-eleven",
        "speedway",
        "casey's",
        "buc-ee's",
        # pet stores (pet food is Other, a leash or a cat bed goods: "petsmart cat toys")
        "petsmart",
        "petco",
        "pets at home",
        "heads up for tails",
        "supertails",
        "fressnapf",
        "zooplus",
        "chewy",
        "maxi zoo",
        # bookstores (a novel is goods, a textbook study: "barnes and noble chem textbook")
        "barnes and noble",
        "barnes & noble",
        "waterstones",
        "sapna book house",
        "higginbothams",
        "hugendubel",
        "whsmith",
        "books-a-million",
        "feltrinelli",
        # DIY stores (a repair is the home's, a microwave or patio chairs goods: "home depot patio chairs")
        "home depot",
        "lowe's",
        "lowes",
        "b&q",
        "obi",
        "leroy merlin",
        "bauhaus",
        "hornbach",
        "praxis",
        "gamma",
    )
)


# What the payment itself is decides over what it was about: a fine over what it was for ("wrong-parking challan",
# "no helmet challan"), a tradesperson over what they worked on ("electrician put in a ceiling fan", "plumber fixed
# the water heater"), a donation over the cause ("food bank donation").
DECIDING_WEIGHT = STRONG_WEIGHT + 1.5
DECIDING = frozenset(
    (
        # insurance, whatever it insures ("pet insurance", "scooty insurence")
        "insurance",
        "insurence",
        "insurance premium",
        "versicherung",
        "assurance",
        "seguro",
        "assicurazione",
        "verzekering",
        # fines
        "challan",
        "e-challan",
        "fine",
        "penalty",
        "bußgeld",
        "bussgeld",
        "strafzettel",
        "verwarngeld",
        "knöllchen",
        "amende",
        "multa",
        "boete",
        "contravvenzione",
        # trades
        "electrician",
        "plumber",
        "carpenter",
        "handyman",
        "locksmith",
        "painter",
        "roofer",
        "glazier",
        "tiler",
        "plasterer",
        "bricklayer",
        "mistri",
        "klempner",
        "elektriker",
        "handwerker",
        "plombier",
        "électricien",
        "electricien",
        "serrurier",
        "fontanero",
        "electricista",
        "cerrajero",
        "idraulico",
        "elettricista",
        "loodgieter",
        "elektricien",
        "canalizador",
        "eletricista",
        # donations
        "donation",
        "donate",
        "donated",
        "charity",
    )
)


def _weight(term: str) -> float:
    if term in MIXED_STORES:
        return MIXED_STORE_WEIGHT
    if term in DECIDING:
        return DECIDING_WEIGHT
    return STRONG_WEIGHT + term.count(" ")


def _lexicon_weights() -> dict[str, tuple[Category, float]]:
    """Every term with its category and weight."""
    weights: dict[str, tuple[Category, float]] = {}
    for category, words in CONTEXT.items():
        for term in words:
            weights[term] = (category, 1.0)
    for category, words in STRONG.items():
        for term in words:
            weights[term] = (category, _weight(term))
    return weights


LEXICON_WEIGHTS = _lexicon_weights()


def _accent_folding() -> dict[int, str]:
    """Each accented Latin letter of the lexicon read as its base letter, one character for one (so positions in a
    folded text are those of the text): accents are optional, "táxi" finds "taxi" and "cafe" finds "café"."""
    letters = {char for term in LEXICON_WEIGHTS for char in term if not char.isascii() and char.isalpha()}
    letters |= set("àáâãäåçèéêëìíîïñòóôõöùúûüýÿ")
    folding = {}
    for char in letters:
        base = unicodedata.normalize("NFKD", char)[0]
        if base != char and base.isascii():
            folding[ord(char)] = base
    return folding


_FOLD = _accent_folding()


def _folded_terms() -> dict[str, str]:
    """Every term under its folded spelling; a term written without accents keeps its own spelling."""
    folded: dict[str, str] = {term: term for term in LEXICON_WEIGHTS if term == term.translate(_FOLD)}
    for term in LEXICON_WEIGHTS:
        folded.setdefault(term.translate(_FOLD), term)
    return folded


_FOLDED = _folded_terms()


def _term_lengths() -> dict[str, list[int]]:
    """The lengths of the (folded) terms that begin with each character, longest first: where a term is looked for."""
    lengths: dict[str, set[int]] = {}
    for term in _FOLDED:
        lengths.setdefault(term[0], set()).add(len(term))
    return {first: sorted(sizes, reverse=True) for first, sizes in lengths.items()}


_LENGTHS = _term_lengths()
_PLURALS = ("es", "s", "")


def _edge(char: str) -> bool:
    """Whether `char` may stand beside a term: anything but a-z and 0-9."""
    return not ("a" <= char <= "z" or "0" <= char <= "9")


@dataclass(frozen=True)
class LexiconMatch:
    term: str  # the lexicon's term
    text: str  # what the text says: the term, perhaps with a plural "s" or "es"
    start: int


def lexicon_matches(text: str) -> Iterator[LexiconMatch]:
    """The lexicon's terms that `text` (lower case) names, left to right, each place's longest term first,
    whole words only (a plural "s" or "es" allowed). Dictionary look-ups at each word's start: no regular
    expression of ten thousand terms to compile or to try at every character. Accents are optional (_FOLD)."""
    folded = text.translate(_FOLD)
    i = 0
    while i < len(folded):
        found = _term_at(folded, i) if i == 0 or _edge(folded[i - 1]) else None
        if found is None:
            i += 1
        else:
            term, end = found
            yield LexiconMatch(term, text[i:end], i)
            i = end


def _term_at(folded: str, i: int) -> tuple[str, int] | None:
    """The longest term that starts at `i` of a folded text and ends a word there (perhaps with a plural ending),
    and where it ends."""
    for length in _LENGTHS.get(folded[i], ()):
        term = _FOLDED.get(folded[i : i + length]) if i + length <= len(folded) else None
        if term is None:
            continue
        after = i + length
        for plural in _PLURALS:
            end = after + len(plural)
            if folded.startswith(plural, after) and (end == len(folded) or _edge(folded[end])):
                return term, end
    return None


def merchant_terms(text: str) -> list[str]:
    """The merchants and keywords of the lexicon that `text` names, strongest first ("starbucks", "latte")."""
    found = [(match.term, LEXICON_WEIGHTS[match.term][1], match.start) for match in lexicon_matches(text.lower())]
    return [term for term, _, _ in sorted(found, key=lambda item: (-item[1], item[2]))]


# Words whose meaning depends on where the user is, told by the currencies of the message: "gas" alone is what a car
# runs on in American English and the home's gas elsewhere (UK, Europe, India's LPG; petrol, benzina, essence... are
# the car's); "courses" are the groceries in French and lessons in English.
CAR_GAS_CURRENCIES = frozenset({"USD", "CAD"})
GROCERY_COURSES_CURRENCIES = frozenset({"EUR"})


def _regional(term: str, category: Category, currencies: frozenset[str]) -> Category:
    if term == "gas" and currencies and not currencies & CAR_GAS_CURRENCIES:
        return Category.UTILITIES
    if term == "courses" and currencies & GROCERY_COURSES_CURRENCIES:
        return Category.GROCERIES
    return category


# Exams named by an everyday word: an exam only where the message writes it in capitals ("CAT registration", "GATE
# form"), never a cat, a gate or a set (capitals_in).
EXAMS_IN_CAPITALS = frozenset({"cat", "gate", "mat", "net", "set", "tet", "cet", "xat", "snap", "nata", "act"})


def capitals_in(text: str) -> frozenset[str]:
    """The words `text` writes in capitals (lower-cased), unless it is all capitals ("PETROL 500" shouts)."""
    if not any(char.islower() for char in text):
        return frozenset()
    return frozenset(word.lower() for word in re.findall(r"\b[A-Z]{2,}\b", text))


def categorize(
    text: str,
    *,
    guess_misspellings: bool = True,
    currencies: frozenset[str] = frozenset(),
    capitals: frozenset[str] = frozenset(),
) -> Category | None:
    """The category a text's merchants and keywords point to, or None when nothing is recognised.

    Strong terms (merchants, things bought) outweigh context words; on a tie the earliest term wins. `currencies`:
    the message's, which decide the words whose meaning is regional ("gas", "courses"); none known, "gas" is fuel.
    `capitals`: the words the message wrote in capitals (capitals_in), for the exams named by everyday words.
    """
    scores: dict[Category, float] = {}
    first_seen: dict[Category, int] = {}
    known: set[str] = set()
    lowered = text.lower()
    for exam in capitals & EXAMS_IN_CAPITALS:
        if (found := re.search(rf"(?<![a-z]){exam}(?![a-z])", lowered)) is not None:
            scores[Category.EDUCATION] = scores.get(Category.EDUCATION, 0) + STRONG_WEIGHT
            first_seen[Category.EDUCATION] = min(first_seen.get(Category.EDUCATION, found.start()), found.start())
            known.add(exam)
    for match in lexicon_matches(lowered):
        category, weight = LEXICON_WEIGHTS[match.term]
        category = _regional(match.term, category, currencies)
        scores[category] = scores.get(category, 0) + weight
        first_seen.setdefault(category, match.start)
        known.update(FUZZY_WORD.findall(match.text))
    if guess_misspellings:
        # A word the lexicon does not know may be a misspelt merchant or thing bought ("ubr", "amazn", "swigy").
        guess = fuzzy_guess(text, frozenset(known))
        if guess is not None:  # counts as the term spelt right: "insurence" decides as "insurance" would
            term, where = guess
            misspelt, weight = LEXICON_WEIGHTS[term]
            scores[misspelt] = scores.get(misspelt, 0) + weight
            first_seen[misspelt] = min(first_seen.get(misspelt, where), where)
    if not scores:
        return None
    return max(scores, key=lambda c: (scores[c], -first_seen[c]))


def _description(segment: str, amount: _Candidate, spelling: dict[str, str]) -> str:
    """What was bought, without the amount and filler words, in the user's own spelling."""
    text = segment[: amount.start] + " " + segment[amount.end :]
    text = re.sub(rf"(?:{SYMBOL})|/-", " ", text)
    text = FILLER.sub(" ", text)
    text = re.sub(r"[^\w&'.\-/ ]+", " ", text)
    words = [spelling.get(word, word) for word in re.sub(r"\s+", " ", text).strip(" -.,/").split(" ") if word]
    text = " ".join(words)[:120]
    return text[:1].upper() + text[1:] if text else ""


def _spellings(original: str) -> dict[str, str]:
    """Lower-case word -> how the user wrote it first ("walmart" -> "Walmart", "ai" -> "AI")."""
    spelling: dict[str, str] = {}
    for word in re.findall(r"[\w&'.\-/]+", original):
        spelling.setdefault(word.lower(), word)
    return spelling


PRICE_TOKEN = re.compile(rf"(?P<marker>(?:{SYMBOL}))?(?P<num>{NUMBER})(?P<scale>k)?(?P<after>(?:{SYMBOL}|/-)?)")


def _marked(token: re.Match[str]) -> bool:
    return bool(token.group("marker") or token.group("after"))


def _foreign_and(piece: str) -> list[str]:
    """Split on another language's "and" only where what comes before it (since the last split) and all that
    follows it hold a number: "iberia 142 € y hotel en sevilla 96 €" is two, "vitamin e 300" one."""
    parts = FOREIGN_AND.split(piece)  # text, joining word, text, ...
    pieces: list[str] = []
    current = parts[0]
    for index in range(1, len(parts), 2):
        word, following = parts[index], parts[index + 1]
        if re.search(r"\d", current) and re.search(r"\d", "".join(parts[index + 1 :])):
            pieces.append(current.strip())
            current = following
        else:
            current = f"{current} {word} {following}"
    return [*pieces, current.strip()] if current.strip() else pieces


def _comparable(left: re.Match[str], right: re.Match[str]) -> bool:
    """Two numbers that could both be prices of one message: the left one no year, and within a factor of 5 —
    of 10 when either is written as a price ("22k", "1,980": "rent 22k maintenance 3k"), not as a model's number
    ("air max 270 shoes 50")."""
    a, b = (_token_value(token) for token in (left, right))
    if a is None or b is None or a <= 0 or b <= 0:
        return False
    if re.fullmatch(r"(?:19|20)\d\d", left.group("num")):
        return False
    written_as_price = any(token.group("scale") or re.search(r"[.,]", token.group("num")) for token in (left, right))
    return max(a, b) / min(a, b) <= (10 if written_as_price else 5)


def _token_value(token: re.Match[str]) -> Decimal | None:
    value = _to_decimal(token.group("num"), currency=None)
    return None if value is None else value * (1000 if token.group("scale") else 1)


def _names_something(text: str) -> bool:
    """Whether `text` holds a merchant or a thing bought (a strong lexicon term)."""
    return any(LEXICON_WEIGHTS[m.term][1] >= STRONG_WEIGHT for m in lexicon_matches(text.lower()))


def _split_items(piece: str) -> list[str]:
    """Two priced items with nothing between them ("movie 400 popcorn 250"): split after a number that follows
    words when words and another number come next — not after an id ("train 12951 ticket 1800") nor before
    the number's own currency or unit ("400 rs", "2 kg")."""
    tokens = piece.split(" ")
    parts: list[str] = []
    start = 0
    for i, token in enumerate(tokens[:-2]):
        priced = PRICE_TOKEN.fullmatch(token)
        if not priced or not any(re.search(r"[a-z]", t) for t in tokens[start:i]):
            continue
        if not _marked(priced) and re.fullmatch(r"\d", priced.group("num")):
            continue  # "starbucks 2 lattes 580": a single digit before an item is how many
        rest = tokens[i + 1 :]
        words = 0
        while words < len(rest) and re.fullmatch(r"[a-z][a-z'&+.-]*", rest[words]):
            words += 1
        if not words or words == len(rest) or not re.search(r"\d", rest[words]):
            continue
        before, after = " ".join(tokens[start:i]), " " + " ".join(rest)
        right = PRICE_TOKEN.fullmatch(rest[words])
        if right is None:
            continue  # "2 tickets 9pm show": a time, not a price
        if not _marked(priced) and _marked(right):
            continue  # "amtrak 171 to nyc $89": the number with the currency is the price
        if not _marked(priced) and not _comparable(priced, right):
            continue  # "office 365 subscription 6000", "batch 2024 fees 5000": a model, a year, a size
        if (
            ID_BEFORE.search(before[-16:] + " ")
            or UNIT_AFTER.match(after)
            or re.match(rf"^\s*(?:{CURRENCY_WORD})\b", after)
        ):
            continue
        parts.append(" ".join(tokens[start : i + 1]))
        start = i + 1
    parts.append(" ".join(tokens[start:]))
    return parts


# Numbers that are never a price: days of the month and clock times ("concert on june 21st, tickets $120").
NOT_A_PRICE = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)\b|\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b")


def _pieces(text: str) -> list[tuple[str, str]]:
    """The pieces of `text` split on 'and', commas, semicolons..., each with what joined it to the one before
    (" and ", ", ", or " " where nothing was written between two priced items)."""
    pieces: list[tuple[str, str]] = []
    joint = " "
    for index, part in enumerate(SPLIT_KEEPING.split(text)):
        if index % 2:
            word = part.strip()
            joint = f" {word} " if word.isalpha() or word in "&+" else f"{word} " if word else " "
            continue
        if not part.strip():
            continue
        for k, item in enumerate(i for piece in _foreign_and(part.strip()) for i in _split_items(piece)):
            pieces.append((item, joint if k == 0 else " "))
    return pieces


def _segments(text: str) -> list[str]:
    """Split on 'and', commas, semicolons...; a piece with no number (but a date or a time) joins the next one,
    with the word that joined them ("fish and chips £14" stays one)."""
    pieces = _pieces(text)
    merged: list[str] = []
    carry, carry_joint = "", " "
    for index, (piece, joint) in enumerate(pieces):
        combined = f"{carry}{joint}{piece}".strip() if carry else piece
        priced = (
            re.search(r"\d", NOT_A_PRICE.sub(" ", combined))
            or WORD_NUMBER.search(combined)
            or SLANG_AMOUNT.search(combined)  # "taxi home a tenner"
        )
        following = pieces[index + 1][0] if index + 1 < len(pieces) else ""
        if priced or (re.search(r"\d", combined) and _names_something(following)):
            merged.append(combined)
            carry = ""
        else:
            carry, carry_joint = combined, carry_joint if carry else joint
    if carry:
        if merged:
            merged[-1] = f"{merged[-1]}{carry_joint}{carry}"
        else:
            merged.append(carry)
    return merged


class OfflineParser:
    """Reads amounts, currencies, relative dates and categories with rules and a lexicon."""

    name = "offline"

    def parse(
        self, text: str, *, currency: str, zone: ZoneInfo, now: datetime, categories: Sequence[str] = ()
    ) -> list[ParsedExpense]:
        del categories  # it files into the defaults; the worker maps them onto the user's (finsight.categories)
        cleaned = re.sub(r"\s+", " ", text.strip().lower())
        spelling = _spellings(text)
        if not cleaned:
            raise UnparseableTextError(
                "The message is empty. Type what you spent, e.g. 'coffee 4.50'.", parser=self.name
            )
        without_date, dated = _dated_segments(cleaned)
        text_currency = _currency_in(without_date)
        capitals = capitals_in(text)
        whole_category = categorize(without_date, currencies=frozenset({text_currency or currency}), capitals=capitals)
        expenses: list[ParsedExpense] = []
        too_large = False
        for days, segment in dated:
            when = _expense_time(days, zone, now)
            amount = _pick(_candidates(segment, text_currency or currency))
            if amount is None:
                continue
            if amount.amount > MAX_AMOUNT:  # checked before rounding: 10**30 cannot be rounded to cents
                too_large = True
                continue
            value = amount.amount.quantize(CENTS)
            if value <= 0:
                continue
            currencies = frozenset({currency, amount.currency or text_currency or currency})
            category = categorize(segment, currencies=currencies, capitals=capitals) or whole_category or Category.OTHER
            description = _description(segment, amount, spelling) or category.value
            expenses.append(
                ParsedExpense(
                    amount=value,
                    currency=amount.currency or text_currency or currency,
                    category=category,
                    description=description,
                    date=when,
                    parser=self.name,
                )
            )
        if not expenses and too_large:
            raise UnparseableTextError(
                f"That amount is more than {MAX_AMOUNT:,}, the most one expense can be. Check the number, "
                "or add it in parts.",
                parser=self.name,
            )
        if not expenses:
            raise UnparseableTextError(
                "We couldn't find an amount in your message. Include what you paid, e.g. 'lunch 250' or 'taxi $12'.",
                parser=self.name,
            )
        return expenses


def _currency_in(text: str) -> str | None:
    for symbol, code in SYMBOLS.items():
        if symbol in text:
            return code
    match = re.search(rf"(?<![^\W\d_])({CURRENCY_WORD})(?![^\W\d_])|/-", text)  # letters of any script around: a word
    if match:
        return WORDS.get(match.group(1) or "/-")
    return None


def _expense_time(days: int, zone: ZoneInfo, now: datetime) -> datetime:
    """Now when the text names no day; otherwise noon of that local day."""
    if days == 0:
        return now.astimezone(UTC).replace(microsecond=0)
    day = now.astimezone(zone).date() - timedelta(days=days)
    return datetime.combine(day, time(12), zone).astimezone(UTC)

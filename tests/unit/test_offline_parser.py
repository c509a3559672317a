"""The offline parser: amounts in every usual form, distractor numbers, currencies, dates, categories."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from finsight.ai_entry.parsing import UnparseableTextError, lexicon
from finsight.ai_entry.parsing.offline import OfflineParser, categorize, lexicon_matches
from finsight.transactions.categories import Category

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 15:30 in India
KOLKATA = ZoneInfo("Asia/Kolkata")
PARSER = OfflineParser()


def parse(text: str, currency: str = "INR", zone: ZoneInfo = KOLKATA, now: datetime = NOW) -> list[tuple[str, ...]]:
    return [
        (str(e.amount), e.currency, str(e.category), e.description)
        for e in PARSER.parse(text, currency=currency, zone=zone, now=now)
    ]


@pytest.mark.parametrize(
    ("text", "currency", "amount", "expected_currency"),
    [
        ("coffee 45.50", "USD", "45.50", "USD"),
        ("$45.50 at target", "INR", "45.50", "USD"),
        ("₹ 99/- recharge", "USD", "99.00", "INR"),
        ("mobile recharge 99/-", "USD", "99.00", "INR"),
        ("Rs.1,20,000 rent", "INR", "120000.00", "INR"),
        ("2,499 shoes", "INR", "2499.00", "INR"),
        ("1.5k dinner", "INR", "1500.00", "INR"),
        ("12,50 € lunch", "EUR", "12.50", "EUR"),
        ("€12.50 lunch", "INR", "12.50", "EUR"),
        ("twelve dollars taxi", "INR", "12.00", "USD"),
        ("five hundred rupees gift", "USD", "500.00", "INR"),
        ("20 bucks beer", "USD", "20.00", "USD"),
        ("£8 sandwich", "GBP", "8.00", "GBP"),
        ("INR 300 auto", "USD", "300.00", "INR"),
        ("laptop 1.2 lakh", "INR", "120000.00", "INR"),
        ("London: Pret 6,80 £", "EUR", "6.80", "GBP"),  # two digits after a comma: decimals, whatever the currency
        ("Miete 1.150 €", "EUR", "1150.00", "EUR"),  # a dot before three digits, in euros: thousands
    ],
)
def test_amount_and_currency_in_every_usual_form(text: str, currency: str, amount: str, expected_currency: str) -> None:
    [(got_amount, got_currency, _, _)] = parse(text, currency)
    assert (got_amount, got_currency) == (amount, expected_currency)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("2 coffees for 9", "9.00"),
        ("3 kg onions 120", "120.00"),
        ("5kg rice 400", "400.00"),
        ("2L milk 60", "60.00"),
        ("flight AI 302 6500", "6500.00"),
        ("flight 6E-2134 4200", "4200.00"),
        ("train 12951 ticket 1800", "1800.00"),
        ("movie at 7pm 500", "500.00"),
        ("10% off, paid 900 for jeans", "900.00"),
        ("iphone 15 case 999", "999.00"),
        ("seat 4 bus 350", "350.00"),
        ("pixel 8 $699", "699.00"),
        ("macbook m3 rs.1,49,900", "149900.00"),
        ("sony wh 5 €349", "349.00"),
        ("bus route 42 Rs 25", "25.00"),
    ],
)
def test_numbers_that_are_not_the_amount_are_ignored(text: str, amount: str) -> None:
    assert [row[0] for row in parse(text)] == [amount]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("swiggy order 450", Category.FOOD_AND_DINING),
        ("uber eats 25", Category.FOOD_AND_DINING),
        ("knicks game 120", Category.ENTERTAINMENT),  # a team with tickets, game or match: not a trip
        ("Arsenal tickets 65", Category.ENTERTAINMENT),
        ("Manali package 18k", Category.TRAVEL),  # a package with nothing else said is a holiday
        ("Sheetz gas 39.87", Category.TRANSPORTATION),  # a fuel station's gas: fuel, though it sells food
        ("chaabi wala ne lock khola 250", Category.HOUSING),
        ("uber to office 230", Category.TRANSPORTATION),
        ("petrol 2000", Category.TRANSPORTATION),
        ("blinkit 640", Category.GROCERIES),
        ("Bought groceries from Walmart for $45.50", Category.GROCERIES),
        ("airtel broadband 1178", Category.UTILITIES),
        ("electricity bill 1850", Category.UTILITIES),
        ("house rent 22000", Category.HOUSING),
        ("myntra kurta 1299", Category.SHOPPING),
        ("netflix 649", Category.ENTERTAINMENT),
        ("apollo pharmacy 320", Category.HEALTH_AND_WELLNESS),
        ("gym membership 1500", Category.HEALTH_AND_WELLNESS),
        ("credit card annual fee 499", Category.BILLS_AND_FEES),
        ("irctc 1800", Category.TRAVEL),
        ("hotel in goa 5600", Category.TRAVEL),
        ("udemy course 455", Category.EDUCATION),
        ("school fees 12000", Category.EDUCATION),
        ("haircut 300", Category.OTHER),
        ("something odd 300", Category.OTHER),
    ],
)
def test_category_from_merchants_and_keywords(text: str, category: Category) -> None:
    [(_, _, got, _)] = parse(text)
    assert got == category.value


def test_several_expenses_in_one_message_in_order() -> None:
    assert parse("coffee 4.50 and uber 12", "USD") == [
        ("4.50", "USD", "Food & Dining", "Coffee"),
        ("12.00", "USD", "Transportation", "Uber"),
    ]
    assert [row[0] for row in parse("lunch 250, auto 60; chai 20")] == ["250.00", "60.00", "20.00"]


def test_words_without_a_number_stay_with_their_expense() -> None:
    assert parse("bread and butter 40") == [("40.00", "INR", "Groceries", "Bread and butter")]
    # joined with the word between them, so a dish named with "and" is still the dish
    assert parse("fish and chips à Londres £14", "GBP") == [
        ("14.00", "GBP", "Food & Dining", "Fish and chips à Londres")
    ]


def test_a_misspelt_term_counts_beside_terms_spelt_right() -> None:
    # "pharmcy" (pharmacy) outweighs the fuel brand "BP" the blood-pressure tablets were mistaken for
    assert parse("Apollo pharmcy BP tablets 640")[0][2] == "Health & Wellness"
    # a word the lexicon matched as part of a term is never taken for a misspelling ("lowe" of "lowe's")
    assert parse("Lowe's box fan 39.98", "USD")[0][2] == "Shopping"
    # "courses" at a supermarket are the groceries (French); alone they are lessons
    assert parse("courses chez Carrefour 72,35 €", "EUR")[0][2] == "Groceries"
    assert parse("online courses 2000")[0][2] == "Education"
    # everyday words are no misspelt merchant ("late" is not "latte")
    assert parse("late payment charge on HDFC card 700")[0][2] == "Bills & Fees"


def test_description_is_short_clean_and_keeps_the_users_spelling() -> None:
    [(_, _, _, description)] = parse("Bought groceries from Walmart for $45.50", "USD")
    assert description == "Groceries from Walmart"
    [(_, _, _, flight)] = parse("flight AI 302 6500")
    assert flight == "Flight AI 302"


@pytest.mark.parametrize(
    ("text", "local_day"),
    [
        ("chai 20", "2026-11-23"),
        ("chai 20 today", "2026-11-23"),
        ("chai 20 yesterday", "2026-11-22"),
        ("chai 20 day before yesterday", "2026-11-21"),
        ("chai 20 3 days ago", "2026-11-20"),
        ("chai 20 two days ago", "2026-11-21"),
        ("chai 20 last week", "2026-11-16"),
    ],
)
def test_relative_dates_are_days_in_the_users_time_zone(text: str, local_day: str) -> None:
    [expense] = PARSER.parse(text, currency="INR", zone=KOLKATA, now=NOW)
    assert expense.date.astimezone(KOLKATA).date().isoformat() == local_day
    assert expense.date.tzinfo is not None


def test_yesterday_is_the_users_yesterday_near_midnight() -> None:
    just_after_midnight_in_india = datetime(2026, 11, 22, 18, 45, tzinfo=UTC)  # 00:15 on the 23rd in India
    [expense] = PARSER.parse("dinner 500 yesterday", currency="INR", zone=KOLKATA, now=just_after_midnight_in_india)
    assert expense.date.astimezone(KOLKATA).date().isoformat() == "2026-11-22"
    [in_new_york] = PARSER.parse(
        "dinner 500 yesterday", currency="USD", zone=ZoneInfo("America/New_York"), now=just_after_midnight_in_india
    )
    assert in_new_york.date.astimezone(ZoneInfo("America/New_York")).date().isoformat() == "2026-11-21"


@pytest.mark.parametrize("text", ["", "   ", "had coffee with friends", "no amount here", "0", "coffee 0.00"])
def test_text_without_an_amount_is_unparseable_with_a_readable_reason(text: str) -> None:
    with pytest.raises(UnparseableTextError) as raised:
        PARSER.parse(text, currency="INR", zone=KOLKATA, now=NOW)
    assert raised.value.reason.endswith(".")
    assert "amount" in raised.value.reason or "empty" in raised.value.reason


def test_amounts_over_the_limit_are_not_taken() -> None:
    with pytest.raises(UnparseableTextError):
        PARSER.parse("yacht 20000000", currency="INR", zone=KOLKATA, now=NOW)


def test_amounts_are_rounded_to_cents_exactly() -> None:
    [expense] = PARSER.parse("tea 0.10", currency="USD", zone=KOLKATA, now=NOW)
    assert expense.amount == Decimal("0.10")


def test_categorize_prefers_merchants_over_context_words() -> None:
    assert categorize("uber to airport") == Category.TRANSPORTATION
    assert categorize("nothing known here") is None


def test_merchant_terms_lists_the_strongest_first() -> None:
    from finsight.ai_entry.parsing.offline import merchant_terms

    assert merchant_terms("Starbucks latte at the airport") == ["starbucks", "latte", "airport"]
    assert merchant_terms("zxqv thing") == []


def test_a_model_number_before_a_price_is_not_a_price() -> None:
    assert [(a, c) for a, _, c, _ in parse("nike air max 90 shoes 8999")] == [("8999.00", "Shopping")]
    assert [(a, c) for a, _, c, _ in parse("nike air max 270 shoes 50", "USD")] == [("50.00", "Shopping")]


def test_a_day_of_the_month_or_a_time_is_no_price_of_its_own_piece() -> None:
    assert [(a, c) for a, _, c, _ in parse("concert on june 21st, tickets $120", "USD")] == [
        ("120.00", "Entertainment")
    ]
    assert [(a, c) for a, _, c, _ in parse("dinner reservation at 8pm, bill $64.20", "USD")] == [
        ("64.20", "Food & Dining")
    ]
    # but a date piece stays apart from a next piece that names what it is
    assert [(a, c) for a, _, c, _ in parse("paid rent on 1st, groceries 40", "USD")] == [("40.00", "Groceries")]
    assert [a for a, _, _, _ in parse("paid the hotel 1.150.", "EUR")] == ["1150.00"]
    assert [a for a, _, _, _ in parse("coffee 0.250", "EUR")] == ["0.25"]


def _days(text: str) -> list[str]:
    return [
        e.date.astimezone(KOLKATA).date().isoformat() for e in PARSER.parse(text, currency="INR", zone=KOLKATA, now=NOW)
    ]


def test_one_date_is_the_whole_messages_and_dates_of_their_own_are_each_expenses() -> None:
    assert _days("uber to airport 750 and chai 20 yesterday") == ["2026-11-22", "2026-11-22"]
    assert _days("yesterday: cab 240, lunch 180") == ["2026-11-22", "2026-11-22"]
    assert _days("cab 180 today, auto 60 yesterday") == ["2026-11-23", "2026-11-22"]
    assert _days("dentist 3,500, 4 days ago and pharmacy 200 yesterday") == ["2026-11-19", "2026-11-22"]


@pytest.mark.parametrize(
    ("text", "currency", "category"),
    [
        ("gas 40", "USD", "Transportation"),  # American English: the car's
        ("gas 40", "GBP", "Utilities"),  # elsewhere: the home's (petrol is the car's)
        ("bolletta luce 84 € e gas 61 €", "EUR", "Utilities"),
        ("gas cylinder 1100", "INR", "Utilities"),
        ("Piedmont Natural Gas autopay 58.40", "USD", "Utilities"),
        ("3 days ago paid a wrong-parking challan of ₹750", "INR", "Bills & Fees"),  # the fine, not the parking
        ("no helmet challan 500", "INR", "Bills & Fees"),
        ("tickets 84", "USD", "Entertainment"),  # a journey's ticket names the train, bus or flight
        ("train tickets 84", "USD", "Travel"),
        ("renewed my passport, 130 bucks", "USD", "Bills & Fees"),
        ("council tax 172 and water 39", "GBP", "Utilities"),
        ("water bottle 20", "INR", "Shopping"),
        ("dog ka naya collar aur leash 650", "INR", "Shopping"),
        # a misspelt term counts as one spelt right, and the earlier one decides a tie
        ("dentst cleaning 1,200", "INR", "Health & Wellness"),
        ("recharg 239 for mummy's phone", "INR", "Utilities"),
        ("plumer came for the water heater $375", "USD", "Housing"),
        ("shaadi shagun 1100", "INR", "Other"),  # everyday Hindi is no misspelling
        ("mall parking 60", "INR", "Transportation"),  # where, not what
        # who or what was paid decides over what it was about
        ("electrician put in a ceiling fan 180", "USD", "Housing"),
        ("food bank donation 50", "USD", "Other"),
        ("Sheetz 47.85 gas", "USD", "Transportation"),  # a fuel station that is also a deli
        ("sheetz hoagie 8", "USD", "Food & Dining"),
        ("fine dining at the taj 5000", "INR", "Food & Dining"),  # no fine
    ],
)
def test_categories_that_depend_on_where_and_what_was_paid_for(text: str, currency: str, category: str) -> None:
    assert parse(text, currency)[-1][2] == category


@pytest.mark.parametrize(
    ("text", "code"), [("tuk tuk 200 baht", "THB"), ("tacos 240 pesos", "MXN"), ("fondue 45 francs", "CHF")]
)
def test_more_currencies_said_in_words(text: str, code: str) -> None:
    assert parse(text, "USD")[0][1] == code


def test_two_priced_items_with_nothing_between_them_are_two() -> None:
    assert [e[0] for e in parse("rent 22k maintenance 3k")] == ["22000.00", "3000.00"]
    assert [e[0] for e in parse("electricity 1,980 water 260 broadband 799")] == ["1980.00", "260.00", "799.00"]
    assert [e[0] for e in parse("office 365 subscription 6000")] == ["6000.00"]  # a product's number


def test_a_currency_word_is_a_whole_word_in_any_script() -> None:
    assert parse("Vignette fürs Auto 96,40", "EUR")[0][:2] == ("96.40", "EUR")  # "rs" of "fürs" is no rupee


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("uber eats 300 and uber 200", [("uber eats", "uber eats", 0), ("uber", "uber", 18)]),  # the longest term
        ("two lattes", [("latte", "lattes", 4)]),  # a plural "s"
        ("gases", [("gas", "gases", 0)]),  # or "es"
        ("superuber 20", []),  # whole words only
        ("uber1 20", []),
        ("h&m jeans", [("h&m", "h&m", 0), ("jeans", "jeans", 4)]),  # terms with signs in them
        ("mr. rooter 300", [("mr. rooter", "mr. rooter", 0)]),
    ],
)
def test_the_lexicon_finds_whole_terms_longest_first(text: str, found: list[tuple[str, str, int]]) -> None:
    assert [(match.term, match.text, match.start) for match in lexicon_matches(text)] == found


def test_the_lexicon_names_each_category_once_per_table_and_each_term_under_one_category() -> None:
    """A category written twice in one dict literal silently drops the first tuple (Python keeps the last)."""
    tree = ast.parse(Path(lexicon.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [ast.unparse(key) for key in node.keys if key is not None]
            assert len(keys) == len(set(keys)), sorted(key for key in keys if keys.count(key) > 1)
    owners: dict[str, set[str]] = {}
    for table in (lexicon.STRONG, lexicon.CONTEXT):
        for category, terms in table.items():
            for term in terms:
                owners.setdefault(term, set()).add(category.value)
    assert {term: cats for term, cats in owners.items() if len(cats) > 1} == {}


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        # another language's "and" splits where what precedes it and all that follows hold a number
        ("Iberia 142 € y hotel en Sevilla 96 €", "EUR", [("142.00", "Travel"), ("96.00", "Travel")]),
        ("Prisma 34,50 € ja Neste tankkaus 48 €", "EUR", [("34.50", "Groceries"), ("48.00", "Transportation")]),
        ("vitamin e 300", "INR", [("300.00", "Health & Wellness")]),
        # a slang amount prices its own piece
        (
            "applegreen diesel 70 and a fiver for the car wash",
            "EUR",
            [("70.00", "Transportation"), ("5.00", "Transportation")],
        ),
        ("pint and a burger 16, taxi home a tenner", "GBP", [("16.00", "Food & Dining"), ("10.00", "Transportation")]),
        # accents are optional
        ("jantar 32 € e táxi 9,40 €", "EUR", [("32.00", "Food & Dining"), ("9.40", "Transportation")]),
        ("Bäckerei 6,40", "EUR", [("6.40", "Food & Dining")]),
        ("Backerei 6,40", "EUR", [("6.40", "Food & Dining")]),
        # "courses" are groceries in French (a euro user), lessons elsewhere
        ("courses Monoprix 27,80 €", "EUR", [("27.80", "Groceries")]),
        ("online courses 3,000", "INR", [("3000.00", "Education")]),
        # a misspelt term decides as the term spelt right would: insurance over what it insures
        ("scooty insurence 1,250", "INR", [("1250.00", "Bills & Fees")]),
        ("pet insurrance 29", "GBP", [("29.00", "Bills & Fees")]),
        # a pet store, a bookstore or a DIY store gives way to what was bought there
        ("PetSmart cat toys 17.48", "USD", [("17.48", "Shopping")]),
        ("barnes and noble chem textbook 142", "USD", [("142.00", "Education")]),
        ("home depot patio chairs 129", "USD", [("129.00", "Shopping")]),
        ("home depot 84", "USD", [("84.00", "Housing")]),
        # an exam named by an everyday word, written in capitals
        ("CAT registration done, paid 2,500", "INR", [("2500.00", "Education")]),
        ("GATE form bhara, fee 1800", "INR", [("1800.00", "Education")]),
        # tickets only hint: an airline's are a journey
        ("southwest tickets for the two of us 398", "USD", [("398.00", "Travel")]),
        ("ferry to Naxos 56 €", "EUR", [("56.00", "Travel")]),
    ],
)
def test_the_rules_the_seventh_blind_corpus_showed(text: str, currency: str, expected: list[tuple[str, str]]) -> None:
    assert [(amount, category) for amount, _, category, _ in parse(text, currency)] == expected


@pytest.mark.parametrize("text", ["cat registration 25", "CAT FOOD 300", "paid 4,000 for the new gate"])
def test_an_everyday_word_in_lower_case_or_a_shouted_message_is_no_exam(text: str) -> None:
    assert [category for _, _, category, _ in parse(text)] != ["Education"]

"""A statement's expenses as transactions: categorised like AI entries (the user's learned corrections first,
then the offline parser's lexicon), written in batches, never twice.

Each row gets a fingerprint of the user, its date, amount, currency and normalised description, plus how many
identical rows came before it in the same file (so genuine same-day twins both stay). The transaction's `_id`
is derived from the fingerprint: importing the same file again, an overlapping statement, an S3 event
delivered twice or a run resumed after a crash writes nothing twice, whatever runs at the same time.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from pymongo.database import Database
from pymongo.errors import BulkWriteError

from finsight.ai_entry.memory import learned_categories
from finsight.ai_entry.parsing.offline import categorize, merchant_terms
from finsight.categories.repository import catalogue_of
from finsight.imports.ai_categories import FALLBACK
from finsight.imports.statement import Statement, StatementRow
from finsight.platform.currencies import is_currency
from finsight.platform.db import Document
from finsight.platform.ids import derived_object_id
from finsight.platform.money import to_minor_units
from finsight.rules.engine import file_by_rules
from finsight.transactions.categories import Category
from finsight.transactions.models import MAX_AMOUNT, description_from
from finsight.transactions.service import EARLIEST, FUTURE_ALLOWANCE

BATCH = 500
DUPLICATE_KEY = 11000
CENT = Decimal("0.01")


def normalised(description: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", description.lower()).split())


@dataclass(frozen=True)
class Outcome:
    imported: int
    duplicate: int
    invalid: list[tuple[int, str]]


def _categories(database: Database[Document], user_id: str, rows: list[StatementRow]) -> list[tuple[str, str]]:
    """Each row's category (the user's) and what filed it: the file's category column when it names one of theirs,
    then learned corrections (one lookup for the whole file), then the user's own category names and the lexicon,
    else their Other as a fallback (which Gemini may re-file, `imports.ai_categories`)."""
    catalogue = catalogue_of(database, user_id)
    learned = learned_categories(database, user_id, [merchant_terms(row.description) for row in rows])
    filed: list[tuple[str, str]] = []
    for row, remembered in zip(rows, learned, strict=True):
        named = catalogue.resolve(row.category) if row.category else None
        if named is not None:  # the file says which of the user's categories (their own export, a bank's column)
            filed.append((named, "file"))
            continue
        if remembered is not None:
            filed.append((remembered, "learned"))
            continue
        found = categorize(row.description, guess_misspellings=False)  # a guess is no filing: Gemini decides
        category = catalogue.file_guess(found or Category.OTHER, row.description)
        filed.append(
            (category, "lexicon") if found is not None or category != catalogue.other() else (category, FALLBACK)
        )
    return filed


def _check(row: StatementRow, currency: str, zone: ZoneInfo, now: datetime) -> tuple[Document | None, str | None]:
    """The row's fields as stored, or why it cannot be."""
    if -row.amount > MAX_AMOUNT:  # before rounding: a 30-digit amount cannot be quantized
        return None, f"the amount is over {MAX_AMOUNT:,}"
    amount = (-row.amount).quantize(CENT, ROUND_HALF_UP)
    if amount <= 0:
        return None, "the amount rounds to zero"
    moment = datetime.combine(row.date, time(12), zone).astimezone(UTC)
    if moment < EARLIEST or moment > now + FUTURE_ALLOWANCE:
        return None, "the date is before 2000 or in the future"
    code = (row.currency or currency).upper()
    if not is_currency(code):
        return None, f"unknown currency {code!r}"
    return {"amount_minor": to_minor_units(amount), "currency": code, "date": moment}, None


def write_expenses(
    database: Database[Document],
    *,
    user_id: str,
    import_id: str,
    statement: Statement,
    currency: str,
    zone: ZoneInfo,
    now: datetime | None = None,
) -> Outcome:
    """Store the statement's expenses (money out) once each; what was new, what was there already, and the rows
    that could not be stored with their reasons."""
    moment = now or datetime.now(UTC)
    expenses = statement.expenses
    categories = _categories(database, user_id, expenses)
    seen: Counter[str] = Counter()
    docs: list[Document] = []
    invalid: list[tuple[int, str]] = []
    for row, (category, filed_by) in zip(expenses, categories, strict=True):
        fields, reason = _check(row, statement.currency or currency, zone, moment)
        if fields is None:
            invalid.append((row.line, str(reason)))
            continue
        description = description_from(row.description)
        same = f"{row.date.isoformat()}|{fields['amount_minor']}|{fields['currency']}|{normalised(description)}"
        occurrence = seen[same]
        seen[same] += 1
        fingerprint = hashlib.sha256(f"{user_id}|{same}|{occurrence}".encode()).hexdigest()
        docs.append(
            {
                "_id": derived_object_id(f"import:{user_id}:{fingerprint}"),
                "user_id": user_id,
                **fields,
                "category": category,
                "category_source": filed_by,
                "description": description,
                "status": "completed",
                "mode": "manual",
                "source": "import",
                "import_id": import_id,
                "import_fingerprint": fingerprint,
                **({"tags": list(row.tags)} if row.tags else {}),
                **({"notes": row.notes} if row.notes else {}),
                "created_at": moment,
                "updated_at": moment,
            }
        )
    file_by_rules(database, user_id, docs)  # the user's rules win over the lexicon and memory (a rule-filed row
    # is no fallback row: Gemini never re-files it)
    transactions = database["transactions"]
    for start in range(0, len(docs), BATCH):
        try:
            transactions.insert_many(docs[start : start + BATCH], ordered=False)
        except BulkWriteError as exc:
            if any(error.get("code") != DUPLICATE_KEY for error in exc.details.get("writeErrors", [])):
                raise
    # This import's rows (its own, whichever run of it wrote them); the others were there before it.
    mine = transactions.count_documents({"user_id": user_id, "import_id": import_id}) if docs else 0
    return Outcome(imported=mine, duplicate=len(docs) - mine, invalid=invalid)

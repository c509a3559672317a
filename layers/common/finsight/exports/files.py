"""What an export file holds. CSV: one row per transaction — ISO date (the user's zone), one signed amount
(negative is money out, as bank exports and other trackers write it), currency, category, description,
source, tags (comma-separated), notes — in UTF-8 with a BOM so spreadsheet apps read it right, and no cell a
spreadsheet would run as a formula. JSON: everything the user owns, for taking it elsewhere."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from finsight.platform.db import Document

CSV_HEADER = ["Date", "Amount", "Currency", "Category", "Description", "Source", "Tags", "Notes"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A text cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe (OWASP)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _local_date(moment: datetime, zone: ZoneInfo) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone).date().isoformat()


def _amount(minor: int) -> str:
    return str((Decimal(-minor) / 100).quantize(Decimal("0.01")))


def transactions_csv(docs: Iterable[Document], zone: ZoneInfo) -> tuple[bytes, int]:
    """The CSV file and how many rows it holds."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    rows = 0
    for doc in docs:
        writer.writerow(
            [
                _local_date(doc["date"], zone),
                _amount(doc["amount_minor"]),
                doc["currency"],
                safe_cell(doc["category"]),
                safe_cell(doc.get("description") or ""),
                doc.get("source") or doc.get("mode") or "manual",
                safe_cell(", ".join(doc.get("tags") or [])),
                safe_cell(doc.get("notes") or ""),
            ]
        )
        rows += 1
    return ("\ufeff" + out.getvalue()).encode("utf-8"), rows


def everything_json(
    profile: dict[str, Any],
    transactions: list[dict[str, Any]],
    budgets: list[dict[str, Any]],
    learned: list[dict[str, Any]],
) -> bytes:
    document = {
        "format": "finsight-export",
        "version": 1,
        "exported_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "profile": profile,
        "transactions": transactions,
        "budgets": budgets,
        "learned_categories": learned,
    }
    return json.dumps(document, ensure_ascii=False, indent=1, default=str).encode("utf-8")

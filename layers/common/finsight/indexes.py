"""Every MongoDB index the application relies on, declared in one place, and the one way to apply them.

Applied at deploy time with `make indexes` (this module's `main`) and automatically by the local
gateway. `create_indexes` is idempotent, so applying twice is harmless.
"""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel
from pymongo.database import Database

from finsight.db import Document, get_database

INDEXES: dict[str, list[IndexModel]] = {
    "users": [
        IndexModel([("email", ASCENDING)], name="email_unique", unique=True),
    ],
}


def apply_indexes(database: Database[Document]) -> dict[str, list[str]]:
    """Create every declared index; returns the index names per collection."""
    return {name: database[name].create_indexes(models) for name, models in INDEXES.items()}


def main() -> None:
    """Apply the indexes to the database named by the configuration (MONGODB_URI or its parameter)."""
    for collection, names in apply_indexes(get_database()).items():
        print(f"{collection}: {', '.join(names)}")


if __name__ == "__main__":
    main()

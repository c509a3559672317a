"""`make migrate`: bring stored data up to what the code reads — idempotent, safe to run again.

Today: every category learned from corrections before rules existed becomes a learned rule (`/api/rules`).
Nothing else needs it: tags, notes and splits are new fields that old transactions simply do not have, and
every reader treats a missing one as empty. Needs MONGODB_URI (or MONGODB_URI_PARAMETER with AWS credentials).
"""

from __future__ import annotations

from finsight.platform.db import get_database
from finsight.platform.indexes import apply_indexes
from finsight.rules.service import migrate_learned_categories


def main() -> None:
    database = get_database()
    apply_indexes(database)
    print(f"learned categories as rules: {migrate_learned_categories(database)} (already there: unchanged)")


if __name__ == "__main__":
    main()

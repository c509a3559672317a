"""The original Flask service's figures, shown beside ours.

Production: its README, measured on a DigitalOcean droplet over the network. Same set-up: the original run
on this machine against mongomock with the same data (earlier issues).
"""

from __future__ import annotations

ORIGINAL_PRODUCTION = {
    "GET /api/transactions/categories": "124 ms (production)",
    "POST /api/auth/login": "85 ms (production)",
    "GET /api/transactions": "195-417 ms (production)",
    "GET /api/transactions/summary": "213 ms (production)",
    "POST /api/transactions (AI)": "202, async via Celery (production)",
}
ORIGINAL_SAME_SETUP = {
    "list, first page (50)": "about 26 ms",
    "summary (this month)": "about 22 ms",
    "history (last month)": "about 64 ms",
    "budgets, list of 12": "about 120 ms with 5 budgets",
}

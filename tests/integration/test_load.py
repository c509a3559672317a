"""The short load run of `make test`: 20 concurrent clients, a realistic mix, then the books are checked."""

from __future__ import annotations

import pytest

from dev.load import print_report, run_load
from tests.conftest import Configure
from tests.http_client import ApiClient

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]


@pytest.fixture
def many_signups(configure: Configure) -> None:
    """Every simulated client signs up from 127.0.0.1."""
    configure(REGISTRATIONS_PER_IP="100")


@pytest.mark.usefixtures("many_signups")
def test_twenty_clients_for_five_seconds_lose_nothing(local_api: ApiClient) -> None:
    report, problems, rate = run_load(local_api.base_url, clients=20, seconds=5)
    print_report(report, problems, rate, 20, 5)
    assert report.failures == []
    assert problems == []
    kinds = {name for name, _ in report.statuses}
    assert {"list", "manual", "ai", "budgets", "set_budget", "summary", "login"} <= kinds  # the whole mix ran

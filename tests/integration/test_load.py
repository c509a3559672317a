"""The short load run of `make test`: 20 concurrent clients, a realistic mix, then the books are checked."""

from __future__ import annotations

import pytest

from dev.load import print_report, run_load
from finsight import config
from tests.http_client import ApiClient

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]


def test_twenty_clients_for_five_seconds_lose_nothing(local_api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRATIONS_PER_IP", "100")  # every client signs up from 127.0.0.1
    config.reset_settings()
    report, problems, rate = run_load(local_api.base_url, clients=20, seconds=5)
    print_report(report, problems, rate, 20, 5)
    assert report.failures == []
    assert problems == []
    kinds = {name for name, _ in report.statuses}
    assert {"list", "manual", "ai", "budgets", "set_budget", "summary", "login"} <= kinds  # the whole mix ran
    monkeypatch.undo()
    config.reset_settings()

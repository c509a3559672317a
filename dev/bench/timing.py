"""Warm timing: median and p95 of repeated calls after a warm-up."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_p95(samples: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile (nearest rank, rounded down) of `samples`."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def timed(
    call: Callable[[], Any], iterations: int, warmup: int, prepare: Callable[[], Any] | None = None
) -> tuple[float, float]:
    """Median and p95 (ms) of `iterations` calls after `warmup`; `prepare` runs before each, untimed."""
    samples = []
    for n in range(warmup + iterations):
        if prepare is not None:
            prepare()
        started = time.perf_counter()
        call()
        if n >= warmup:
            samples.append((time.perf_counter() - started) * 1000)
    return median_p95(samples)

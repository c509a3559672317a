"""Every client an execution environment keeps between invocations, in one registry with one reset.

Lambda reuses an execution environment for many invocations, so settings and clients (MongoDB, SQS, SES)
are made once, on first use, and kept. Each is registered here; `reset_all` forgets them all, for the local
gateway and tests, which change the environment between stacks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_RESETS: list[Callable[[], None]] = []


def cached(factory: Callable[[], T]) -> functools._lru_cache_wrapper[T]:
    """`factory`'s result, made on the first call and kept (registered, so `reset_all` forgets it)."""
    wrapper = functools.cache(factory)
    _RESETS.append(wrapper.cache_clear)
    return wrapper


def on_reset(reset: Callable[[], None]) -> None:
    """Register how to forget a client kept some other way (the MongoDB client, which can be replaced)."""
    _RESETS.append(reset)


def reset_all() -> None:
    """Forget every kept setting and client: the next use makes them again from the environment."""
    for reset in _RESETS:
        reset()


def aws_client(service: str, *, read_timeout: int = 5, attempts: int = 2, **config: Any) -> Any:
    """A boto3 client that fails fast (2 s to connect, `read_timeout` to answer, `attempts` tries), traced by
    X-Ray. boto3 is imported here, on first use: it costs ~90 ms of cold start. Wrap the caller in `cached`."""
    import boto3  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    from finsight.platform.observability import trace_calls_of  # noqa: PLC0415

    trace_calls_of("botocore")
    retries = {"max_attempts": attempts, "mode": "standard"}
    return boto3.client(service, config=Config(connect_timeout=2, read_timeout=read_timeout, retries=retries, **config))

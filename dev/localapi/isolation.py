"""Per-event state that Powertools keeps on a class, made per thread for the local stack.

Powertools' event handler stores the event it is resolving, and its Lambda context, on `BaseRouter`
itself (`BaseRouter.current_event = ...` in `resolve()`). In Lambda that is safe: an execution
environment is its own process and runs one event at a time. The local stack runs many environments
in one process, so two requests in flight, even in different functions, would read each other's event
(a request body seen as missing was the symptom). Here those attributes hold one value per thread.
"""

from __future__ import annotations

import threading
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

_PER_EVENT = ("current_event", "lambda_context")
_values = threading.local()


class _PerThread:
    """A data descriptor whose value belongs to the thread that reads or writes it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        try:
            return getattr(_values, self.name)
        except AttributeError:
            raise AttributeError(self.name) from None

    def __set__(self, instance: Any, value: Any) -> None:
        setattr(_values, self.name, value)


def isolate_powertools_events() -> None:
    """Make `BaseRouter.current_event` and `.lambda_context` per thread (once per process)."""
    if isinstance(BaseRouter.__dict__.get(_PER_EVENT[0]), _PerThread):
        return
    for name in _PER_EVENT:  # reads and writes through a resolver or router instance
        setattr(BaseRouter, name, _PerThread(name))
    # Reads and writes on the class itself (`BaseRouter.current_event = ...`) go through its metaclass.
    per_thread_meta = type("PerThreadRouterMeta", (type(BaseRouter),), {n: _PerThread(n) for n in _PER_EVENT})
    # Swapping a class's metaclass: mypy takes `__class__` on a class object for the method of `object`.
    BaseRouter.__class__ = per_thread_meta  # type: ignore[method-assign]

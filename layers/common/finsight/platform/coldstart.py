"""Cold start: no garbage collection while a function's modules load, and what they made frozen after.

Loading a function makes hundreds of thousands of objects that live as long as the execution environment
(modules, classes, pydantic schemas); collecting while they are made only walks them again and again
(10-16 ms of CPU per cold start here). Every function's `app.py` imports this module first; the handler
skeletons (`finsight.http.http_handler`, `finsight.jobs.handlers`) call `loaded()` once the function is
built, which moves everything made so far out of the collector's sight (`gc.freeze()`) and turns it back on.
"""

from __future__ import annotations

import gc

gc.disable()


def loaded() -> None:
    """The function is built: freeze what loading made, and collect garbage normally from now on."""
    gc.freeze()
    gc.enable()

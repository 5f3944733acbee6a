"""Keeping CPython's cycle collector out of a load's way.

The collector's passes are triggered by allocation, and a full pass (generation 2)
walks every tracked object in the process. A load allocates millions of small objects
(column values, lookups) while a large heap lives through it: the extractor's models,
the articles read ahead, their records. One full pass over a load of 100,000 records
held in memory measured 2 s, as long as the rest of the load's Python work, and whether
it came due in a given run was a matter of chance. Two measures, both narrow:

- `collector_paused` around building rows: the objects made there are acyclic, so
  there is nothing for the collector to find;
- `older_objects_frozen` around a load: what existed before the load is set aside from
  the collector's passes (``gc.freeze``) and put back after it, so the passes during
  the load walk only what the load made, and cycles it makes are still collected.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No collector passes within the block (for code that makes no cycles)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def older_objects_frozen() -> Iterator[None]:
    """Objects made before the block are left out of the collector's passes within it.

    Left alone when objects are frozen already: whoever froze them (a server that
    forks, say) decides when they are put back."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()

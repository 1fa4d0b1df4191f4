"""The cached collection of the pages that draw many series (*k-means*, *Your data*):
:func:`explorer.logic.collection.prepare_collection` once per input.
"""

from __future__ import annotations

from explorer.logic.collection import Collection
from explorer.logic.collection import prepare_collection as _prepare

from ..memo import cached

__all__ = [
    "prepare_collection",
]


@cached("collection")
def prepare_collection(series, labels, names, max_series: int,
                       max_length: int) -> Collection:
    """:func:`explorer.logic.collection.prepare_collection` (caps with notes)."""
    return _prepare(series, labels, names, max_series=max_series, max_length=max_length)

"""The collection picker the pages that cluster or classify share (*k-means, live*, *Tune γ*).

A row of widgets, bound to the URL under the page's prefix: the source (a bundled dataset,
the upload of the *Your data* page, or a source of the page's own), then the dataset and its
split. It returns the series with their labels, names and a one-line description.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from explorer import data

from . import sidebar, widgets

__all__ = ["PickedSeries", "collection_picker"]


@dataclass(frozen=True)
class PickedSeries:
    """A collection picked on a page, before the page's caps."""

    series: Sequence
    labels: Sequence | None
    names: list[str]
    description: str


def collection_picker(prefix: str, sources: dict[str, str], widths: Sequence[float], *,
                      default: str, other: Callable | None = None) -> tuple[PickedSeries, list]:
    """The source radio (``sources``: value -> caption), then what the source needs.

    The source starts on the upload when there is one (:func:`explorer.web.sidebar.default_source`).
    ``"dataset"``: a bundled dataset (``default`` first) and its split, in the second and
    third columns; ``"upload"``: the series uploaded on *Your data* (without one in this
    session, a notice and the dataset instead, :func:`explorer.web.sidebar.upload_source`);
    any other source: ``other(source, columns)``, which returns a :class:`PickedSeries`.
    Returns the collection and the row's columns (``len(widths)``) for the page's own
    widgets.
    """
    c = st.columns(list(widths))
    src = widgets.choice_widget(c[0].radio, "Series", list(sources), key=f"{prefix}src",
                                default=sidebar.default_source(), captions=list(sources.values()))
    src, up = sidebar.upload_source(src, st)
    if src == "dataset":
        ds, split = widgets.dataset_picker(c[1], c[2], prefix=prefix, default=default)
        d = data.load_dataset(ds, split)
        return PickedSeries(d.series, d.labels, [f"{ds}/{split} #{k}" for k in range(len(d))],
                            f"{ds} ({split}): {d.description}"), c
    if src == "upload":
        labels = up.get("labels")
        return PickedSeries(up["series"], labels, up["names"],
                            f"{widgets.escape_markdown(up['filename'])}: {len(up['series'])} "
                            "uploaded series" + ("" if labels is not None else ", without labels")
                            ), c
    return other(src, c), c

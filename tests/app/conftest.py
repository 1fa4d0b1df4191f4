"""Helpers for driving the explorer with ``streamlit.testing.v1.AppTest``."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from ..page_lists import PAGES as PAGE_INFO

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")

#: Every page's script by page name, from the page registry.
PAGES = {name: info.script for name, info in PAGE_INFO.items()}


def open_page(page: str, query: dict | None = None, state: dict | None = None,
              timeout: float = 180) -> AppTest:
    """Run the app on ``page`` (a key of PAGES) with URL query parameters and session state."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.query_params = {k: str(v) for k, v in (query or {}).items()}
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()  # switch_page finds a page whose url_path is not its file name only after a run
    at.switch_page(PAGES[page])
    at.run()
    return at


def assert_clean(at: AppTest) -> None:
    """No exception element and no error message on the page or the sidebar."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def charts(at: AppTest) -> list[dict]:
    """The Plotly specs ({data, layout, frames}) of every chart on the page, in order."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def decode(value):
    """A Plotly JSON array: plain list, or Plotly ≥ 6 typed array {dtype, bdata, shape}."""
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            shape = tuple(int(s) for s in str(value["shape"]).split(","))
            arr = arr.reshape(shape)
        return arr.copy()
    return np.asarray(value, dtype=np.float64)


def trace(spec: dict, name: str, kind: str = "heatmap") -> dict:
    found = [t for t in spec["data"] if t.get("type") == kind and t.get("name") == name]
    assert found, f"no {kind} trace named {name!r} in {[t.get('name') for t in spec['data']]}"
    return found[0]


def assert_matrix(value, expected, *, rtol=1e-6, atol=1e-6) -> None:
    """A chart matrix (float32, NaN where the core has ±inf) equals the core's matrix."""
    got = decode(value).astype(np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert got.shape == expected.shape
    finite = np.isfinite(expected)
    assert np.array_equal(np.isnan(got), ~finite)
    np.testing.assert_allclose(got[finite], expected[finite], rtol=rtol, atol=atol)


@pytest.fixture
def gunpoint():
    from explorer.data import load_dataset

    return load_dataset("GunPoint", "train").series


@pytest.fixture
def media(monkeypatch):
    """Bytes handed to Streamlit's media storage (download buttons), by file id."""
    store: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        fid = original(self, path_or_data, mimetype, kind, filename)
        store[fid] = path_or_data
        return fid

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return store


def downloaded(at: AppTest, media: dict, key: str) -> bytes:
    """The bytes behind the download button with widget key ``key``."""
    found = [b for b in at.get("download_button") if b.key == key]
    assert found, f"no download button {key!r}"
    fid = found[0].proto.url.rsplit("/", 1)[-1].split(".")[0]
    return media[fid]

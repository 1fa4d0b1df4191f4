"""Script runs that start together import under one lock (:mod:`explorer.web.startup`)."""

from __future__ import annotations

import sys
import threading

from explorer.web import startup


def test_runs_wait_for_the_first_one_to_import_the_shared_modules(monkeypatch):
    importing, release = threading.Event(), threading.Event()
    imported: list[str] = []

    def slow_import():
        importing.set()
        release.wait(30)
        imported.append("shared")

    monkeypatch.setattr(startup, "_import_shared", slow_import)
    monkeypatch.setattr(startup, "_imported", False)
    entered: list[str] = []

    def run(name):
        with startup.first_imports():
            entered.append(name)

    first = threading.Thread(target=run, args=("first",))
    first.start()
    assert importing.wait(30)  # the first run is past its block, importing
    second = threading.Thread(target=run, args=("second",))
    second.start()
    second.join(0.2)
    assert entered == ["first"] and second.is_alive()  # it waits for the import
    release.set()
    first.join(30)
    second.join(30)
    assert entered == ["first", "second"] and imported == ["shared"]  # imported once


def test_the_shared_modules_are_complete_after_the_block():
    with startup.first_imports():
        pass
    for name in startup.SHARED:
        assert name in sys.modules
    assert hasattr(sys.modules["pandas"], "Series") and hasattr(sys.modules["numpy"], "ndarray")

"""The upload package documents its public API with examples that run (doctest)."""

import doctest
import importlib
import inspect
import pkgutil

import pytest

import explorer.data.upload as upload

MODULES = [importlib.import_module(f"{upload.__name__}.{m.name}")
           for m in pkgutil.iter_modules(upload.__path__)]
PUBLIC = [upload.parse_series_file, upload.ParsedSeries, upload.UploadReport,
          upload.SkippedItem, upload.SeriesFileError, upload.UploadOptions]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_docstring_examples_run(module):
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0
    assert "__all__" in vars(module)


@pytest.mark.parametrize("obj", PUBLIC, ids=lambda o: o.__name__)
def test_public_api_documents_its_sections_with_examples(obj):
    doc = inspect.getdoc(obj)
    sections = ["Examples"] + (["Parameters"] if obj is not upload.SeriesFileError else [])
    if obj is upload.parse_series_file:
        sections += ["Returns", "Raises"]
    for section in sections:
        assert f"\n{section}\n{'-' * len(section)}\n" in doc, section
    assert len(doctest.DocTestParser().get_examples(doc)) >= 2

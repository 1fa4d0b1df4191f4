"""MkDocs hook: the site needs nothing from another host, so a classroom offline reads it whole.

- **MathJax** (which typesets the formulas that pymdownx.arithmatex leaves as ``\\( \\)`` and
  ``\\[ \\]`` spans) is served from the built site. Its files come from the PyPI package
  ``django-static-mathjax`` (MathJax 3.2.2's ``es5`` build; pinned in requirements-dev.txt),
  added to the site's files at build time under ``javascripts/mathjax/``: nothing of MathJax
  is committed here. Only the ``tex-mml-chtml`` entry point and what it loads on demand are
  copied (TeX extensions, the CommonHTML output and its fonts, the menu, the accessibility
  and speech modules), not the package's other combined builds.
- **Code highlighting** is done at build time by Pygments (the theme's highlight.js, which
  comes from a CDN, is turned off in mkdocs.yml); this hook writes Pygments' stylesheet as
  ``css/pygments.css``.

``tests/test_docs.py`` builds the site and checks that no script, stylesheet or font it
references is on another host, and that the MathJax file it references is in the site.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from mkdocs.structure.files import File, Files
from pygments.formatters import HtmlFormatter

MATHJAX_DISTRIBUTION = "django-static-mathjax"
MATHJAX_SITE_DIR = "javascripts/mathjax"
MATHJAX_ENTRY = "tex-mml-chtml.js"  # the script mkdocs.yml's extra_javascript names
_OTHER_BUILDS = ("svg",)  # the SVG output: the site uses CommonHTML


def mathjax_root() -> Path:
    """The installed MathJax ``es5`` folder, or an error saying which package to install."""
    fix = f"pip install -r requirements-dev.txt (it pins {MATHJAX_DISTRIBUTION})"
    try:
        files = importlib.metadata.distribution(MATHJAX_DISTRIBUTION).files or []
    except importlib.metadata.PackageNotFoundError:
        raise RuntimeError(f"MathJax for the offline docs is missing: {fix}") from None
    entries = [f for f in files if f.as_posix().endswith(f"/es5/{MATHJAX_ENTRY}")]
    if not entries:
        raise RuntimeError(f"no {MATHJAX_ENTRY} in the package {MATHJAX_DISTRIBUTION}: {fix}")
    return Path(entries[0].locate()).parent


def _wanted(relative: Path) -> bool:
    if len(relative.parts) == 1:  # top-level combined builds: only the entry point
        return relative.name == MATHJAX_ENTRY
    return not any(part.startswith(_OTHER_BUILDS) for part in relative.parts)


def on_files(files: Files, config) -> Files:
    root = mathjax_root()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and _wanted(relative):
            files.append(File.generated(
                config, f"{MATHJAX_SITE_DIR}/{relative.as_posix()}", abs_src_path=str(path)))
    css = HtmlFormatter(style="default").get_style_defs(".highlight")
    files.append(File.generated(config, "css/pygments.css", content=css))
    return files

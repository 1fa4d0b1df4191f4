"""The documentation site builds strictly, covers the API, works offline, and its code runs.

The site (mkdocs.yml: the guides in docs/guides/ and the API reference in docs/api/) is built
once per module with ``mkdocs build --strict`` into a temporary folder (any warning fails:
a broken link, an unknown name, a docstring that does not render). Then:

- every public name of ``softdtw_core`` has an entry in the API reference;
- no page loads a script, stylesheet, font or image from another host, and the MathJax
  entry point the pages name is in the site with its fonts (docs/_ext/offline_assets.py);
- in headless Chromium with every request off the site refused, the formulas typeset;
- the Python examples of each guide run as written, and the figures quoted from the
  benchmarks are where the guides say, with the command that produced them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import softdtw_core

ROOT = Path(__file__).resolve().parents[1]
GUIDES = ROOT / "docs" / "guides"
MATHJAX_ENTRY = "javascripts/mathjax/tex-mml-chtml.js"

pytestmark = pytest.mark.xdist_group("docs")  # one worker builds the site once


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("docs") / "site"
    out = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr  # strict: any warning fails
    return site


def test_api_reference_builds_strictly_and_documents_every_public_name(site):
    html = "\n".join(p.read_text(encoding="utf-8") for p in (site / "api").rglob("*.html"))
    anchors = set(re.findall(r'id="(softdtw_core[.\w]*)"', html))
    documented = {a.rsplit(".", 1)[-1] for a in anchors}
    missing = sorted(set(softdtw_core.__all__) - documented)
    assert not missing, f"public names without an entry in the API reference: {missing}"
    assert 'class="arithmatex"' in html  # the docstrings' .. math:: blocks became math
    assert ".. math::" not in html and ":func:`" not in html  # no reST markup left over


def test_every_guide_is_in_the_site(site):
    guides = sorted(p.stem for p in GUIDES.glob("*.md"))
    assert {"teaching", "choosing-gamma", "loss", "your-data", "classroom", "cluster", "speed",
            "paper", "layout"} <= set(guides)
    for name in guides:
        assert (site / "guides" / name / "index.html").is_file(), f"{name}.md not built"


class _Resources(HTMLParser):
    """The URLs a page loads (not the links it merely points to)."""

    LOADED = {"script": "src", "img": "src", "iframe": "src", "source": "src",
              "audio": "src", "video": "src", "embed": "src", "link": "href"}

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attr = self.LOADED.get(tag)
        value = dict(attrs).get(attr) if attr else None
        if value and not (tag == "link" and dict(attrs).get("rel") in ("canonical", "next",
                                                                      "prev")):
            self.urls.append((tag, value))


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme in ("http", "https") or url.startswith("//"))


def test_the_site_loads_nothing_from_another_host(site):
    external, loaded = [], 0
    for page in site.rglob("*.html"):
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, url in parser.urls:
            loaded += 1
            if _is_external(url):
                external.append(f"{page.relative_to(site)}: <{tag}> {url}")
            elif not url.startswith(("data:", "#")):  # a file of the site: it must be there
                path = unquote(urlsplit(url).path)  # 404.html names files from the root
                target = (site / path.lstrip("/") if path.startswith("/")
                          else page.parent / path).resolve()
                assert target.exists(), f"{page.relative_to(site)}: <{tag}> {url} is missing"
    for sheet in site.rglob("*.css"):  # fonts and @imports of the stylesheets
        for url in re.findall(r"""(?:url\(\s*|@import\s+)['"]?([^'")\s]+)""",
                              sheet.read_text(encoding="utf-8", errors="replace")):
            if _is_external(url):
                external.append(f"{sheet.relative_to(site)}: {url}")
    assert loaded > 100  # the parser did see the pages' scripts and stylesheets
    assert not external, "loaded from another host:\n" + "\n".join(sorted(set(external))[:20])


def test_mathjax_is_served_from_the_site(site):
    page = (site / "guides" / "loss" / "index.html").read_text(encoding="utf-8")
    parser = _Resources()
    parser.feed(page)
    scripts = [url for tag, url in parser.urls if tag == "script" and "mathjax" in url.lower()]
    entry = [url for url in scripts if url.endswith("tex-mml-chtml.js")]
    assert entry, f"no MathJax entry point among the page's scripts: {scripts}"
    resolved = (site / "guides" / "loss" / entry[0]).resolve()
    assert resolved == (site / MATHJAX_ENTRY).resolve() and resolved.stat().st_size > 500_000
    fonts = site / "javascripts" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert (fonts / "MathJax_Main-Regular.woff").is_file()
    assert (site / "javascripts" / "mathjax" / "input" / "tex" / "extensions").is_dir()
    assert 'class="arithmatex"' in page  # the guide's formula is there to typeset


@pytest.mark.e2e
def test_formulas_typeset_offline_in_a_browser(site):
    """Chromium opens the built pages from disk; any request off the site is refused."""
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    refused = []

    def only_the_site(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        try:
            for name in ("guides/loss", "api/two-series"):
                page = browser.new_page()
                page.route("**/*", only_the_site)
                page.goto((site / name / "index.html").as_uri())
                page.wait_for_function("() => window.MathJax && MathJax.startup"
                                       " && MathJax.startup.promise", timeout=60_000)
                page.evaluate("() => MathJax.startup.promise")  # typesetting finished
                spans = page.locator(".arithmatex")
                assert spans.count() > 0
                untypeset = spans.evaluate_all(
                    "els => els.filter(e => !e.querySelector('mjx-container')).length")
                assert untypeset == 0, f"{name}: {untypeset} formulas left as TeX"
                page.close()
        finally:
            browser.close()
    assert not refused, f"the pages asked another host for: {refused}"


def _python_blocks(path: Path) -> list[str]:
    """The ```python blocks of a guide: they run. A block that cannot run as it is (it needs
    a GPU, or it is several files) is fenced ```py and its first line says why (checked
    below)."""
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_blocks_shown_but_not_run_say_why():
    shown = [(p.name, block) for p in sorted(GUIDES.glob("*.md"))
             for block in re.findall(r"```py\n(.*?)```", p.read_text(encoding="utf-8"), re.S)]
    assert shown and all(block.startswith("# not run: ") for _, block in shown), shown


GUIDES_WITH_CODE = sorted(p for p in GUIDES.glob("*.md") if _python_blocks(p))


@pytest.mark.parametrize("guide", GUIDES_WITH_CODE, ids=lambda p: p.name)
def test_guide_python_examples_run(guide):
    """A guide's Python blocks run in order, in one namespace, as a reader would paste them."""
    namespace: dict = {"__name__": "__guide__"}
    exec(compile("\n".join(_python_blocks(guide)), str(guide), "exec"), namespace)


def test_the_guides_with_code_are_the_expected_ones():
    assert {p.name for p in GUIDES_WITH_CODE} >= {"loss.md", "choosing-gamma.md",
                                                   "your-data.md", "cluster.md"}


# Figures moved from the README into the guides: each guide keeps the command that produced
# its figures next to them (a guide that lost one would fail here).
QUOTED = {
    "speed.md": ["python benchmarks/bench_core.py", "python benchmarks/bench_learning.py",
                 "python benchmarks/bench_app.py", "python benchmarks/bench_use_pages.py",
                 "python benchmarks/bench_use_data.py", "6.1 µs", "0.13× tslearn"],
    "classroom.md": ["python benchmarks/bench_classroom.py", "--mode fairness",
                     "0.49× a solo lesson", "0.37–0.41 s", "python benchmarks/bench_warmup.py",
                     "--mode cold-pages"],
    "cluster.md": ["python benchmarks/bench_distributed.py", "efficiency 1.06", "66 s per"],
    "choosing-gamma.md": ["python benchmarks/bench_classification.py --sweep",
                          "| GunPoint | 50/150 | 0.820 (0.22)"],
    "paper.md": ["python benchmarks/paper_tables.py --ucr", "paper_tables_ucr.json",
                 "45 of 57 datasets"],
    "loss.md": ["python benchmarks/bench_newton.py", "DTW to y 55.40"],
}


@pytest.mark.parametrize("guide", sorted(QUOTED))
def test_guides_keep_their_figures_and_commands(guide):
    text = (GUIDES / guide).read_text(encoding="utf-8")
    missing = [phrase for phrase in QUOTED[guide] if phrase not in text]
    assert not missing, f"{guide} lost {missing}"

"""The README: one page a newcomer can act on, whose commands and examples are the real ones.

- its Python examples run as written (they are the library's first documentation);
- its test command is exactly what CI runs (the block between the markers in ``.ci/run``,
  joined with ``&&``), and the Python version it states is the package's;
- it stays one page (at most 350 lines), defines the words its page table uses before the
  table, and every local file it links or shows exists.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
TEXT = README.read_text(encoding="utf-8")


def test_readme_python_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", TEXT, re.S)
    assert len(blocks) >= 2
    namespace = {}
    exec(compile("\n".join(blocks), str(README), "exec"), namespace)
    assert namespace["E"].shape == (80, 120)
    assert namespace["km"].labels_.shape == (len(namespace["X"]),)


def ci_test_command() -> str:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    block = re.search(r"# --- the README's test command.*?\n(.*?)# --- end of the README's test",
                      script, re.S)
    assert block, ".ci/run lost the markers around the README's test command"
    lines = [ln.strip() for ln in block.group(1).splitlines()
             if ln.strip() and not ln.strip().startswith("#")]
    assert lines and any("pytest" in ln for ln in lines)
    return " && ".join(lines)


def test_readme_test_command_is_what_ci_runs():
    bash_lines = [ln.strip() for block in re.findall(r"```bash\n(.*?)```", TEXT, re.S)
                  for ln in block.splitlines()]
    command = ci_test_command()
    assert command in bash_lines, (
        f"the README's test command should read exactly as .ci/run runs it:\n  {command}")


def test_readme_states_the_python_version_next_to_the_install_command():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    version = re.search(r'^requires-python = ">=\s*(\d+\.\d+)"', pyproject, re.M).group(1)
    stated = TEXT.index(f"Python ≥ {version}")
    install = TEXT.index("pip install -r requirements.txt")
    assert 0 < install - stated < 300, "state the Python version just before the install command"


def test_readme_is_one_page():
    assert len(TEXT.splitlines()) <= 350


def test_readme_defines_its_words_before_the_page_table():
    before = TEXT[:TEXT.index("| section | page |")]
    defined = " ".join(" ".join(s.split()) for s in re.findall(r"\*\*(.+?)\*\*", before, re.S))
    for term in ("Δ", "R", "E", "γ", "DTW", "min^γ", "soft-DTW", "divergence", "DBA",
                 "path entropy", "Bellman"):
        assert re.search(rf"(?<!\w){re.escape(term)}(?!\w)", defined), f"{term} is not defined"
    assert "A*" in before


def test_readme_links_and_images_exist():
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", TEXT)
    local = [t for t in targets if not re.match(r"[a-z]+://", t)]
    assert any(t.startswith("docs/screenshots/") for t in local)
    assert any(t.startswith("docs/guides/") for t in local)
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing, f"the README links to missing files: {missing}"

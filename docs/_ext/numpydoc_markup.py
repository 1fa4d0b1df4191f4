"""A Griffe extension that renders the reST markup of numpydoc docstrings in MkDocs.

softdtw_core's docstrings follow numpydoc (read by ``help()``, Sphinx and IDEs), whose
markup is reStructuredText; mkdocstrings renders docstring text as Markdown. Before
rendering, this extension rewrites, in every docstring:

- ``.. math::`` blocks into ``$$ … $$`` blocks and ``:math:`…``` roles into ``$…$``
  (pymdownx.arithmatex passes both to MathJax);
- Sphinx cross-reference roles (``:func:`~softdtw_core.soft_dtw```) into links to the API
  pages when they name an object of the package, into code otherwise;
- citations ``.. [1] …`` into paragraphs ``[1] …``, and a paragraph's closing ``::`` (the
  reST literal-block marker) into ``:``.

A link to an object that the reference does not render fails ``mkdocs build --strict``.
"""

from __future__ import annotations

import re

import griffe

import softdtw_core

_ROLE = re.compile(r":(?:py:)?(func|class|mod|meth|attr|data|obj|exc):`(~?)([^`]+)`")
_MATH_ROLE = re.compile(r":math:`([^`]+)`")
_MATH_DIRECTIVE = re.compile(r"^(\s*)\.\. math::\s*(.*)$")
_CITATION = re.compile(r"^(\s*)\.\. \[(\w+)\]\s+")
_EXPORTED = set(softdtw_core.__all__)


def _target(name: str) -> str | None:
    """The full path of a role's target in the package, or None (other libraries' names,
    private helpers): the path under which the reference renders it."""
    if name.startswith("softdtw_core."):
        rest = name.removeprefix("softdtw_core.")
        if rest.split(".")[0] not in _EXPORTED:
            return name  # a module, or a full path already
        name = rest
    head = name.split(".")[0]
    if head not in _EXPORTED:
        return None
    module = getattr(getattr(softdtw_core, head), "__module__", None)
    if module is None or module.split(".")[-1].startswith("_"):
        return f"softdtw_core.{name}"  # constants, and names defined in private modules
    return f"{module}.{name}"  # where the reference renders it


def _role(match: re.Match) -> str:
    _, tilde, name = match.groups()
    name = name.strip()
    shown = name.rsplit(".", 1)[-1] if tilde else name
    target = _target(name)
    return f"[`{shown}`][{target}]" if target else f"`{shown}`"


def _math_blocks(lines: list[str]) -> list[str]:
    out, k = [], 0
    while k < len(lines):
        match = _MATH_DIRECTIVE.match(lines[k])
        if not match:
            out.append(lines[k])
            k += 1
            continue
        indent, inline = match.groups()
        body = [inline] if inline else []
        k += 1
        while k < len(lines) and (
            not lines[k].strip() or len(lines[k]) - len(lines[k].lstrip()) > len(indent)
        ):
            body.append(lines[k].strip())
            k += 1
        while body and not body[-1]:
            body.pop()
        body = [b for b in body if b] or [""]
        out += ["", f"{indent}$$", *(indent + b for b in body), f"{indent}$$", ""]
    return out


def to_markdown(text: str) -> str:
    """A numpydoc docstring's text in Markdown."""
    lines = _math_blocks(text.splitlines())
    out = []
    for k, line in enumerate(lines):
        citation = _CITATION.match(line)
        if citation:
            out.append("")
            line = _CITATION.sub(lambda m: f"{m.group(1)}[{m.group(2)}] ", line)
        nxt = lines[k + 1] if k + 1 < len(lines) else ""
        if line.rstrip().endswith("::") and not nxt.strip():
            line = line.rstrip()[:-1]
        line = _MATH_ROLE.sub(lambda m: f"${m.group(1)}$", line)
        out.append(_ROLE.sub(_role, line))
    return "\n".join(out)


class NumpydocMarkup(griffe.Extension):
    """Rewrite every docstring of the loaded objects (see the module docstring)."""

    def on_object(self, *, obj: griffe.Object, **kwargs) -> None:
        if obj.docstring is not None:
            obj.docstring.value = to_markdown(obj.docstring.value)

    def on_package(self, *, pkg: griffe.Module, **kwargs) -> None:
        self.on_object(obj=pkg)  # the root package gets this event, not on_object

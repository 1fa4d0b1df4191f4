"""Numbers as text, for every page, figure and message of the explorer (pure Python).

One family, one convention: infinities are written ``∞`` / ``−∞`` (R's borders, cells outside a
band), NaN is left blank (a cell with no value), and finite values keep Python's formatting
so that ``number(v, 4) == f"{v:.4g}"``.

- :func:`number`: significant digits, for prose, metrics and tables;
- :func:`fixed`: a fixed number of decimals (times, weights);
- :func:`tex`: for ``st.latex`` (``a \\times 10^{b}`` instead of ``ae+b``);
- :func:`cell`: short text written inside heatmap cells;
- :func:`compact`: at most four characters, for cells a laptop's window draws narrow
  (the Bellman step-through's);
- :func:`count`: exact big integers (numbers of alignment paths), abbreviated past 10⁹;
- :func:`duration`: a run time, in the unit that keeps two significant digits (``"38 ms"``);
- :func:`negative_soft_dtw`: the sentence that explains a negative dtw_γ where it is shown.

CSV files are written by :mod:`explorer.data.export`, whose number text is part of the file
format (shortest exact round trip), not a display choice.
"""

from __future__ import annotations

import math

__all__ = ["cell", "compact", "count", "duration", "fixed", "negative_soft_dtw", "number", "tex"]

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _special(value: float) -> str | None:
    """The text of a non-finite value (blank NaN, signed ∞), or None for a finite one."""
    if math.isnan(value):
        return ""
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return None


def number(value, digits: int = 6) -> str:
    """``value`` with ``digits`` significant digits (Python's ``g`` format).

    Parameters
    ----------
    value : float
    digits : int
        Significant digits; ``number(v) == f"{v:g}"`` for finite ``v``.

    Returns
    -------
    str
        E.g. ``"0.1"``, ``"12.35"``, ``"1.5e-07"``, ``"∞"``, or ``""`` for NaN.
    """
    value = float(value)
    special = _special(value)
    return special if special is not None else f"{value:.{digits}g}"


def fixed(value, decimals: int = 2) -> str:
    """``value`` with exactly ``decimals`` decimals (``f"{v:.2f}"``); ``∞`` and blank NaN."""
    value = float(value)
    special = _special(value)
    return special if special is not None else f"{value:.{decimals}f}"


def tex(value, digits: int = 4) -> str:
    """A number for ``st.latex``: ``\\infty``, plain, or ``a \\times 10^{b}``.

    NaN is written as a dash (``\\text{--}``): a formula cannot leave a blank.
    """
    value = float(value)
    if math.isnan(value):
        return r"\text{--}"
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def cell(value) -> str:
    """Short text for a heatmap cell: two decimals, or one-digit scientific outside
    ``[0.01, 10⁴)``; ``∞`` and blank NaN."""
    value = float(value)
    special = _special(value)
    if special is not None:
        return special
    size = abs(value)
    if size != 0 and (size >= 1e4 or size < 1e-2):
        return f"{value:.1e}"
    return f"{value:.2f}"


def compact(value, width: int = 4) -> str:
    """``value`` in at most ``width`` characters (sign included) where it can be: up to 3
    significant digits, fewer when needed, and a compact exponent (``1e-5``, ``2e4``).

    Parameters
    ----------
    value : float
    width : int
        The number of characters aimed at; a value that needs an exponent of two digits or
        more and a sign may take one or two more (``-1e-12``).

    Returns
    -------
    str
        E.g. ``"1.23"``, ``"0.25"``, ``"12.3"``, ``"123"``, ``"1234"``, ``"1e4"``, ``"1e-5"``,
        ``"-0.3"``, ``"0"``, ``"∞"``, or ``""`` for NaN.
    """
    value = float(value)
    special = _special(value)
    if special is not None:
        return special
    if value == 0:
        return "0"
    texts = [f"{value:.{d}g}" for d in (3, 2, 1)] + [f"{value:.0e}"]
    if abs(value) >= 100:  # 1234 rather than 1e3
        texts.insert(1, f"{value:.0f}")
    texts = [_short_exponent(t) for t in texts]
    return next((t for t in texts if len(t) <= width), texts[-1])


def _short_exponent(text: str) -> str:
    """``"1.5e-05"`` → ``"1.5e-5"``, ``"2e+04"`` → ``"2e4"``."""
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa}e{int(exponent)}"


def count(value: int) -> str:
    """An exact (possibly huge) integer: ``"1,234,567"`` below 10⁹, else ``"≈ 1.23 × 10¹²"``."""
    value = int(value)
    if value < 10**9:
        return f"{value:,}"
    digits = str(value)  # exact: a float log10 rounds 10¹⁸ − 1 up to 18
    mantissa = int(digits[:3]) / 100
    return f"≈ {mantissa:.2f} × 10{str(len(digits) - 1).translate(_SUPERSCRIPTS)}"


def duration(seconds) -> str:
    """A run time with two significant digits in µs, ms, s or min (``"840 µs"``, ``"38 ms"``,
    ``"2.5 s"``, ``"3.1 min"``): short runs never round to ``"0.00"``. Blank for NaN.

    Examples
    --------
    >>> duration(0.00084), duration(0.038), duration(2.46), duration(185)
    ('840 µs', '38 ms', '2.5 s', '3.1 min')
    """
    seconds = float(seconds)
    if math.isnan(seconds):
        return ""
    if seconds < 0:
        raise ValueError(f"duration(seconds={seconds!r}): a run time cannot be negative.")
    for unit, scale, top in (("µs", 1e-6, 1000), ("ms", 1e-3, 1000), ("s", 1.0, 60)):
        value = float(f"{seconds / scale:.2g}")  # rounded first: 999.7 ms is "1 s"
        if value < top:
            return f"{value:g} {unit}"
    value = float(f"{seconds / 60:.2g}")
    return f"{value:.0f} min" if value >= 100 else f"{value:g} min"


def negative_soft_dtw(value: float, gamma_text: str) -> str:
    """Why a soft-DTW value (or a sum of them) is negative, in one sentence for a caption.

    .. math::

        \\min_A \\langle A, \\Delta \\rangle - \\gamma \\log |\\mathcal A|
        \\le \\mathrm{dtw}_\\gamma = -\\gamma \\log \\sum_A
        e^{-\\langle A, \\Delta \\rangle / \\gamma}
        \\le \\min_A \\langle A, \\Delta \\rangle

    Examples
    --------
    >>> negative_soft_dtw(-15.2, "1")[:30]
    'Why negative (-15.2)? dtw_γ = '
    """
    return (f"Why negative ({number(value)})? dtw_γ = −γ log Σ_A exp(−⟨A, Δ⟩/γ) is a soft "
            "minimum over every alignment A: it lies below the best alignment's cost by up to "
            f"γ·log(number of alignments), so at γ = {gamma_text} close series (and every "
            "series with itself, dtw_γ(x, x) < 0) get negative values.")

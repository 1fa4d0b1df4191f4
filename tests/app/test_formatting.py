"""explorer.logic.formatting: every number shown by the app, against Python's own formatting."""

import numpy as np
import pytest

from explorer.logic import formatting


@pytest.mark.parametrize("digits", [3, 4, 5, 6, 8])
def test_number_is_pythons_g_format_for_finite_values(digits):
    rng = np.random.default_rng(digits)
    values = np.concatenate([rng.standard_normal(50) * 10.0 ** rng.integers(-9, 9, 50),
                             [0.0, -0.0, 1.0, 0.1, 123456789.0]])
    for v in values:
        assert formatting.number(v, digits) == f"{v:.{digits}g}"
    assert formatting.number(0.1) == f"{0.1:g}" == "0.1"


def test_non_finite_values():
    for fmt in (formatting.number, formatting.fixed, formatting.cell):
        assert fmt(np.inf) == "∞" and fmt(-np.inf) == "−∞" and fmt(np.nan) == ""
    assert formatting.tex(np.inf) == r"\infty" and formatting.tex(-np.inf) == r"-\infty"
    assert formatting.tex(np.nan) == r"\text{--}"


def test_fixed_is_pythons_f_format():
    for v in (0.0, 1.23456, -7.5, 1e6 / 3):
        assert formatting.fixed(v) == f"{v:.2f}"
        assert formatting.fixed(v, 4) == f"{v:.4f}"


def test_tex_writes_powers_of_ten():
    assert formatting.tex(1.5e-7) == r"1.5 \times 10^{-7}"
    assert formatting.tex(2.5e12) == r"2.5 \times 10^{12}"
    assert formatting.tex(0.12345678) == "0.1235"
    assert formatting.tex(-3.0) == "-3"


def test_cell_text_is_short():
    assert formatting.cell(1.234) == "1.23"
    assert formatting.cell(0.0) == "0.00"
    assert formatting.cell(0.004) == "4.0e-03"
    assert formatting.cell(12345.0) == "1.2e+04"
    assert formatting.cell(-9999.0) == "-9999.00"


@pytest.mark.parametrize("value", [0, 7, 999_999_999, 10**9, 3 * 10**17 + 5,
                                   10**18 - 1, 2**1000, 10**400 + 1])
def test_count_exact_then_abbreviated(value):
    text = formatting.count(value)
    if value < 10**9:
        assert text == f"{value:,}"
        return
    mantissa, power = text.removeprefix("≈ ").split(" × 10")
    exponent = int(power.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")))
    assert exponent == len(str(value)) - 1  # the number of digits, counted exactly
    assert float(mantissa) == int(str(value)[:3]) / 100


def test_compact_cell_text_fits_four_characters():
    values = np.concatenate([[0.0, 1.234, 0.2512, 12.34, 123.4, 1234.0, 12345.0, 0.00123, 1.2e-5],
                             -np.geomspace(1e-4, 1e4, 17), np.geomspace(1e-9, 1e9, 37)])
    for v in values:
        text = formatting.compact(v)
        assert len(text) <= 4 or (v < 0 and len(text) <= 5), (v, text)
        # the text is the value to the precision it shows: within half a unit of its last digit
        shown = float(text)
        mantissa = text.lstrip("-").split("e")[0]
        exponent = int(text.split("e")[1]) if "e" in text else 0
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        assert abs(shown - v) <= 0.5 * 10.0 ** (exponent - decimals) * (1 + 1e-9), (v, text)
    assert [formatting.compact(v) for v in (1.234, 1234.0, 1.2e-5, -0.22, 0.0)] == [
        "1.23", "1234", "1e-5", "-0.2", "0"]
    assert formatting.compact(float("inf")) == "∞" and formatting.compact(float("nan")) == ""


def test_duration_keeps_two_significant_digits_in_a_readable_unit():
    cases = {0.00084: "840 µs", 0.0123: "12 ms", 0.038: "38 ms", 0.9996: "1 s",
             2.46: "2.5 s", 59.9: "1 min", 185: "3.1 min", 3e-7: "0.3 µs"}
    for seconds, text in cases.items():
        assert formatting.duration(seconds) == text
    assert formatting.duration(float("nan")) == ""
    # a run of a few milliseconds is never "0.00" (the k-means comparison's column was)
    assert all(formatting.duration(s) not in ("0", "0 ms", "0 s") for s in (1e-5, 4e-3, 0.4))
    with pytest.raises(ValueError, match="negative"):
        formatting.duration(-1.0)

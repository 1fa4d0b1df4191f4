"""An analyst's real files, written the way spreadsheets and loggers write them.

Each function returns the bytes of one file and the values the file was written from, so a
test can check what was read against what was written (not against the parser's output).

- :func:`sensor_file`: 20 sensors, one per row, ``sensor_id,label,t0,…,t47`` (ids ``S00`` …
  ``S19``, labels ``pump``/``fan``), as exported from a data frame.
- :func:`semicolon_file`: a European spreadsheet's CSV: UTF-8 with a BOM, CRLF line endings,
  ``;`` between fields, decimal commas, a ``Messstelle`` (station) column of names and one
  ``n.v.`` ("nicht verfügbar") cell inside row 4 (station ``B-03``).
- :func:`two_interval_file`: a long (tidy) logger file ``station,time,value`` whose stations
  ``north`` and ``east`` are sampled every minute and ``south`` every two minutes (dates).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

__all__ = ["NV_ROW", "NV_STATION", "semicolon_file", "sensor_file", "two_interval_file"]

NV_STATION = "B-03"  # the station whose row holds the n.v. cell
NV_ROW = 4  # its line in the file (the header is line 1)


def sensor_file() -> tuple[bytes, np.ndarray, list[str], list[str]]:
    """The 20-sensor wide file: ``(content, values (20, 48), ids, labels)``."""
    rng = np.random.default_rng(20)
    t = np.linspace(0, 2 * np.pi, 48)
    ids = [f"S{k:02d}" for k in range(20)]
    labels = ["pump" if k % 3 else "fan" for k in range(20)]
    values = np.array([(np.sin(t + k / 5) if lab == "pump" else np.sign(np.sin(2 * t + k / 5)))
                       + 0.1 * rng.standard_normal(48) for k, lab in enumerate(labels)]
                      ).round(4)
    lines = ["sensor_id,label," + ",".join(f"t{k}" for k in range(48))]
    lines += [f"{i},{lab}," + ",".join(repr(float(v)) for v in row)
              for i, lab, row in zip(ids, labels, values)]
    return ("\n".join(lines) + "\n").encode(), values, ids, labels


def semicolon_file() -> tuple[bytes, np.ndarray, list[str]]:
    """The semicolon / decimal-comma file: ``(content, values (5, 12) with NaN at the n.v.
    cell, station names)``."""
    rng = np.random.default_rng(5)
    stations = ["A-01", "A-02", NV_STATION, "C-04", "C-05"]
    values = np.cumsum(rng.normal(size=(5, 12)), axis=1).round(2)
    values[2, 6] = np.nan
    lines = ["Messstelle;" + ";".join(f"h{k}" for k in range(12))]
    for name, row in zip(stations, values):
        cells = ["n.v." if np.isnan(v) else f"{v:.2f}".replace(".", ",") for v in row]
        lines.append(name + ";" + ";".join(cells))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode(), values, stations


def two_interval_file() -> tuple[bytes, dict[str, np.ndarray]]:
    """The long file with two sampling intervals: ``(content, station -> values)``."""
    start = datetime(2024, 3, 1, 8, 0)
    steps = {"north": 1, "south": 2, "east": 1}  # minutes
    rng = np.random.default_rng(2)
    values = {name: rng.normal(size=15).round(3) for name in steps}
    lines = ["station,time,value"]
    for name, minutes in steps.items():
        for k, v in enumerate(values[name]):
            stamp = start + timedelta(minutes=minutes * k)
            lines.append(f"{name},{stamp:%Y-%m-%d %H:%M},{v}")
    return ("\n".join(lines) + "\n").encode(), values

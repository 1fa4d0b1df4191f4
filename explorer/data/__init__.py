"""Data layer of the Soft-DTW Explorer: bundled datasets, synthetic generators, uploads,
CSV export.

Pure Python (NumPy, pandas); importing it never imports Streamlit.

Series conventions: an ``(n, length)`` array for equal-length univariate collections, an
``(n, length, d)`` array for multivariate ones, and a list of arrays (never NaN-padded) for
variable-length collections. :func:`as_series_list` and :func:`to_dataset_array` convert.
"""

from .datasets import (
    DATASETS,
    Dataset,
    DatasetInfo,
    as_series_list,
    assets_dir,
    dataset_summary,
    list_datasets,
    load_dataset,
    to_dataset_array,
)
from .export import matrix_csv, series_to_csv, table_csv
from .generators import (
    GENERATORS,
    bump_pair,
    cylinder_bell_funnel,
    random_walks,
    sine_pair,
    time_warp,
    warped_copies,
)
from .upload import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_LENGTH,
    DEFAULT_MAX_SERIES,
    PAGE_CONTROLS,
    ParsedSeries,
    SeriesFileError,
    SkippedItem,
    UploadOptions,
    UploadReport,
    parse_series_file,
)

__all__ = [
    "DATASETS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_LENGTH",
    "DEFAULT_MAX_SERIES",
    "GENERATORS",
    "PAGE_CONTROLS",
    "Dataset",
    "DatasetInfo",
    "ParsedSeries",
    "SeriesFileError",
    "SkippedItem",
    "UploadOptions",
    "UploadReport",
    "as_series_list",
    "assets_dir",
    "bump_pair",
    "cylinder_bell_funnel",
    "dataset_summary",
    "list_datasets",
    "load_dataset",
    "matrix_csv",
    "parse_series_file",
    "random_walks",
    "series_to_csv",
    "sine_pair",
    "table_csv",
    "time_warp",
    "to_dataset_array",
    "warped_copies",
]

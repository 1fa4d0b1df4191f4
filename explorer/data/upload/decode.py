"""Turn the uploaded bytes into text, detecting the encoding.

Without an ``encoding`` option: known binary formats (Excel, PDF, images, archives, NumPy,
HDF5) are refused by their magic number; a UTF-16 byte order mark selects UTF-16; NUL bytes
or many control characters mean a binary file; otherwise UTF-8 (with or without BOM), then
Windows-1252 when the text has C1 control characters in Latin-1, then Latin-1 (which decodes
any byte).
"""

from __future__ import annotations

import re

from .errors import SeriesFileError

__all__ = ["decode"]

_MAGIC = [
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or a ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x93NUMPY", "a NumPy .npy file"),
    (b"\x89HDF", "an HDF5 file"),
]
_SNIFF = 65536  # bytes (characters) inspected for NUL bytes and control characters


def decode(content: bytes, encoding: str | None) -> tuple[str, str]:
    """The text of ``content`` and the name of its encoding.

    Parameters
    ----------
    content : bytes
        The raw file.
    encoding : str, optional
        A Python text codec to use instead of detecting one.

    Returns
    -------
    text : str
    encoding : str
        E.g. ``"UTF-8"``, ``"UTF-8 with BOM"``, ``"UTF-16"``, ``"Windows-1252"``,
        ``"Latin-1"`` or the ``encoding`` given.

    Raises
    ------
    SeriesFileError
        For a binary file, or bytes that the encoding cannot decode.

    Examples
    --------
    >>> decode("café;1".encode("cp1252"), None)
    ('café;1', 'Latin-1')
    >>> decode(b"\\xef\\xbb\\xbf1,2", None)
    ('1,2', 'UTF-8 with BOM')
    """
    if encoding:
        try:
            return content.decode(encoding), encoding
        except UnicodeError as exc:
            raise SeriesFileError(
                f"The file could not be read as {encoding} text: {exc}.") from None
    for magic, what in _MAGIC:
        if content.startswith(magic):
            raise SeriesFileError(
                f"This looks like {what}, not a text file. Export the data as CSV or "
                "tab-separated text and upload that."
            )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, name = content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise SeriesFileError(
                "The file starts like UTF-16 text but could not be decoded.") from None
    elif b"\x00" in content[:_SNIFF]:
        raise SeriesFileError(
            "This is a binary file, not text (it contains NUL bytes). Upload a CSV, TSV or "
            "plain-text file."
        )
    else:
        text, name = _decode_8bit(content)
    controls = len(re.findall(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", text[:_SNIFF]))
    if controls > max(2, len(text[:_SNIFF]) // 100):
        raise SeriesFileError(
            "This looks like a binary file, not text (it contains many control characters). "
            "Upload a CSV, TSV or plain-text file."
        )
    return text, name


def _decode_8bit(content: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), else Windows-1252 or Latin-1."""
    try:
        text = content.decode("utf-8-sig")
        name = "UTF-8 with BOM" if content.startswith(b"\xef\xbb\xbf") else "UTF-8"
    except UnicodeDecodeError as exc:
        text = content.decode("latin-1")
        name = "Latin-1"
        if re.search(r"[\x80-\x9f]", text):
            try:
                text = content.decode("cp1252")
                name = "Windows-1252"
            except UnicodeDecodeError:
                pos = exc.start
                line = content.count(b"\n", 0, pos) + 1
                raise SeriesFileError(
                    f"The file is not UTF-8 or Latin-1 text: byte 0x{content[pos]:02x} at "
                    f"position {pos} (line {line}) cannot be decoded. Save the file as UTF-8 "
                    "text and upload it again."
                ) from None
    return text, name

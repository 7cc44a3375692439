"""Python source bytes → text, as CPython reads them before it parses.

PEP 263 and PEP 3120: a UTF-8 byte-order mark, or a coding cookie on one of the first two
lines (`# -*- coding: latin-1 -*-`, `# vim: set fileencoding=utf-7 :`), names the codec;
without either the source is UTF-8. A BOM with another cookie, an unknown codec or bytes
the codec cannot decode make the file unreadable, as they make CPython refuse it. Line ends
are universal (`\\r\\n` and a lone `\\r` read as `\\n`), so line numbers are CPython's.
"""
from __future__ import annotations

import codecs
import io
import tokenize


class SourceError(ValueError):
    """The bytes are no Python source CPython would read; the message says why."""


def decode_source(data: bytes) -> str:
    """The text of a Python source file, newlines normalised to `\\n`."""
    try:
        # detect_encoding reads at most two lines and applies PEP 263 exactly as the
        # interpreter does (its cookie pattern is anchored: linear on any line).
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as err:
        raise SourceError(str(err).replace("<unknown>", "").strip()) from None
    try:
        text = codecs.decode(data, encoding)
    except (UnicodeError, LookupError) as err:
        raise SourceError(f"cannot be decoded as {encoding}: {_short(err)}") from None
    if "\0" in text:
        raise SourceError("source contains a NUL byte")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _short(err: Exception) -> str:
    if isinstance(err, UnicodeDecodeError):
        return f"invalid byte at offset {err.start} ({err.reason})"
    return str(err)

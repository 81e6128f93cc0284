r"""Text that reaches a terminal: file names, answers and values made safe to print.

A file name or an answer can hold anything but ``/`` and NUL: escape sequences that
clear the screen and print a forged verdict, a carriage return that overwrites the
line, bidirectional overrides that show text in another order than it is stored.
Every value mlscaffold prints on a terminal goes through :func:`printable`, which
shows such characters as visible escapes (``\x1b``, ``\u202e``); the JSON output
is escaped by the JSON encoder instead and only needs :func:`encodable`.
"""

from __future__ import annotations

import re

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f"  # C0 controls, DEL, C1 controls
    "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"  # bidi marks, separators
    "\ud800-\udfff]"  # lone surrogates: bytes that were not UTF-8 (surrogateescape)
)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(value: object) -> str:
    r"""``str(value)`` on one line, with control and bidi characters shown as escapes.

    C0 and C1 controls, DEL, line and paragraph separators and bidirectional
    marks, embeddings, overrides and isolates become ``\n``, ``\x1b``, ``\u202e``;
    bytes of a file name that were not UTF-8 become ``\xff``. Everything else,
    accents and scripts of any language included, is kept.
    """
    return _UNSAFE.sub(_escape, str(value))


_LONE_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")
"""Surrogates that are not surrogate escapes of undecodable bytes (U+DC80..U+DCFF)."""


def encodable(text: str) -> str:
    """Make ``text`` encodable as UTF-8 whatever the file names in it (for JSON output).

    A file name that is not valid UTF-8 is kept with surrogate escapes (so the file
    can be opened); printed as is, it would make ``print`` fail.
    """
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate from a JSON escape, e.g. "\\ud800"
        return encodable(_LONE_SURROGATE.sub("\ufffd", text))

"""Text made safe to print and to encode."""

from __future__ import annotations

from mlscaffold.text import encodable, printable


def test_encodable_keeps_file_names_and_survives_lone_surrogates() -> None:
    assert encodable("caf\udce9.py") == "caf\ufffd.py"  # an undecodable byte of a file name
    assert encodable('token "\ud800" in a notebook') == 'token "\ufffd" in a notebook'
    assert encodable("plain") == "plain"


def test_printable_escapes_controls() -> None:
    assert "\x1b" not in printable("\x1b[2Jcleared")

"""`mlscaffold check` reads notebooks as their decoded cells, not as raw JSON.

In a notebook's JSON the quotes of a cell's source are escaped (``\\"key\\": \\"...\\"``) and
most bytes are base64 images. The scan reads each cell's source and text outputs,
unescaped, and names the cell and line of every finding.
"""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path

from secret_samples import HEX, fake

from mlscaffold.check import audit
from mlscaffold.check.notebooks import decode, parse

KAGGLE = fake("notebook-kaggle", HEX, 32)


def _notebook(*cells: dict[str, object]) -> str:
    return json.dumps(
        {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1
    )


def _code(source: str, outputs: list[dict[str, object]] | None = None) -> dict[str, object]:
    return {
        "cell_type": "code",
        "execution_count": 1 if outputs else None,
        "metadata": {},
        "outputs": outputs or [],
        "source": source.splitlines(keepends=True),
    }


def _stream(text: str) -> dict[str, object]:
    return {"name": "stdout", "output_type": "stream", "text": text.splitlines(keepends=True)}


def _image(size: int) -> dict[str, object]:
    """A display_data output with ``size`` bytes of base64 'PNG' that holds trigger words."""
    rng = random.Random(size)
    noise = bytes(rng.randrange(256) for _ in range(size * 3 // 4))
    payload = base64.b64encode(noise).decode()
    # planted look-alikes of vendor prefixes inside the image data
    payload = "AKIA".join(payload[i : i + 997] for i in range(0, len(payload), 997))
    return {
        "data": {"image/png": payload, "text/plain": ["<Figure size 640x480>"]},
        "metadata": {},
        "output_type": "display_data",
    }


def _findings(tmp_path: Path, text: str) -> list:
    (tmp_path / "notebook.ipynb").write_text(text, encoding="utf-8")
    return [f for f in audit(tmp_path).findings if f.path == "notebook.ipynb"]


def test_a_kaggle_key_in_a_cell_is_found_with_its_cell_and_line(tmp_path: Path) -> None:
    text = _notebook(
        _code("import json"),
        _code(f'creds = {{"username": "ada",\n "key": "{KAGGLE}"}}\nprint(creds)'),
    )
    [finding] = [f for f in _findings(tmp_path, text) if f.rule == "kaggle-key"]
    assert "(cell 2, line 2)" in finding.message
    assert KAGGLE not in finding.message
    assert text.splitlines()[finding.line - 1].strip().startswith('" \\"key\\"')


def test_a_kaggle_json_printed_by_a_cell_is_found_in_its_output(tmp_path: Path) -> None:
    printed = json.dumps({"username": "ada", "key": KAGGLE})
    text = _notebook(_code("!cat ~/.kaggle/kaggle.json", [_stream(printed)]))
    [finding] = [f for f in _findings(tmp_path, text) if f.rule == "kaggle-key"]
    assert "(the output of cell 1, line 1)" in finding.message


def test_a_marker_on_the_cell_line_silences_it(tmp_path: Path) -> None:
    source = f'"key": "{KAGGLE}"  # mlscaffold: ignore[kaggle-key]'
    assert not [f for f in _findings(tmp_path, _notebook(_code(source))) if f.rule == "kaggle-key"]


def test_image_payloads_are_not_scanned(tmp_path: Path) -> None:
    """2 MB of base64 'image' holding 'AKIA' every 997 characters: no finding, no rescans."""
    text = _notebook(_code("plt.plot(x)", [_image(2_000_000)]))
    secrets = [f for f in _findings(tmp_path, text) if f.severity.value == "blocker"]
    assert secrets == []
    cells = parse(text.encode())
    assert cells is not None
    decoded = decode(cells, text.encode())
    assert decoded.text == b"plt.plot(x)\n<Figure size 640x480>"


def test_a_broken_notebook_is_still_scanned_as_text(tmp_path: Path) -> None:
    text = '{"cells": [ {"source": ["creds = {\\"key\\": \\"' + KAGGLE + '\\"}"'
    assert parse(text.encode()) is None
    assert [f.rule for f in _findings(tmp_path, text)] == ["kaggle-key"]

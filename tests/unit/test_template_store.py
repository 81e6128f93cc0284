"""The per-user store of template versions behind `mlscaffold update`."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from mlscaffold.catalog import get_template, templates_root
from mlscaffold.template_store import Store, release_numbers


def test_snapshots_tag_versions_and_local_variants_in_the_order_they_were_stored(
    tmp_path: Path,
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(templates_root() / "recommender", templates / "recommender")
    store = Store("recommender", root=tmp_path / "store")
    template = get_template("recommender", templates)

    first = store.snapshot(template)
    assert first.tag == template.version
    assert store.snapshot(template) == first  # unchanged content: same tag, no new commit

    tags = [first.tag]
    for edit in ("zzz", "aaa"):  # content drifts without a version bump (a dev install)
        time.sleep(1.1)  # commit dates have one-second resolution
        notes = template.path / "CHANGELOG.md"
        notes.write_text(notes.read_text(encoding="utf-8") + edit, encoding="utf-8")
        tags.append(store.snapshot(get_template("recommender", templates)).tag)

    assert all(tag.startswith(f"{template.version}+") for tag in tags[1:])
    assert store.tags() == tags, "local variants must keep the order they were stored in"
    assert store.is_newer(tags[2], than=tags[1]) and not store.is_newer(tags[0], than=tags[1])


def test_release_numbers() -> None:
    assert release_numbers("1.10.0+abc") == (1, 10, 0) > release_numbers("1.9.3")

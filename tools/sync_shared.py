"""Mirror the shared portfolio layer (templates/_shared) into every template.

copier confines a template to its own folder: Jinja includes, YAML ``!include``
and symlinks may not reach outside it (copier-org/copier#2456). Three templates
that each work with a plain ``copier copy templates/NAME`` therefore cannot read
one shared folder while rendering. So the shared files have exactly one source,
``templates/_shared``, and this tool writes a copy of it into each template, with
a first line naming the source. ``--check`` (run by the test suite) fails when a
copy differs from its source or a copy whose source was deleted remains.

    python tools/sync_shared.py          # write the copies
    python tools/sync_shared.py --check  # verify them, change nothing
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
SOURCE = TEMPLATES / "_shared"
MARK = "Shared portfolio layer: edit templates/_shared/"
FIX = "then run `python tools/sync_shared.py`"


def header(relative: Path) -> str:
    """The first line a copy gets, or '' for files that must stay byte-identical."""
    where = f"{MARK}{relative.as_posix()}, {FIX}."
    if relative.suffix == ".jinja":
        return "{#- " + where + " -#}\n"
    if relative.parts[0] == "shared" and relative.suffix in {".yml", ".yaml"}:
        return f"# {where}\n"
    return ""


def expected_copies() -> dict[Path, bytes]:
    """Map each source file's relative path to the bytes its copy must hold."""
    result = {}
    for path in sorted(SOURCE.rglob("*")):
        if path.is_file():
            relative = path.relative_to(SOURCE)
            result[relative] = header(relative).encode() + path.read_bytes()
    return result


def template_dirs() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.iterdir()
        if path.is_dir() and not path.name.startswith(("_", ".")) and (path / "copier.yml").exists()
    )


def stale_copies(template: Path, expected: dict[Path, bytes]) -> list[Path]:
    """Copies in ``template`` whose source no longer exists."""
    stale = []
    for path in sorted(template.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(template)
        if relative in expected:
            continue
        if relative.parts[0] == "shared":
            stale.append(relative)
        elif path.suffix == ".jinja":
            with path.open(encoding="utf-8", errors="replace") as stream:
                if MARK in stream.readline():
                    stale.append(relative)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only; exit 1 on drift")
    args = parser.parse_args(argv)
    expected = expected_copies()
    problems = []
    for template in template_dirs():
        for relative, content in expected.items():
            target = template / relative
            if target.is_file() and target.read_bytes() == content:
                continue
            if args.check:
                problems.append(f"{target.relative_to(TEMPLATES)} differs from _shared/{relative}")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            target.chmod((SOURCE / relative).stat().st_mode & 0o777)
            print(f"wrote {target.relative_to(TEMPLATES)}")
        for relative in stale_copies(template, expected):
            if args.check:
                problems.append(f"{template.name}/{relative} has no source in _shared any more")
            else:
                (template / relative).unlink()
                print(f"removed {template.name}/{relative}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"{len(problems)} shared file(s) out of sync; {FIX}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Files that hold credentials by their nature: ``.env``, ``kaggle.json``, ``.netrc``, keys.

These are found by name (and a look inside, so an empty ``.env`` or a ``.pem``
holding only a public certificate is fine), in the working tree and in history.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from mlscaffold.check import rules
from mlscaffold.check.findings import Finding, Location
from mlscaffold.check.rules import file_fix

ENV_TEMPLATES = (".example", ".sample", ".template", ".dist", ".defaults", ".tmpl")
"""``.env.example`` and friends document the variables; they are meant to be committed."""
KEY_FILE_NAMES = frozenset({"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk"})
KEYSTORE_SUFFIXES = (".p12", ".pfx", ".jks", ".keystore")
_ENV_LINE = re.compile(
    rb"^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*([^#\r\n]*)", re.MULTILINE
)
_EMPTY_VALUES = frozenset({b"", b'""', b"''", b"changeme", b"none", b"null", b"xxx", b"..."})
_NETRC_SECRET = re.compile(rb"(?:^|\s)(?:password|passwd)\s+(\S+)")
_SECRET_NAME = re.compile(
    rb"(?i)key|token|secret|passw|pwd|pass\b|_pw\b|auth|credential|private|cookie|session|"
    rb"dsn|signature|salt|cert"
)
"""Variable names that say the value is a credential (API_KEY, DB_PASSWORD, HF_TOKEN...)."""
_URL_PASSWORD = re.compile(rb"://[^/\s:@]+:[^/\s@]+@")
_RANDOM_VALUE = re.compile(
    rb"^['\"]?(?=[^'\"\s]*[0-9])(?=[^'\"\s]*[A-Za-z])[A-Za-z0-9+/=_\-]{24,}['\"]?$"
)
"""A long token of letters and digits: random-looking whatever its variable's name."""


def is_env_file(name: str) -> bool:
    """``.env``, ``.env.local``, ``prod.env``, ``.envrc``; not ``.env.example``."""
    lowered = name.lower()
    if lowered.endswith(ENV_TEMPLATES):
        return False
    return lowered in (".env", ".envrc") or lowered.startswith(".env.") or lowered.endswith(".env")


def is_credential_name(path: str) -> bool:
    """Tell whether the file name alone makes ``path`` a candidate credentials file."""
    name = path.rsplit("/", 1)[-1].lower()
    return (
        is_env_file(name)
        or name in ("kaggle.json", ".netrc", "_netrc")
        or name in KEY_FILE_NAMES
        or name.endswith(KEYSTORE_SUFFIXES)
    )


def credential_findings(
    path: str, data: bytes | None, location: Location = "tree"
) -> Iterator[Finding]:
    """Findings for a credentials file at ``path`` with content ``data`` (None: not read)."""
    name = path.rsplit("/", 1)[-1]
    lowered = name.lower()
    if is_env_file(name) and data is not None:
        yield from _env_file(path, data, location)
    elif lowered == "kaggle.json" and data is not None:
        yield from _kaggle_json(path, data, location)
    elif lowered in (".netrc", "_netrc") and data is not None:
        yield from _netrc(path, data, location)
    elif lowered in KEY_FILE_NAMES or lowered.endswith(KEYSTORE_SUFFIXES):
        rule = rules.PRIVATE_KEY_FILE
        yield rule.finding(
            path,
            f"{name} is a private key or keystore file.",
            location=location,
            fix=file_fix(rule, path, location),
        )


def _env_file(path: str, data: bytes, location: Location) -> Iterator[Finding]:
    names = []
    first_line = None
    for match in _ENV_LINE.finditer(data):
        value = match.group(2).strip()
        if value.lower() in _EMPTY_VALUES or value.startswith((b"<", b"${")):
            continue
        if not (
            _SECRET_NAME.search(match.group(1))
            or _URL_PASSWORD.search(value)
            or _RANDOM_VALUE.match(value)
        ):
            continue  # a setting (COMPOSE_PROJECT_NAME=app, DEBUG=1), not a credential
        names.append(match.group(1).decode("utf-8", "replace"))
        if first_line is None:
            first_line = data.count(b"\n", 0, match.start()) + 1
    if names:
        rule = rules.ENV_FILE
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        state = "would be published" if location == "tree" else "was committed"
        yield rule.finding(
            path,
            f"environment file with {len(names)} secret-looking "
            f"value{'s' if len(names) != 1 else ''} ({shown}) {state}.",
            line=first_line,
            location=location,
            fix=file_fix(rule, path, location),
        )


def _kaggle_json(path: str, data: bytes, location: Location) -> Iterator[Finding]:
    try:
        content = json.loads(data)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to read
        content = {}
    if isinstance(content, dict) and str(content.get("key") or "").strip():
        rule = rules.KAGGLE_JSON
        user = str(content.get("username") or "?")
        yield rule.finding(
            path,
            f"Kaggle API credentials of user '{user}'.",
            location=location,
            fix=file_fix(rule, path, location),
        )


def _netrc(path: str, data: bytes, location: Location) -> Iterator[Finding]:
    match = _NETRC_SECRET.search(data)
    if match:
        rule = rules.NETRC_FILE
        yield rule.finding(
            path,
            "login file with a password or token (e.g. the one `wandb login` writes).",
            line=data.count(b"\n", 0, match.start(1)) + 1,
            location=location,
            fix=file_fix(rule, path, location),
        )

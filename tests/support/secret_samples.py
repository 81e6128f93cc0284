"""Credential-shaped strings for the check tests, built at run time from seeded generators.

They have the right format but are never valid, so no file of this repository holds
anything that looks like a real credential.
"""

from __future__ import annotations

import base64
import json
import random
import string

UPPER, LOWER, DIGITS = string.ascii_uppercase, string.ascii_lowercase, string.digits
ALNUM = UPPER + LOWER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"


def fake(seed: str, alphabet: str, length: int) -> str:
    """A random string, the same for the same seed (no real credential is this)."""
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(length))


def b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def private_key_block(kind: str = "RSA PRIVATE KEY", seed: str = "key") -> str:
    body = "\n".join(fake(f"{seed}{i}", B64, 64) for i in range(4))
    return f"-----BEGIN {kind}-----\n{body}\n-----END {kind}-----\n"

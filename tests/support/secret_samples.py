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


def neptune_token(seed: str = "nep", api_key: str | None = None) -> str:
    """A Neptune API token: base64 of the JSON the Neptune client decodes."""
    key = api_key if api_key is not None else b64url({"k": fake(seed, ALNUM, 40)})
    data = {"api_address": "https://app.neptune.ai", "api_url": "https://app.neptune.ai"}
    raw = json.dumps({**data, "api_key": key}).encode()
    return base64.b64encode(raw).decode()


def platform_tokens(seed: str = "") -> dict[str, str]:
    """One token per ML, LLM and developer platform detector, in the vendor's format.

    The formats and their sources are listed in docs/check-detectors.md.
    """

    def f(name: str, alphabet: str, length: int) -> str:
        return fake(f"{seed}{name}", alphabet, length)

    token_chars = ALNUM + "-_"
    bech32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
    mapbox_payload = b64url({"u": "ada", "a": f("mbp", LOWER + DIGITS, 12)})
    sentry_payload = base64.b64encode(
        json.dumps({"iat": 1700000000.0, "url": "https://sentry.io", "org": "ada"}).encode()
    ).decode()
    return {
        "databricks": f"dapi{f('db', HEX, 32)}",
        "databricks-azure": f"dapi{f('dba', HEX, 32)}-2",
        "wandb-v1": f"wandb_v1_{f('wb1', ALNUM, 27)}_{f('wb2', ALNUM, 49)}",
        "neptune": neptune_token(f"{seed}nep"),
        "comet": f("cm", ALNUM, 25),
        "clearml": f("cl", ALNUM, 50),
        "modal": f"as-{f('md', ALNUM, 22)}",
        "anthropic-admin": f"sk-ant-admin01-{f('aa', token_chars, 93)}AA",
        "groq": f"gsk_{f('gq', ALNUM, 52)}",
        "perplexity": f"pplx-{f('px', ALNUM, 48)}",
        "xai": f"xai-{f('xa', ALNUM, 80)}",
        "openrouter": f"sk-or-v1-{f('or', HEX, 64)}",
        "mistral": f("ms", ALNUM, 32),
        "cohere": f("co", ALNUM, 40),
        "together": f"tgp_v1_{f('tg', token_chars, 43)}",
        "together-legacy": f("tgl", HEX, 64),
        "fireworks": f"fw_{f('fw', ALNUM, 24)}",
        "deepseek": f"sk-{f('ds', HEX, 32)}",
        "nvidia": f"nvapi-{f('nv', token_chars, 64)}",
        "elevenlabs": f"sk_{f('el', HEX, 48)}",
        "langsmith": f"lsv2_pt_{f('ls', HEX, 32)}_{f('ls2', HEX, 10)}",
        "pinecone": f"pcsk_{f('pc', ALNUM, 6)}_{f('pc2', ALNUM, 63)}",
        "pinecone-legacy": "-".join(f(f"pl{i}", HEX, n) for i, n in enumerate((8, 4, 4, 4, 12))),
        "tavily": f"tvly-dev-{f('tv', ALNUM, 32)}",
        "ngrok": f"2{f('ng', ALNUM, 26)}_{f('ng2', DIGITS, 1)}{f('ng3', ALNUM, 20)}",
        "google-oauth": f"GOCSPX-{f('go', token_chars, 28)}",
        "supabase": f"sbp_{f('sb', HEX, 40)}",
        "supabase-secret": f"sb_secret_{f('sbs', token_chars, 31)}",
        "notion": f"ntn_{f('nt', DIGITS, 11)}{f('nt2', ALNUM, 35)}",
        "notion-legacy": f"secret_{f('ntl', ALNUM, 43)}",
        "dockerhub": f"dckr_pat_{f('dk', token_chars, 27)}",
        "sentry-user": f"sntryu_{f('su', HEX, 64)}",
        "sentry-org": f"sntrys_{sentry_payload}_{f('so', ALNUM + '+/', 43)}",
        "grafana-sa": f"glsa_{f('gs', ALNUM, 32)}_{f('gs2', HEX, 8)}",
        "grafana-cloud": f"glc_{f('gc', B64, 60)}==",
        "linear": f"lin_api_{f('ln', ALNUM, 40)}",
        "postman": f"PMAK-{f('pm', HEX, 24)}-{f('pm2', HEX, 34)}",
        "shopify": f"shpat_{f('sh', HEX, 32)}",
        "digitalocean": f"dop_v1_{f('do', HEX, 64)}",
        "doppler": f"dp.pt.{f('dp', ALNUM, 43)}",
        "heroku": f"HRKU-AA{f('hk', token_chars, 58)}",
        "heroku-legacy": "-".join(f(f"hl{i}", HEX, n) for i, n in enumerate((8, 4, 4, 4, 12))),
        "vault": f"hvs.{f('hv', token_chars, 95)}",
        "vault-short": f"hvs.{f('hvs', ALNUM, 24)}",
        "terraform": f"{f('tf', ALNUM, 14)}.atlasv1.{f('tf2', ALNUM, 67)}",
        "atlassian": f"ATATT3{f('at', token_chars, 180)}={f('at2', HEX.upper(), 8)}",
        "azure-ad": f"{f('az', ALNUM, 3)}8Q~{f('az2', ALNUM + '_~.-', 34)}",
        "mapbox": f"sk.{mapbox_payload}.{f('mb', token_chars, 22)}",
        "age": f"AGE-SECRET-KEY-1{f('age', bech32, 58)}",
    }

"""Find credentials in file contents: detect-secrets' plugins plus our own patterns.

Speed comes from never running a detector on a line that cannot match it. Every
detector declares *triggers*, each a necessary condition of a match: lowercase
literals (searched in the lowercased bytes), or byte regexes that start with a
literal. A file is scanned in three steps:

1. file: search the triggers in the whole file at C speed; no hit, no more work;
2. lines: for each hit, take its line and the detectors that trigger stands for;
3. detectors: decode the line and run just those detectors on it.

Detection quality stays detect-secrets' own: its plugins and heuristic filters
decide on every candidate line (``tests/test_check_secrets.py`` proves each
detector's triggers with a sample). Deliberate differences, each for a reason:

- ``HexHighEntropyString`` and ``IPPublicDetector`` are off: the first flags every
  sha256 digest and git SHA in an ML repository, the second is not a credential.
- ``PrivateKeyDetector`` is replaced by :func:`find_private_keys`, which wants key
  material after the ``-----BEGIN ... PRIVATE KEY-----`` header (documentation
  that mentions the header is not a blocker) and also knows ``ENCRYPTED`` keys.
- ``is_indirect_reference`` (``x = get(...)``) filters only the keyword detector:
  detect-secrets applies it to every plugin, which hides the token in
  ``HfApi(token="hf_...")``.
- High-entropy strings are warnings, not blockers; documented examples and
  placeholders (``AKIAIOSFODNN7EXAMPLE``, ``hf_xxxx...``, ``<your-key>``) are skipped.
- Notebook lines are JSON strings: they are unescaped before detection, and
  embedded images (``"image/png": "iVBOR..."``) are skipped.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import itertools
import json
import re
import string
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from mlscaffold.check import rules
from mlscaffold.check.findings import mask
from mlscaffold.check.rules import Rule


@dataclass(frozen=True)
class SecretMatch:
    """A credential found on one line.

    ``value`` is the raw secret (it tells two findings apart; never print it);
    ``preview`` is what may be shown: the masked value, or a private key's header.
    """

    rule: Rule
    kind: str
    line: int
    value: str
    preview: str = ""

    def __post_init__(self) -> None:
        if not self.preview:
            object.__setattr__(self, "preview", mask(self.value))


@dataclass(frozen=True)
class Detector:
    """One way of finding a kind of secret, and the triggers that gate it.

    Every line the detector can match contains one of ``literals`` (lowercased) or
    matches one of the regexes; the tests hold every detector to that promise.
    """

    rule: Rule
    kind: str
    find: Callable[[str, str], Iterable[str]]
    """``find(path, line)`` yields the secret values on ``line``."""
    literals: tuple[bytes, ...] = ()
    """Lowercase literals, searched in the lowercased bytes."""
    shapes: tuple[bytes, ...] = ()
    """Regexes searched in the raw bytes; each starts with a literal, for speed."""
    lowered_shapes: tuple[bytes, ...] = ()
    """Regexes searched in the lowercased bytes."""


# --- Values that are examples or placeholders, not secrets -----------------------------------
_PLACEHOLDER = re.compile(
    r"example|sample|placeholder|dummy|fake|redacted|changeme|change_me|change-me|your|"
    r"xxxx|\*\*\*|\.\.\.|<|>|\{\{|\$\{|insert|replace|0000000|1234567|abcdefgh",
    re.IGNORECASE,
)


def is_placeholder(value: str) -> bool:
    """Tell whether ``value`` is obviously not a real credential.

    True for documented examples (``AKIAIOSFODNN7EXAMPLE``), template markers
    (``<your-token>``, ``${TOKEN}``), masks (``hf_xxxxxxxx``) and values made of very
    few distinct characters.
    """
    if _PLACEHOLDER.search(value):
        return True
    body = re.sub(r"^(?:hf_|api_org_|gh[pousr]_|github_pat_|sk-(?:proj-|ant-)?|r8_)", "", value)
    return len(set(body.lower())) <= 4


# --- Triggers shared by several detectors, factored on a first letter: one pass each -----
_A_SHAPE = (
    rb"A(?:KC[a-zA-Z0-9]{10}|P[\dABCDEF][a-zA-Z0-9]{8}|(?:3T[A-Z0-9]|BIA|CCA|KIA|SIA)[0-9A-Z]{16}"
    rb"|C[a-z0-9]{32}|Iza[0-9A-Za-z_-]{35})"
)
"""Artifactory, AWS key ids, Twilio account ids and Google API keys."""
_S_SHAPE = rb"S(?:K[a-z0-9]{32}|G\.[a-zA-Z0-9_-]{22}\.)"
"""Twilio keys and SendGrid keys."""
_GIT_HOSTS = rb"g(?:h[pousr]_|ithub_pat_|l(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-|r1348941)"
"""GitHub and GitLab token prefixes (on the lowercased bytes)."""

# --- Our own patterns: what detect-secrets does not know -----------------------------------
_START = r"(?<![A-Za-z0-9_-])"
_ASSIGN = r"""['"]?\]?\s*(?::=|=>|=|:)\s*['"]?"""
_END = r"(?![A-Za-z0-9_-])"
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_API_KEY = (b"apikey", b"api_key")
"""Triggers of ``VENDOR_API_KEY = ...`` and ``Vendor(api_key=...)``: every spelling holds one."""


def _own(
    rule: Rule,
    kind: str,
    pattern: str,
    literals: tuple[bytes, ...] = (),
    shapes: tuple[bytes, ...] = (),
    lowered_shapes: tuple[bytes, ...] = (),
    keep: Callable[[str, str], bool] | None = None,
) -> Detector:
    """A detector from a regex whose group 1 is the secret; ``keep(path, value)`` may veto."""
    regex = re.compile(pattern)

    def find(path: str, line: str) -> Iterator[str]:
        for match in regex.finditer(line):
            if keep is None or keep(path, match.group(1)):
                yield match.group(1)

    return Detector(rule, kind, find, literals, shapes, lowered_shapes)


def _prefixed(
    rule: Rule, kind: str, token: str, literals: tuple[bytes, ...], end: str = _END
) -> Detector:
    """A token that names its vendor by its prefix (``gsk_...``), wherever it stands."""
    return _own(rule, kind, f"{_START}({token}){end}", literals)


def _assigned(
    rule: Rule,
    kind: str,
    name: str,
    value: str,
    literals: tuple[bytes, ...] = _API_KEY,
) -> Detector:
    """A value with no prefix of its own, assigned to the vendor's variable (``NAME=...``)."""
    return _own(rule, kind, f"(?<![A-Za-z0-9])(?i:{name}){_ASSIGN}({value}){_END}", literals)


def _passed(rule: Rule, kind: str, call: str, value: str, literals: tuple[bytes, ...]) -> Detector:
    """A value passed to the vendor's client: ``Mistral(api_key="...")``."""
    pattern = rf"""(?:{call})\((?:[^()]*?[,\s])?api_key\s*=\s*["']({value})["']"""
    return _own(rule, kind, pattern, literals)


def _revoke(vendor: str, where: str) -> str:
    """The kind of a vendor's key that shares a rule: it says where to revoke it."""
    return f"{vendor} (revoke at {where})"


_PUBLIC_NEPTUNE_KEYS = frozenset(
    {"8967f97ca302b69a838ac953e31658e6e8641a1beb72288725a85ff294b1a557"}
)
"""sha256 of the ``api_key`` in ``neptune.ANONYMOUS_API_TOKEN``, a public demo token."""


def is_neptune_token(path: str, value: str) -> bool:
    """Tell whether ``value`` is a Neptune API token: base64 JSON with an ``api_key``.

    The public anonymous token of Neptune's tutorials is not a secret.
    """
    try:
        data = json.loads(base64.b64decode(value + "=" * (-len(value) % 4)))
    except ValueError:  # binascii, JSON and Unicode errors are all ValueErrors
        return False
    key = data.get("api_key") if isinstance(data, dict) else None
    if not isinstance(key, str) or not key:
        return False
    return hashlib.sha256(key.encode()).hexdigest() not in _PUBLIC_NEPTUNE_KEYS


def _in_clearml_conf(path: str, value: str) -> bool:
    """``secret_key = ...`` is ClearML's only in its configuration file."""
    return path.rsplit("/", 1)[-1] == "clearml.conf"


OWN_DETECTORS: tuple[Detector, ...] = (
    _own(
        rules.HUGGINGFACE_TOKEN,
        "Hugging Face token",
        _START + r"((?:hf_|api_org_)[A-Za-z0-9]{30,})(?![A-Za-z0-9])",
        (b"hf_", b"api_org_"),
    ),
    _own(
        rules.KAGGLE_KEY,
        "Kaggle API key",
        r"(?i:kaggle_?(?:api_?)?(?:key|token))" + _ASSIGN + r"([A-Za-z0-9_]{20,})",
        (b"kaggle",),
    ),
    _own(
        rules.KAGGLE_KEY,
        "Kaggle API key",
        r'"key"\s*:\s*"([0-9a-f]{32}|KGAT_[A-Za-z0-9]{20,})"',
        (b'"key"',),
    ),
    _own(
        rules.WANDB_KEY,
        "Weights & Biases API key",
        r"(?i:wandb_?api_?key|wandb\.login\(.*?key)" + _ASSIGN + r"([A-Za-z0-9_-]{32,})",
        (b"wandb",),
    ),
    _own(
        rules.OPENAI_KEY,
        "OpenAI API key",
        _START + r"(sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|"
        r"[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,}))",
        (b"sk-",),
    ),
    _own(
        rules.OPENAI_KEY,
        "OpenAI API key",
        # OpenRouter and Anthropic keys are often set as OPENAI_API_KEY: theirs to revoke
        r"(?i:openai_?api_?key)" + _ASSIGN + r"(sk-(?!or-v1-|ant-)[A-Za-z0-9_-]{20,})",
        (b"sk-",),
    ),
    _own(
        rules.AWS_KEY,
        "AWS secret access key",
        r"(?i:aws_?secret_?(?:access_?)?key)" + _ASSIGN + r"([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
        (b"aws",),
    ),
    _own(
        rules.GITHUB_TOKEN,
        "GitHub token",
        r"(?<![A-Za-z0-9_])(github_pat_[A-Za-z0-9_]{40,}|gh[pousr]_[A-Za-z0-9]{36,})",
        lowered_shapes=(_GIT_HOSTS,),
    ),
    _own(
        rules.API_TOKEN,
        _revoke("Anthropic API key", "https://console.anthropic.com/settings/keys"),
        _START + r"(sk-ant-(?!admin)[a-z]+\d*-[A-Za-z0-9_-]{40,})",
        (b"sk-",),
    ),
    _own(
        rules.API_TOKEN,
        _revoke("Google API key", "https://console.cloud.google.com/apis/credentials"),
        _START + r"(AIza[0-9A-Za-z_-]{35})",
        shapes=(_A_SHAPE,),
    ),
    _own(
        rules.API_TOKEN,
        _revoke("Replicate API token", "https://replicate.com/account/api-tokens"),
        r"(?<![A-Za-z0-9_])(r8_[A-Za-z0-9]{37})(?![A-Za-z0-9])",
        (b"r8_",),
    ),
    # --- The platforms ML and LLM learners use: formats and sources in docs/check-detectors.md.
    # The file pass costs one regex per first letter of the triggers, so a trigger is the
    # part of the prefix that starts with a letter other detectors already use: `gsk_` is
    # found by `sk_`, `dapi` by `api`, `tvly-` by `ly-`. Only `l`, `n` and `q` are new.
    # Data and ML platforms
    _prefixed(
        rules.DATABRICKS_TOKEN,
        "Databricks access token",
        r"dapi[0-9a-f]{32}(?:-\d{1,2})?",
        (b"api",),
    ),
    _prefixed(
        rules.WANDB_KEY,
        "Weights & Biases API key",
        r"wandb_v1_[A-Za-z0-9]{20,}_[A-Za-z0-9]{40,}",
        (b"wandb_v1_",),
    ),
    _own(
        rules.API_TOKEN,
        _revoke("Neptune API token", "https://app.neptune.ai (your profile > Get API token)"),
        r"(?i:neptune_?api_?token|neptune\.init\w*\([^)]*?api_token)"
        + _ASSIGN
        + r"(eyJ[A-Za-z0-9+/]{40,}={0,2})(?![A-Za-z0-9+/=])",
        (b"api_token", b"apitoken"),
        keep=is_neptune_token,
    ),
    _assigned(
        rules.API_TOKEN,
        _revoke("Comet API key", "https://www.comet.com/account-settings/apiKeys"),
        r"comet_?api_?key",
        r"[A-Za-z0-9]{20,}",
        (b"comet",),
    ),
    _passed(
        rules.API_TOKEN,
        _revoke("Comet API key", "https://www.comet.com/account-settings/apiKeys"),
        r"comet_ml\.\w+",
        r"[A-Za-z0-9]{20,}",
        (b"comet",),
    ),
    _assigned(
        rules.API_TOKEN,
        _revoke("ClearML secret key", "https://app.clear.ml/settings/workspace-configuration"),
        r"clearml_api_secret_key",
        r"[A-Za-z0-9_-]{30,}",
        (b"clearml",),
    ),
    _own(
        rules.API_TOKEN,
        _revoke("ClearML secret key", "https://app.clear.ml/settings/workspace-configuration"),
        r"""(?<![A-Za-z0-9_])"?secret_key"?\s*[:=]\s*"?([A-Za-z0-9_-]{30,})""",
        (b"secret_key",),
        keep=_in_clearml_conf,
    ),
    _own(
        rules.API_TOKEN,
        _revoke("Modal token secret", "https://modal.com/settings/tokens"),
        r"""(?i:token[_-]secret)['"]?\]?[\s=:'"]{1,5}(as-[A-Za-z0-9]{20,})""" + _END,
        (b"token_secret", b"token-secret"),
    ),
    # LLM providers
    _own(
        rules.API_TOKEN,
        _revoke("Anthropic admin API key", "https://console.anthropic.com/settings/admin-keys"),
        _START + r"(sk-ant-admin\d*-[A-Za-z0-9_-]{40,})",
        (b"sk-ant-admin",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Groq API key", "https://console.groq.com/keys"),
        r"gsk_[A-Za-z0-9]{48,}",
        (b"sk_",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Perplexity API key", "https://www.perplexity.ai/settings/api"),
        r"pplx-[A-Za-z0-9]{40,}",
        (b"pplx-",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("xAI API key", "https://console.x.ai"),
        r"xai-[A-Za-z0-9_]{70,}",
        (b"xai-",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("OpenRouter API key", "https://openrouter.ai/settings/keys"),
        r"sk-or-v1-[0-9a-f]{64}",
        (b"sk-or-v1-",),
    ),
    _assigned(
        rules.API_TOKEN,
        _revoke("Mistral API key", "https://console.mistral.ai/api-keys"),
        r"mistral_?(?:ai_?)?api_?key",
        r"[A-Za-z0-9]{32}",
    ),
    _passed(
        rules.API_TOKEN,
        _revoke("Mistral API key", "https://console.mistral.ai/api-keys"),
        r"Mistral(?:Client|AsyncClient)?",
        r"[A-Za-z0-9]{32}",
        _API_KEY,
    ),
    _assigned(
        rules.API_TOKEN,
        _revoke("Cohere API key", "https://dashboard.cohere.com/api-keys"),
        r"cohere_?api_?key|co_api_key",
        r"[A-Za-z0-9]{40}",
    ),
    _own(
        rules.API_TOKEN,
        _revoke("Cohere API key", "https://dashboard.cohere.com/api-keys"),
        r"""cohere\.(?:Async)?Client(?:V2)?\(\s*(?:api_key\s*=\s*)?["']([A-Za-z0-9]{40})["']""",
        (b"cohere",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Together AI API key", "https://api.together.ai/settings/api-keys"),
        r"tgp_v1_[A-Za-z0-9_-]{40,}",
        (b"_v1_",),
    ),
    _assigned(
        rules.API_TOKEN,
        _revoke("Together AI API key", "https://api.together.ai/settings/api-keys"),
        r"together_?(?:ai_?)?api_?key",
        r"[0-9a-f]{64}",
    ),
    _assigned(
        rules.API_TOKEN,
        _revoke("Fireworks AI API key", "https://fireworks.ai/account/api-keys"),
        r"fireworks_?(?:ai_?)?api_?key|fireworks\.client\.api_key",
        r"fw_[A-Za-z0-9]{20,}",
    ),
    _passed(
        rules.API_TOKEN,
        _revoke("Fireworks AI API key", "https://fireworks.ai/account/api-keys"),
        r"Fireworks",
        r"fw_[A-Za-z0-9]{20,}",
        _API_KEY,
    ),
    _assigned(
        rules.API_TOKEN,
        _revoke("DeepSeek API key", "https://platform.deepseek.com/api_keys"),
        r"deepseek_?api_?key",
        r"sk-[0-9a-f]{32}",
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("NVIDIA API key", "https://org.ngc.nvidia.com/setup/api-keys"),
        r"nvapi-[A-Za-z0-9_-]{60,}",
        (b"api-",),
    ),
    _assigned(
        rules.API_TOKEN,
        _revoke("ElevenLabs API key", "https://elevenlabs.io/app/settings/api-keys"),
        r"eleven_?(?:labs_?)?api_?key|xi[-_]api[-_]key",
        r"sk_[0-9a-f]{48}|[0-9a-f]{32}",
        (*_API_KEY, b"xi-api-key"),
    ),
    # LLM application platforms
    _prefixed(
        rules.API_TOKEN,
        _revoke("LangSmith API key", "https://smith.langchain.com/settings"),
        r"lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}|ls__[0-9a-f]{32}",
        (b"lsv2_", b"ls__"),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Pinecone API key", "https://app.pinecone.io (API Keys)"),
        r"pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{50,}",
        (b"pcsk_",),
    ),
    _assigned(
        rules.API_TOKEN,
        _revoke("Pinecone API key", "https://app.pinecone.io (API Keys)"),
        r"pinecone_?api_?key",
        _UUID,
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Tavily API key", "https://app.tavily.com"),
        r"tvly-[A-Za-z0-9_-]{30,}",
        (b"ly-",),
    ),
    _own(
        rules.API_TOKEN,
        _revoke("ngrok authtoken", "https://dashboard.ngrok.com/get-started/your-authtoken"),
        r"(?i:ngrok)[^\n]{0,40}?(?<![A-Za-z0-9])([1-9][A-Za-z0-9]{26}_[0-9][A-Za-z0-9]{20})" + _END,
        (b"rok",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Google OAuth client secret", "https://console.cloud.google.com/apis/credentials"),
        r"GOCSPX-[A-Za-z0-9_-]{28}",
        (b"cspx-",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Supabase access token", "https://supabase.com/dashboard/account/tokens"),
        r"sbp_[A-Za-z0-9]{40}",
        (b"sbp_",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Supabase secret key", "your Supabase project's Settings > API Keys"),
        r"sb_secret_[A-Za-z0-9_-]{20,}",
        (b"sb_secret_",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Notion integration token", "https://www.notion.so/profile/integrations"),
        r"ntn_[0-9]{8,}[A-Za-z0-9]{30,}",
        (b"ntn_",),
    ),
    _own(
        rules.API_TOKEN,
        _revoke("Notion integration token", "https://www.notion.so/profile/integrations"),
        r"(?i:notion)[^\n]{0,40}?(?<![A-Za-z0-9_])(secret_[A-Za-z0-9]{43})" + _END,
        (b"secret_",),
    ),
    # Developer platforms
    _prefixed(
        rules.API_TOKEN,
        _revoke(
            "Docker Hub access token", "https://app.docker.com/settings/personal-access-tokens"
        ),
        r"dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,}",
        (b"ckr_",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Sentry user token", "https://sentry.io/settings/account/api/auth-tokens/"),
        r"sntryu_[0-9a-f]{64}",
        (b"sntryu_",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Sentry organization token", "Sentry > Settings > Organization Tokens"),
        r"sntrys_eyJ[A-Za-z0-9+/]{30,}={0,2}_[A-Za-z0-9+/]{43}",
        (b"sntrys_",),
        end=r"(?![A-Za-z0-9+/=_-])",
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Grafana service account token", "Grafana > Administration > Service accounts"),
        r"glsa_[A-Za-z0-9]{32}_[0-9a-fA-F]{8}",
        (b"lsa_",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Grafana Cloud token", "https://grafana.com (your org > Access Policies)"),
        r"glc_[A-Za-z0-9+/]{32,}={0,3}",
        (b"lc_",),
        end=r"(?![A-Za-z0-9+/=_-])",
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Linear API key", "https://linear.app/settings/account/security"),
        r"lin_api_[A-Za-z0-9]{40}",
        (b"lin_api_",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Postman API key", "https://go.postman.co/settings/me/api-keys"),
        r"PMAK-[0-9a-fA-F]{24}-[0-9a-fA-F]{34}",
        (b"pmak-",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Shopify access token", "your Shopify admin > Settings > Apps > Develop apps"),
        r"shp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}",
        (b"shpat_", b"shpca_", b"shppa_", b"shpss_"),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("DigitalOcean token", "https://cloud.digitalocean.com/account/api/tokens"),
        r"do[opr]_v1_[0-9a-f]{64}",
        (b"_v1_",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Doppler token", "https://dashboard.doppler.com (Tokens)"),
        r"dp\.(?:pt|st(?:\.[a-z0-9_-]{2,35})?|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}",
        (b"p.pt.", b"p.st.", b"p.sa.", b"p.ct.", b"p.scim.", b"p.audit."),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Heroku API key", "https://dashboard.heroku.com/account/applications"),
        r"HRKU-AA[A-Za-z0-9_-]{58}",
        (b"hrku-",),
    ),
    _assigned(
        rules.API_TOKEN,
        _revoke("Heroku API key", "https://dashboard.heroku.com/account/applications"),
        r"heroku_?api_?key",
        _UUID,
    ),
    _prefixed(
        rules.API_TOKEN,
        "HashiCorp Vault token (revoke it: `vault token revoke TOKEN`)",
        r"hv[sb]\.[A-Za-z0-9_-]{90,}",
        (b"hvs.", b"hvb."),
    ),
    _assigned(
        rules.API_TOKEN,
        "HashiCorp Vault token (revoke it: `vault token revoke TOKEN`)",
        r"vault_token",
        r"hvs\.[A-Za-z0-9_-]{24,}",
        (b"hvs.",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Terraform Cloud token", "https://app.terraform.io/app/settings/tokens"),
        r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}",
        (b"atlasv1",),
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke(
            "Atlassian API token", "https://id.atlassian.com/manage-profile/security/api-tokens"
        ),
        r"ATATT3[A-Za-z0-9_=-]{150,}",
        (b"atatt3",),
        end=r"(?![A-Za-z0-9_=-])",
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke(
            "Azure AD client secret",
            "Azure portal > Microsoft Entra ID > App registrations > Certificates & secrets",
        ),
        r"[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}",
        (b"q~",),
        end=r"(?![A-Za-z0-9_~.-])",
    ),
    _prefixed(
        rules.API_TOKEN,
        _revoke("Mapbox secret token", "https://console.mapbox.com/account/access-tokens/"),
        r"sk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}",
        (b"sk.eyj",),
    ),
    _prefixed(
        rules.PRIVATE_KEY,
        "age secret key (make a new one with `age-keygen` and re-encrypt your files)",
        r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
        (b"age-secret-key-1",),
    ),
)


# --- detect-secrets plugins ----------------------------------------------------------------
_KEYWORD_LITERALS = (
    *(
        f"{prefix}{separator}{word}".encode()
        for prefix, word in (
            *((p, "key") for p in ("api", "auth", "service", "account", "db", "database")),
            *((p, "key") for p in ("priv", "private", "client")),
            *((p, "pass") for p in ("db", "database", "key")),
        )
        for separator in ("", "_")
    ),
    b"passw",
    b"pwd",
    b"secret",
    b"contrase",
)
"""detect-secrets' keyword denylist as lowercase literals: one is in every line it flags."""
_ASSIGNMENT_GATE = re.compile(
    r"""(?:key|pwd|pw|password|pass|token)['"]?\]? *(?:=|:|=>| )+ *['"]?[a-z0-9_\-]{24}"""
)
"""Necessary for the IBM, Cloudant and SoftLayer patterns, on a lowercased line."""
_QUOTED_RUN = re.compile(r"""["']([A-Za-z0-9+/=]{20,})["']""")
_HEX = re.compile(r"[0-9a-fA-F]+")
LONGEST_RANDOM_STRING = 200
"""High-entropy strings longer than this are data (embedded images, hash lists), not keys."""
_ENTROPY_SKIPPED = (".lock", ".svg", ".css", ".map", ".min.js", ".sum")
"""Files detect-secrets itself does not scan for random strings (lock files, assets)."""


@dataclass(frozen=True)
class _Plugin:
    """How we run one detect-secrets plugin."""

    rule: Rule
    kind: str
    literals: tuple[bytes, ...] = ()
    shapes: tuple[bytes, ...] = ()
    lowered_shapes: tuple[bytes, ...] = ()
    gate: re.Pattern[str] | None = None
    """A cheap regex the lowercased line must match before the plugin runs."""


def _assignment(rule: Rule, kind: str, *literals: bytes) -> _Plugin:
    """IBM, Cloudant, SoftLayer: a keyword, then an assignment of a 24+ character value.

    ``token`` is too common a word (NLP code) to be a literal trigger: it is a shape.
    """
    return _Plugin(
        rule,
        kind,
        literals=(b"key", b"pw", b"pass", *literals),
        lowered_shapes=(rb"""token['"]?\]? *(?:=|:|=>| )+ *['"]?[a-z0-9_\-]{24}""",),
        gate=_ASSIGNMENT_GATE,
    )


PLUGINS: dict[str, _Plugin] = {
    "Artifactory Credentials": _Plugin(
        rules.API_TOKEN, "Artifactory credentials", shapes=(_A_SHAPE,)
    ),
    "AWS Access Key": _Plugin(
        rules.AWS_KEY, "AWS access key", literals=(b"aws",), shapes=(_A_SHAPE,)
    ),
    "Azure Storage Account access key": _Plugin(
        rules.API_TOKEN, "Azure storage account key", literals=(b"accountkey=",)
    ),
    "Basic Auth Credentials": _Plugin(rules.PASSWORD_IN_URL, "password in a URL", (b"://",)),
    "Cloudant Credentials": _assignment(rules.API_TOKEN, "Cloudant credentials", b"://"),
    "Discord Bot Token": _Plugin(
        rules.API_TOKEN,
        "Discord bot token",
        shapes=(rb"\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}",),
    ),
    "GitHub Token": _Plugin(rules.GITHUB_TOKEN, "GitHub token", lowered_shapes=(_GIT_HOSTS,)),
    "GitLab Token": _Plugin(rules.API_TOKEN, "GitLab token", lowered_shapes=(_GIT_HOSTS,)),
    "Base64 High Entropy String": _Plugin(
        rules.POSSIBLE_SECRET,
        "random-looking string",
        shapes=(rb'"[A-Za-z0-9+/=]{20}', rb"'[A-Za-z0-9+/=]{20}"),
    ),
    "IBM Cloud IAM Key": _assignment(rules.API_TOKEN, "IBM Cloud IAM key"),
    "IBM COS HMAC Credentials": _Plugin(rules.API_TOKEN, "IBM COS HMAC key", (b"secret",)),
    "JSON Web Token": _Plugin(rules.API_TOKEN, "JSON Web Token", shapes=(rb"eyJ",)),
    "Secret Keyword": _Plugin(
        rules.HARDCODED_SECRET, "password or secret in the code", _KEYWORD_LITERALS
    ),
    "Mailchimp Access Key": _Plugin(rules.API_TOKEN, "Mailchimp key", (b"-us",)),
    "NPM tokens": _Plugin(rules.API_TOKEN, "npm token", (b"_authtoken",)),
    "OpenAI Token": _Plugin(rules.OPENAI_KEY, "OpenAI API key", (b"sk-",)),
    "PyPI Token": _Plugin(rules.API_TOKEN, "PyPI token", (b"pypi-age",)),
    "SendGrid API Key": _Plugin(rules.API_TOKEN, "SendGrid key", shapes=(_S_SHAPE,)),
    "Slack Token": _Plugin(rules.API_TOKEN, "Slack token", (b"xox", b"://")),
    "SoftLayer Credentials": _assignment(rules.API_TOKEN, "SoftLayer credentials", b"://"),
    "Square OAuth Secret": _Plugin(rules.API_TOKEN, "Square OAuth secret", (b"sq0csp-",)),
    "Stripe Access Key": _Plugin(rules.API_TOKEN, "Stripe key", (b"k_live_",)),
    "Telegram Bot Token": _Plugin(
        rules.API_TOKEN, "Telegram bot token", shapes=(rb":[0-9A-Za-z_-]{35}",)
    ),
    "Twilio API Key": _Plugin(rules.API_TOKEN, "Twilio key", shapes=(_A_SHAPE, _S_SHAPE)),
}
"""Every detect-secrets plugin we run, by its ``secret_type``, with its rule and triggers."""

SKIPPED_PLUGINS = frozenset({"Hex High Entropy String", "Public IP (ipv4)", "Private Key"})
"""detect-secrets plugins deliberately not run (see the module docstring)."""


KEYWORD_TYPE, ENTROPY_TYPE = "Secret Keyword", "Base64 High Entropy String"
_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + "_-")
_EXACT_VALUES = frozenset({"Basic Auth Credentials", "AWS Access Key", "IBM Cloud IAM Key"})
"""Regex plugins whose value is exactly the secret (a password, a 40-character key)."""


def whole_token(line: str, value: str) -> str:
    """The whole token around ``value`` on ``line``.

    Some detect-secrets plugins return only a captured prefix (the GitLab plugin
    yields ``glpat`` for ``glpat-...``), others include a delimiter (``"AKC...``):
    the whole token makes masks readable and lets findings be told apart.
    """
    value = value.strip(" \t\"'=:")
    start = line.find(value)
    if start < 0 or not value:
        return value
    end = start + len(value)
    while start > 0 and line[start - 1] in _TOKEN_CHARS:
        start -= 1
    while end < len(line) and line[end] in _TOKEN_CHARS:
        end += 1
    return line[start:end]


_SECRET_WORDS = ("key", "token", "secret", "passw", "pwd", "pass")
_SNAKE_NAME = re.compile(r"[a-z]+(?:_[a-z]+)+")


def is_label(line: str, value: str) -> bool:
    """Tell whether a keyword's value is a label or a name, not a credential.

    UI translation files say ``"apiKeys": "API Keys"``; configuration documents
    ``api_key = "my_service_api_key"``. A value with a space, a value that repeats
    its own key's name, or a lowercase snake_case name holding a secret word has no
    randomness to leak. Values with digits are never labels (``Password123``).
    """
    if any(char.isdigit() for char in value):
        return False
    if any(char.isspace() for char in value.strip()):
        return True
    letters = re.sub(r"[^a-z]", "", value.lower())
    before = line[: max(line.find(value), 0)]
    key = re.sub(r"[^a-z]", "", before.lower())
    singular = letters.removesuffix("s")
    if singular and key.endswith(singular):  # "apiKeys": "API Keys"
        return True
    return bool(_SNAKE_NAME.fullmatch(value) and any(word in value for word in _SECRET_WORDS))


def _plugin_detector(plugin: Any, spec: _Plugin) -> Detector:
    from detect_secrets.filters import heuristic
    from detect_secrets.plugins.base import RegexBasedDetector

    secret_type = plugin.secret_type
    keyword = secret_type == KEYWORD_TYPE
    entropy = secret_type == ENTROPY_TYPE
    regex_based = isinstance(plugin, RegexBasedDetector) and secret_type not in _EXACT_VALUES

    def rejected(path: str, line: str, value: str) -> bool:
        # detect-secrets' default heuristic filters, as its own scanner applies them
        return (
            heuristic.is_sequential_string(value)
            or heuristic.is_potential_uuid(value)
            or heuristic.is_likely_id_string(value, line, plugin)
            or heuristic.is_templated_secret(value)
            or heuristic.is_prefixed_with_dollar_sign(value)
            or heuristic.is_not_alphanumeric_string(value)
            or heuristic.is_lock_file(path)
            or heuristic.is_swagger_file(path)
            or (keyword and heuristic.is_indirect_reference(line))
            or (keyword and is_label(line, value))
        )

    def find(path: str, line: str) -> Iterator[str]:
        if spec.gate is not None and not spec.gate.search(line.lower()):
            return
        if entropy and (
            path.endswith(_ENTROPY_SKIPPED)
            or not any(
                len(run) <= LONGEST_RANDOM_STRING and not _HEX.fullmatch(run)
                for run in _QUOTED_RUN.findall(line)
            )
        ):
            return
        for secret in plugin.analyze_line(filename=path, line=line, line_number=0):
            value = str(secret.secret_value or "")
            if regex_based:
                value = whole_token(line, value)
            if not value or rejected(path, line, value):
                continue
            if entropy and (len(value) > LONGEST_RANDOM_STRING or _HEX.fullmatch(value)):
                continue
            yield value

    return Detector(spec.rule, spec.kind, find, spec.literals, spec.shapes, spec.lowered_shapes)


def plugin_detectors() -> tuple[Detector, ...]:
    """A detector for every detect-secrets plugin we run (see :data:`PLUGINS`)."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    classes: dict[str, Any] = dict(get_mapping_from_secret_type_to_class())
    return tuple(
        _plugin_detector(plugin_class(), PLUGINS[secret_type])
        for secret_type, plugin_class in classes.items()
        # A plugin added by a newer detect-secrets needs triggers before it can run;
        # tests/test_check_secrets.py fails until it is listed in PLUGINS or skipped.
        if secret_type in PLUGINS
    )


# --- Private keys: a header followed by key material ---------------------------------------
_KEY_HEADER = re.compile(
    rb"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----|^(PuTTY-User-Key-File-\d):",
    re.MULTILINE,
)
_KEY_BODY = re.compile(rb"[A-Za-z0-9+/=]{40,}")
KEY_FILE_SUFFIXES = (".pem", ".key")


def find_private_keys(path: str, data: bytes) -> Iterator[SecretMatch]:
    """Private-key blocks in ``data``: a header with key material right after it.

    In ``.pem`` and ``.key`` files the header alone is enough.
    """
    if b"PRIVATE KEY" not in data and b"PuTTY-User-Key-File" not in data:
        return
    key_file = path.lower().endswith(KEY_FILE_SUFFIXES)
    for match in _KEY_HEADER.finditer(data):
        following = data[match.end() : match.end() + 400]
        body = _KEY_BODY.search(following)
        if key_file or body:
            header = match.group(0).decode("ascii", "replace").rstrip(":")
            name = (match.group(1) or match.group(2) or b"").decode("ascii", "replace")
            line = data.count(b"\n", 0, match.start()) + 1
            identity = (body.group(0)[:64] if body else following[:64]).decode("ascii", "replace")
            kind = name.replace("PRIVATE KEY", "private key").replace(
                "PuTTY-User-Key-File", "PuTTY key"
            )
            yield SecretMatch(rules.PRIVATE_KEY, kind, line, identity, preview=header)


# --- The scanner ---------------------------------------------------------------------------
_NOTEBOOK_STRING = re.compile(r'^\s*"((?:[^"\\]|\\.)*)",?\s*$')
_NOTEBOOK_IMAGE = re.compile(r'^\s*"image/[\w.+-]+":\s*"')
_DATA_URI = re.compile(r"data:[\w.+-]+/[\w.+-]+(?:;[\w.+-]+=[\w.+-]+)*;base64,[A-Za-z0-9+/=]+")
GENERIC_RULES = {"hardcoded-secret": 1, "possible-secret": 2}
"""Rules that only guess from context; a format-specific rule wins for the same value."""


class SecretScanner:
    """Scan file contents for secrets; build once, reuse for every file."""

    def __init__(self, detectors: Iterable[Detector]) -> None:
        self.detectors = tuple(detectors)
        by_literal: dict[bytes, set[int]] = {}
        by_shape: dict[tuple[bytes, bool], set[int]] = {}
        for index, detector in enumerate(self.detectors):
            for literal in detector.literals:
                by_literal.setdefault(literal, set()).add(index)
            for shape in detector.shapes:
                by_shape.setdefault((shape, False), set()).add(index)
            for shape in detector.lowered_shapes:
                by_shape.setdefault((shape, True), set()).add(index)
        # The file pass searches only the shortest literals ("key" finds every "api_key"
        # line), in one regex per first byte ("k(?:ey|aggle)"): a regex that starts with
        # a literal byte is the fastest search Python has. A hit stands for the longer
        # literals, checked on its line.
        shortest = sorted(by_literal, key=len)
        shortest = [s for i, s in enumerate(shortest) if not any(t in s for t in shortest[:i])]
        groups: dict[bytes, list[bytes]] = {}
        for short in shortest:
            groups.setdefault(short[:1], []).append(short)
        self._literals = [
            (
                re.compile(
                    re.escape(first) + b"(?:" + b"|".join(re.escape(s[1:]) for s in members) + b")"
                ),
                [
                    (literal, frozenset(ids))
                    for literal, ids in by_literal.items()
                    if any(member in literal for member in members)
                ],
            )
            for first, members in sorted(groups.items())
        ]
        self._shapes = [
            (re.compile(shape), lowered, frozenset(ids))
            for (shape, lowered), ids in by_shape.items()
        ]

    def scan(self, path: str, data: bytes) -> list[SecretMatch]:
        """Every secret in ``data`` (the bytes of a text file at ``path``)."""
        return self.scan_many([(path, data)])[0]

    def scan_many(self, files: Sequence[tuple[str, bytes]]) -> list[list[SecretMatch]]:
        """Scan several text files at once; return the matches of each, in order.

        The triggers run once over all the files joined (a few MB at a time is best):
        calling a regex once per file costs more than the search itself.
        """
        found: list[list[SecretMatch]] = [[] for _ in files]
        if not files:
            return found
        joined = b"\n".join(data for _, data in files)
        if b"PRIVATE KEY" in joined or b"PuTTY-User-Key-File" in joined:
            for index, (path, data) in enumerate(files):
                found[index].extend(find_private_keys(path, data))
        starts = list(itertools.accumulate((len(data) + 1 for _, data in files), initial=0))
        for index, number, raw, detector_ids in self._candidate_lines(joined, starts):
            path = files[index][0]
            line = raw.decode("utf-8", "replace").rstrip("\r")
            if path.endswith(".ipynb"):
                if _NOTEBOOK_IMAGE.match(line):
                    continue
                line = _unescape_notebook_line(line)
            if "base64," in line:  # an embedded image or font is data, not a credential
                line = _DATA_URI.sub("data:;base64,", line)
            found[index].extend(self._scan_line(path, number, line, detector_ids))
        return found

    def _candidate_lines(
        self, data: bytes, starts: list[int]
    ) -> Iterator[tuple[int, int, bytes, set[int]]]:
        """Lines holding a trigger, in order: (file index, line number, bytes, detectors).

        ``data`` is the files joined by newlines; ``starts[i]`` is where file i begins.
        """
        lowered = data.lower()
        hits: list[tuple[int, int]] = []  # (position, trigger): literal i, or shape -1 - i
        for index, (regex, _) in enumerate(self._literals):
            hits.extend((match.start(), index) for match in regex.finditer(lowered))
        for index, (regex, on_lowered, _) in enumerate(self._shapes):
            for match in regex.finditer(lowered if on_lowered else data):
                hits.append((match.start(), -1 - index))
        if not hits:
            return
        hits.sort()
        file_index, file_end = -1, -1
        number, counted_to, start, line_end = 1, 0, 0, -1
        ids: set[int] = set()
        line_lowered = b""
        for position, trigger in hits:
            if position > line_end:  # the first trigger on a new line
                if ids:
                    yield file_index, number, data[start:line_end], ids
                if position >= file_end:  # ... in a new file
                    file_index = bisect.bisect_right(starts, position) - 1
                    file_end = starts[file_index + 1] - 1
                    number, counted_to = 1, starts[file_index]
                number += data.count(b"\n", counted_to, position)
                counted_to = position
                start = data.rfind(b"\n", 0, position) + 1
                end = data.find(b"\n", position)
                line_end = len(data) if end < 0 else end
                line_lowered = lowered[start:line_end]
                ids = set()
                seen: set[int] = set()
            if trigger in seen:  # a long line (an embedded image) may hold thousands of hits
                continue
            seen.add(trigger)
            if trigger < 0:
                ids |= self._shapes[-1 - trigger][2]
            else:
                for literal, detector_ids in self._literals[trigger][1]:
                    if literal in line_lowered:
                        ids |= detector_ids
        if ids:
            yield file_index, number, data[start:line_end], ids

    def _scan_line(
        self, path: str, number: int, line: str, detector_ids: Iterable[int]
    ) -> list[SecretMatch]:
        matches: list[SecretMatch] = []
        for index in sorted(detector_ids):
            detector = self.detectors[index]
            for value in detector.find(path, line):
                if value and not is_placeholder(value):
                    matches.append(SecretMatch(detector.rule, detector.kind, number, value))
        return _dedupe(matches)


def _unescape_notebook_line(line: str) -> str:
    r"""``    "token = \"abc\"\n",`` (a JSON string in a notebook) -> ``token = "abc"``."""
    match = _NOTEBOOK_STRING.match(line)
    if not match:
        return line
    try:
        return str(json.loads(f'"{match.group(1)}"')).rstrip("\n")
    except ValueError:
        return line


def _dedupe(matches: list[SecretMatch]) -> list[SecretMatch]:
    """One match per secret on a line; a specific rule beats a generic one for the same value."""
    if len(matches) < 2:
        return matches
    ordered = sorted(matches, key=lambda m: GENERIC_RULES.get(m.rule.id, 0))
    kept: list[SecretMatch] = []
    for match in ordered:
        if any(k.value in match.value or match.value in k.value for k in kept):
            continue
        kept.append(match)
    return kept


@cache
def default_scanner() -> SecretScanner:
    """The scanner with every detector (built once per process)."""
    return SecretScanner((*OWN_DETECTORS, *plugin_detectors()))

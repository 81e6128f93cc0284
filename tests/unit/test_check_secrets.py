"""The secret detectors of `mlscaffold check`: one sample per detector, traps, masking.

Every token here is built at run time from a seeded random generator, in the right
format but never valid, so no file of this repository holds anything that looks
like a real credential (and `mlscaffold check` on this repository stays clean).
"""

from __future__ import annotations

import json

import pytest
from secret_samples import ALNUM, B64, DIGITS, HEX, LOWER, UPPER, b64url, fake, private_key_block

from mlscaffold.check.findings import mask
from mlscaffold.check.secrets import (
    OWN_DETECTORS,
    PLUGINS,
    SKIPPED_PLUGINS,
    default_scanner,
    is_placeholder,
)


def samples() -> list[tuple[str, str, str, str]]:
    """(name, file path, content, rule) for every detector we run."""
    letters, token_chars = LOWER + UPPER, ALNUM + "-_"
    jwt = ".".join(
        [
            b64url({"alg": "HS256", "typ": "JWT"}),
            b64url({"sub": "1234", "name": "Ada", "iat": 1700000000}),
            fake("jwt", token_chars, 43),
        ]
    )
    openai_project = f"sk-proj-{fake('op', token_chars, 56)}T3BlbkFJ{fake('op2', ALNUM, 20)}"
    openai_legacy = f"sk-{fake('ol', ALNUM, 20)}T3BlbkFJ{fake('ol2', ALNUM, 20)}"
    github_pat = f"github_pat_{fake('gp', ALNUM, 22)}_{fake('gp2', ALNUM, 59)}"
    discord = f"M{fake('dc', ALNUM, 23)}.{fake('dc2', ALNUM, 6)}.{fake('dc3', token_chars, 27)}"
    sendgrid = f"SG.{fake('sg', token_chars, 22)}.{fake('sg2', token_chars, 43)}"
    slack = f"xoxb-{fake('sl', DIGITS, 12)}-{fake('sl2', DIGITS, 13)}-"
    slack += fake("sl3", LOWER + DIGITS, 24)
    webhook = f"https://hooks.slack.com/services/T{fake('wh', UPPER + DIGITS, 8)}/"
    webhook += f"B{fake('wh2', UPPER + DIGITS, 8)}/{fake('wh3', ALNUM, 24)}"
    kaggle_json = json.dumps({"username": "ada", "key": fake("kj", HEX, 32)})
    azure = f"AccountKey={fake('az', ALNUM + '+/', 86)}=="
    telegram = f"{fake('tg', DIGITS, 9)}:{fake('tg2', token_chars, 35)}"
    return [
        # --- our own patterns
        ("huggingface", "train.py", f'HF = "hf_{fake("hf", letters, 34)}"', "huggingface-token"),
        ("huggingface-org", "c.py", f'T = "api_org_{fake("o", letters, 34)}"', "huggingface-token"),
        ("kaggle-env", "run.sh", f"export KAGGLE_KEY={fake('kg', HEX, 32)}", "kaggle-key"),
        ("kaggle-json", "creds/kaggle.json", kaggle_json, "kaggle-key"),
        ("wandb-env", "run.sh", f"WANDB_API_KEY={fake('wb', HEX, 40)}", "wandb-key"),
        ("wandb-login", "train.py", f'wandb.login(key="{fake("wl", HEX, 40)}")', "wandb-key"),
        ("openai-project", "bot.py", f'OpenAI(api_key="{openai_project}")', "openai-key"),
        ("openai-env", ".envrc", f"OPENAI_API_KEY=sk-{fake('oe', ALNUM, 48)}", "openai-key"),
        ("anthropic", "bot.py", f'k = "sk-ant-api03-{fake("an", token_chars, 90)}"', "api-token"),
        ("aws-secret", "aws.ini", f"aws_secret_access_key = {fake('as', B64, 40)}", "aws-key"),
        ("github-fine-grained", "ci.sh", f"GH={github_pat}", "github-token"),
        ("google", "maps.js", f'const k = "AIza{fake("gg", token_chars, 35)}";', "api-token"),
        ("replicate", "gen.py", f'REPLICATE = "r8_{fake("r8", ALNUM, 37)}"', "api-token"),
        ("private-key", "deploy/key.txt", private_key_block(), "private-key"),
        ("encrypted-key", "k.txt", private_key_block("ENCRYPTED PRIVATE KEY"), "private-key"),
        ("openssh-key", "s.txt", private_key_block("OPENSSH PRIVATE KEY"), "private-key"),
        # --- detect-secrets plugins
        ("artifactory", "settings.py", f'A = "AKC{fake("af", ALNUM, 70)}"', "api-token"),
        ("aws-access-key", "cfg.py", f'A = "AKIA{fake("ak", UPPER + DIGITS, 16)}"', "aws-key"),
        ("azure", "conn.txt", f"DefaultEndpointsProtocol=https;{azure};", "api-token"),
        (
            "basic-auth",
            "db.py",
            f'URL = "postgresql://admin:{fake("ba", ALNUM, 14)}@db.internal:5432/app"',
            "password-in-url",
        ),
        ("cloudant", "db.py", f'cloudant_password = "{fake("cl", HEX, 64)}"', "api-token"),
        ("discord", "bot.py", f'TOKEN = "{discord}"', "api-token"),
        ("github", "ci.py", f'TOKEN = "ghp_{fake("gh", ALNUM, 36)}"', "github-token"),
        ("gitlab", "ci.py", f'TOKEN = "glpat-{fake("gl", ALNUM, 20)}"', "api-token"),
        ("ibm-iam", "ibm.py", f'ibm_cloud_iam_key = "{fake("ib", token_chars, 44)}"', "api-token"),
        (
            "ibm-cos",
            "ibm.py",
            f'ibm_cos_hmac_secret_access_key = "{fake("ic", HEX, 48)}"',
            "api-token",
        ),
        ("jwt", "auth.py", f'SESSION = "{jwt}"', "api-token"),
        (
            "keyword",
            "db.py",
            f'db_password = "{fake("kw", ALNUM + "!#%", 18)}"',
            "hardcoded-secret",
        ),
        ("mailchimp", "mail.py", f'M = "{fake("mc", LOWER + DIGITS, 32)}-us12"', "api-token"),
        (
            "npm",
            ".npmrc",
            f"//registry.npmjs.org/:_authToken=npm_{fake('np', ALNUM, 36)}",
            "api-token",
        ),
        ("openai-legacy", "bot.py", f'openai.api_key = "{openai_legacy}"', "openai-key"),
        (
            "pypi",
            ".pypirc",
            f"password = pypi-AgEIcHlwaS5vcmc{fake('pp', token_chars, 80)}",
            "api-token",
        ),
        ("sendgrid", "mail.py", f'SENDGRID = "{sendgrid}"', "api-token"),
        ("slack", "notify.py", f'SLACK = "{slack}"', "api-token"),
        ("slack-webhook", "notify.py", f'HOOK = "{webhook}"', "api-token"),
        (
            "softlayer",
            "sl.py",
            f'softlayer_api_key = "{fake("so", LOWER + DIGITS, 64)}"',
            "api-token",
        ),
        ("square", "pay.py", f'SQUARE = "sq0csp-{fake("sq", token_chars, 43)}"', "api-token"),
        ("stripe", "pay.py", f'STRIPE = "sk_live_{fake("st", ALNUM, 24)}"', "api-token"),
        ("telegram", "bot.py", f'TELEGRAM = "{telegram}"', "api-token"),
        ("twilio", "sms.py", f'TWILIO = "SK{fake("tw", LOWER + DIGITS, 32)}"', "api-token"),
        ("high-entropy", "blob.py", f'BLOB = "{fake("he", B64, 40)}"', "possible-secret"),
    ]


SAMPLES = samples()


@pytest.mark.parametrize(("name", "path", "text", "rule"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_every_detector_finds_its_sample(name: str, path: str, text: str, rule: str) -> None:
    found = default_scanner().scan(path, text.encode())
    assert rule in {match.rule.id for match in found}, (name, found)


@pytest.mark.parametrize(("name", "path", "text", "rule"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_triggers_never_hide_a_match(name: str, path: str, text: str, rule: str) -> None:
    """A detector run on every line finds nothing the trigger-gated scan misses."""
    scanner = default_scanner()
    found = {match.value for match in scanner.scan(path, text.encode())}
    for detector in scanner.detectors:
        for line in text.splitlines():
            for value in detector.find(path, line):
                if value and not is_placeholder(value):
                    assert any(value in f or f in value for f in found), (detector.kind, value)


def test_every_detect_secrets_plugin_is_run_or_deliberately_skipped() -> None:
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    known = set(get_mapping_from_secret_type_to_class())
    assert known == set(PLUGINS) | SKIPPED_PLUGINS, (
        "a detect-secrets upgrade added or removed a plugin: give it triggers in "
        "mlscaffold/check/secrets.py PLUGINS (or add it to SKIPPED_PLUGINS with a reason)"
    )
    detectors = default_scanner().detectors
    assert len(detectors) == len(OWN_DETECTORS) + len(PLUGINS)


def test_every_detector_has_a_sample() -> None:
    kinds = {detector.kind for detector in default_scanner().detectors}
    found = set()
    for _, path, text, _ in SAMPLES:
        found |= {match.kind for match in default_scanner().scan(path, text.encode())}
    assert kinds - found == set()


TRAPS = [
    ("aws-docs", "docs/aws.md", "Set `AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE` first."),
    (
        "aws-docs-secret",
        "docs/aws.md",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
    ("hf-mask", "README.md", "export HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    ("hf-template", "README.md", "HF_TOKEN=<your-hugging-face-token>"),
    ("sha256", "data.py", f'SHA256 = "{fake("s", HEX, 64)}"'),
    ("git-sha", "pins.py", f'COMMIT = "{fake("g", HEX, 40)}"'),
    ("uuid", "ids.py", 'RUN = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"'),
    ("env-lookup", "train.py", 'api_key = os.environ["OPENAI_API_KEY"]'),
    ("call", "train.py", "token = get_token(secret_name)"),
    ("empty-password", "cfg.py", 'password: str = ""'),
    ("key-header-in-docs", "docs/keys.md", "Never commit -----BEGIN RSA PRIVATE KEY----- ."),
    ("hf-function", "load.py", "from huggingface_hub import hf_hub_download"),
    ("lock", "uv.lock", f'hash = "sha256:{fake("l", B64, 43)}="'),
    ("tokenizer", "nlp.py", "tokens = tokenizer(text)['input_ids']  # secret sauce: none"),
    (
        "notebook-image",
        "nb.ipynb",
        '      "image/png": "iVBORw0KGgoAAAANSUhEUgAA' + fake("png", B64, 400) + '",',
    ),
    ("url-without-password", "README.md", "See https://user@github.com/ada/project"),
    ("changeme", "settings.py", 'db_password = "changeme"'),
]


@pytest.mark.parametrize(("name", "path", "text"), TRAPS, ids=[t[0] for t in TRAPS])
def test_false_positive_traps_are_not_secrets(name: str, path: str, text: str) -> None:
    assert default_scanner().scan(path, text.encode()) == []


def test_notebook_lines_are_unescaped_before_detection() -> None:
    source = f'db_password = "{fake("nb", ALNUM, 18)}"'
    notebook = json.dumps(
        {"cells": [{"cell_type": "code", "source": [source + "\n", "print(1)\n"]}]}, indent=1
    )
    found = default_scanner().scan("notebooks/a.ipynb", notebook.encode())
    assert [(m.rule.id, m.line) for m in found] == [("hardcoded-secret", 6)]


def test_detect_secrets_indirect_reference_does_not_hide_a_token() -> None:
    line = f'api = HfApi(token="hf_{fake("ind", LOWER + UPPER, 34)}")'
    assert [m.rule.id for m in default_scanner().scan("a.py", line.encode())] == [
        "huggingface-token"
    ]


def test_one_match_per_value_and_the_specific_rule_wins() -> None:
    token = f"hf_{fake('dup', LOWER + UPPER, 34)}"
    found = default_scanner().scan("a.py", f'api_key = "{token}"'.encode())
    assert [(m.rule.id, m.value) for m in found] == [("huggingface-token", token)]


def test_line_numbers_across_a_batch_of_files() -> None:
    token = f"ghp_{fake('batch', ALNUM, 36)}"
    files = [
        ("a.py", b"x = 1\n" * 3),
        ("b.py", b"y = 2\n" + f'T = "{token}"\n'.encode()),
        ("c.py", f'\n\nT = "{token}"'.encode()),
    ]
    found = default_scanner().scan_many(files)
    assert [[m.line for m in matches] for matches in found] == [[], [2], [3]]


def test_pem_header_is_enough_in_a_key_file_but_a_certificate_is_not() -> None:
    scanner = default_scanner()
    assert scanner.scan("certs/server.pem", b"-----BEGIN PRIVATE KEY-----\n...\n")
    certificate = b"-----BEGIN CERTIFICATE-----\n" + fake("cert", B64, 64).encode() + b"\n"
    assert scanner.scan("certs/ca.pem", certificate) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567", "hf_A... (37 chars)"),
        ("hunter2hunter", "hu... (13 chars)"),
        ("abc", "... (3 chars)"),
    ],
)
def test_mask_shows_at_most_four_characters_and_the_length(value: str, expected: str) -> None:
    assert mask(value) == expected


@pytest.mark.parametrize(
    "value",
    ["AKIAIOSFODNN7EXAMPLE", "hf_xxxxxxxxxxxxxxxxxxxxxxxx", "<your-token>", "${TOKEN}", "aaaa"],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


def test_a_random_token_is_not_a_placeholder() -> None:
    assert not is_placeholder(f"hf_{fake('real', LOWER + UPPER, 34)}")

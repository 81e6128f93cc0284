"""The secret detectors of `mlscaffold check`: samples, near misses, traps, masking.

Every token here is built at run time from a seeded random generator, in the right
format but never valid, so no file of this repository holds anything that looks
like a real credential (and `mlscaffold check` on this repository stays clean).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from secret_samples import (
    ALNUM,
    B64,
    DIGITS,
    HEX,
    LOWER,
    UPPER,
    b64url,
    fake,
    neptune_token,
    platform_tokens,
    private_key_block,
)

from mlscaffold.check import secrets
from mlscaffold.check.findings import mask
from mlscaffold.check.rules import RULES
from mlscaffold.check.secrets import (
    OWN_DETECTORS,
    PLUGINS,
    SKIPPED_PLUGINS,
    default_scanner,
    is_placeholder,
)

DETECTORS_DOC = Path(__file__).parents[2] / "docs" / "check-detectors.md"


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
        *platform_samples(),
    ]


def platform_samples() -> list[tuple[str, str, str, str]]:
    """(name, file path, content, rule): each platform's token where learners leave it."""
    t = platform_tokens()
    clearml_conf = (
        "api {\n  credentials {\n"
        f'    "access_key" = "{fake("cla", UPPER + DIGITS, 20)}"\n'
        f'    "secret_key" = "{t["clearml"]}"\n  }}\n}}\n'
    )
    modal_toml = f'[ada]\ntoken_id = "ak-{fake("mdi", ALNUM, 22)}"\ntoken_secret = "{t["modal"]}"\n'
    age_file = f"# created: 2024-05-01\n# public key: age1{fake('agep', 'qpzry9x8', 58)}\n"
    age_file += t["age"] + "\n"
    api = "api-token"
    return [
        # data and ML platforms
        ("databricks", "etl.py", f'DATABRICKS_TOKEN = "{t["databricks"]}"', "databricks-token"),
        (
            "databricks-azure",
            ".databrickscfg",
            f"token = {t['databricks-azure']}",
            "databricks-token",
        ),
        ("wandb-v1", "setup.sh", f"wandb login {t['wandb-v1']}", "wandb-key"),
        (
            "neptune",
            "train.py",
            f'run = neptune.init_run(project="ada/mnist", api_token="{t["neptune"]}")',
            api,
        ),
        ("neptune-env", "run.sh", f'export NEPTUNE_API_TOKEN="{t["neptune"]}"', api),
        ("comet-env", ".envrc", f"COMET_API_KEY={t['comet']}", api),
        ("comet-login", "train.py", f'comet_ml.login(api_key="{t["comet"]}")', api),
        ("clearml-env", "run.sh", f"export CLEARML_API_SECRET_KEY={t['clearml']}", api),
        ("clearml-conf", "clearml.conf", clearml_conf, api),
        ("modal", ".modal.toml", modal_toml, api),
        # LLM providers
        ("anthropic-admin", "admin.py", f'ADMIN = "{t["anthropic-admin"]}"', api),
        ("groq", "chat.py", f'client = Groq(api_key="{t["groq"]}")', api),
        ("perplexity", ".env.local", f"PERPLEXITY_API_KEY={t['perplexity']}", api),
        ("xai", "grok.py", f'XAI_API_KEY = "{t["xai"]}"', api),
        ("openrouter", "chat.py", f'OPENAI_API_KEY = "{t["openrouter"]}"', api),
        ("mistral-env", "run.sh", f"export MISTRAL_API_KEY={t['mistral']}", api),
        ("mistral-client", "chat.py", f'client = Mistral(api_key="{t["mistral"]}")', api),
        ("cohere-env", "run.sh", f"CO_API_KEY={t['cohere']}", api),
        ("cohere-client", "rag.py", f'co = cohere.ClientV2("{t["cohere"]}")', api),
        ("together", "chat.py", f'client = Together(api_key="{t["together"]}")', api),
        ("together-legacy", "run.sh", f"TOGETHER_API_KEY={t['together-legacy']}", api),
        ("fireworks-env", "run.sh", f"FIREWORKS_API_KEY={t['fireworks']}", api),
        ("fireworks-client", "llm.py", f'llm = Fireworks(api_key="{t["fireworks"]}")', api),
        ("deepseek", "chat.py", f'DEEPSEEK_API_KEY = "{t["deepseek"]}"', api),
        (
            "nvidia",
            "nim.py",
            f'OpenAI(base_url="https://integrate.api.nvidia.com/v1", api_key="{t["nvidia"]}")',
            api,
        ),
        ("elevenlabs", "voice.py", f'headers = {{"xi-api-key": "{t["elevenlabs"]}"}}', api),
        # LLM application platforms
        ("langsmith", ".env.dev", f"LANGCHAIN_API_KEY={t['langsmith']}", api),
        ("pinecone", "index.py", f'pc = Pinecone(api_key="{t["pinecone"]}")', api),
        ("pinecone-legacy", "index.py", f'PINECONE_API_KEY = "{t["pinecone-legacy"]}"', api),
        ("tavily", "agent.py", f'tavily = TavilyClient(api_key="{t["tavily"]}")', api),
        ("ngrok", "colab.sh", f"ngrok config add-authtoken {t['ngrok']}", api),
        ("google-oauth", "client_secret.json", f'"client_secret": "{t["google-oauth"]}"', api),
        ("supabase", "deploy.sh", f"SUPABASE_ACCESS_TOKEN={t['supabase']}", api),
        ("supabase-secret", "db.py", f'SUPABASE_KEY = "{t["supabase-secret"]}"', api),
        ("notion", "sync.py", f'notion = Client(auth="{t["notion"]}")', api),
        ("notion-legacy", "sync.py", f'notion = Client(auth="{t["notion-legacy"]}")', api),
        # developer platforms
        ("dockerhub", "push.sh", f"docker login -u ada -p {t['dockerhub']}", api),
        ("sentry-user", ".sentryclirc", f"token={t['sentry-user']}", api),
        ("sentry-org", "ci.sh", f"SENTRY_AUTH_TOKEN={t['sentry-org']}", api),
        ("grafana-sa", "dash.py", f'GRAFANA_TOKEN = "{t["grafana-sa"]}"', api),
        ("grafana-cloud", "dash.py", f'GRAFANA_CLOUD = "{t["grafana-cloud"]}"', api),
        ("linear", "issues.py", f'LINEAR = "{t["linear"]}"', api),
        ("postman", "ci.sh", f"newman run api.json --postman-api-key {t['postman']}", api),
        ("shopify", "shop.py", f'ACCESS_TOKEN = "{t["shopify"]}"', api),
        ("digitalocean", "deploy.sh", f"doctl auth init -t {t['digitalocean']}", api),
        ("doppler", "run.sh", f"DOPPLER_TOKEN={t['doppler']}", api),
        ("heroku", "deploy.sh", f"HEROKU_API_KEY={t['heroku']}", api),
        ("heroku-legacy", "app.json", f'"HEROKU_API_KEY": "{t["heroku-legacy"]}"', api),
        ("vault", "vault.sh", f"vault login {t['vault']}", api),
        ("vault-short", "vault.sh", f"export VAULT_TOKEN={t['vault-short']}", api),
        (
            "terraform",
            "credentials.tfrc.json",
            f'{{"credentials": {{"app.terraform.io": {{"token": "{t["terraform"]}"}}}}}}',
            api,
        ),
        ("atlassian", "jira.py", f'JIRA_API_TOKEN = "{t["atlassian"]}"', api),
        ("azure-ad", "auth.py", f'AZURE_CLIENT_SECRET = "{t["azure-ad"]}"', api),
        ("mapbox", "maps.py", f'MAPBOX_TOKEN = "{t["mapbox"]}"', api),
        ("age", "keys/age.txt", age_file, "private-key"),
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


def near_misses() -> list[tuple[str, str, str, str]]:
    """(name, file path, content, vendor): text close to a platform's token that is not one."""
    t = platform_tokens()
    return [
        ("databricks-prose", "README.md", "Databricks tokens start with `dapi`.", "Databricks"),
        ("databricks-short", "etl.py", f'T = "dapi{fake("dbs", HEX, 31)}"', "Databricks"),
        (
            "databricks-example",
            "docs.md",
            "token = dapi0123456789abcdef0123456789abcdef",
            "Databricks",
        ),
        ("wandb-v1-mask", "README.md", "WANDB_API_KEY=wandb_v1_xxxxx", "Weights"),
        ("neptune-anonymous-word", "train.py", 'NEPTUNE_API_TOKEN = "ANONYMOUS"', "Neptune"),
        (
            "neptune-not-json",
            "train.py",
            f'NEPTUNE_API_TOKEN = "eyJ{fake("npj", ALNUM, 60)}"',
            "Neptune",
        ),
        ("comet-lookup", "train.py", 'COMET_API_KEY = os.getenv("COMET_API_KEY")', "Comet"),
        (
            "clearml-elsewhere",
            "settings.py",
            f'"secret_key" = "{t["clearml"]}"',
            "ClearML",
        ),
        ("modal-id-only", ".modal.toml", f'token_id = "ak-{fake("mdi", ALNUM, 22)}"', "Modal"),
        (
            "anthropic-admin-short",
            "a.py",
            f'A = "sk-ant-admin01-{fake("aas", ALNUM, 20)}"',
            "Anthropic",
        ),
        ("groq-prose", "README.md", "Groq keys start with gsk_ and are secret.", "Groq"),
        ("groq-short", "chat.py", f'K = "gsk_{fake("gqs", ALNUM, 20)}"', "Groq"),
        (
            "perplexity-placeholder",
            ".env.example",
            "PERPLEXITY_API_KEY=pplx-your-key-here",
            "Perplexity",
        ),
        ("xai-model", "grok.py", 'MODEL = "xai-grok-2-latest"', "xAI"),
        (
            "openrouter-redacted",
            "README.md",
            "OPENROUTER_API_KEY=sk-or-v1-<redacted>",
            "OpenRouter",
        ),
        ("mistral-model", "chat.py", 'mistral_model = "mistral-large-latest"', "Mistral"),
        (
            "mistral-placeholder",
            ".env.example",
            "MISTRAL_API_KEY=your_mistral_api_key_here",
            "Mistral",
        ),
        ("cohere-other-name", "run.sh", f"DISCO_API_KEY={t['cohere']}", "Cohere"),
        (
            "together-placeholder",
            ".env.example",
            "TOGETHER_API_KEY=tgp_v1_your_key_here",
            "Together",
        ),
        ("fireworks-no-context", "fw.py", f'FW = "fw_{fake("fwn", ALNUM, 24)}"', "Fireworks"),
        ("deepseek-mask", "README.md", "DEEPSEEK_API_KEY=sk-...", "DeepSeek"),
        ("nvidia-short", "nim.py", f'K = "nvapi-{fake("nvs", ALNUM, 20)}"', "NVIDIA"),
        ("elevenlabs-no-context", "v.py", f'K = "sk_{fake("eln", HEX, 48)}"', "ElevenLabs"),
        ("langsmith-prose", "README.md", "LangSmith keys look like lsv2_pt_...", "LangSmith"),
        ("pinecone-placeholder", ".env.example", "PINECONE_API_KEY=your-api-key", "Pinecone"),
        ("tavily-placeholder", "README.md", "TAVILY_API_KEY=tvly-YOUR_API_KEY", "Tavily"),
        ("ngrok-command", "README.md", "Run `ngrok http 8000` and open the URL.", "ngrok"),
        ("ngrok-shape-no-context", "ids.py", f'ID = "{t["ngrok"]}"', "ngrok"),
        (
            "google-oauth-short",
            "a.json",
            f'"client_secret": "GOCSPX-{fake("gos", ALNUM, 10)}"',
            "Google OAuth",
        ),
        (
            "supabase-publishable",
            "app.js",
            f'const key = "sb_publishable_{fake("sbp", ALNUM, 31)}"',
            "Supabase",
        ),
        ("notion-no-context", "cfg.py", f'X = "{t["notion-legacy"]}"', "Notion"),
        ("dockerhub-short", "push.sh", "docker login -p dckr_pat_abc", "Docker"),
        (
            "sentry-dsn",
            "app.py",
            f'SENTRY_DSN = "https://{fake("dsn", HEX, 32)}@o4.ingest.sentry.io/4"',
            "Sentry",
        ),
        ("grafana-no-suffix", "g.py", f'T = "glsa_{fake("gsn", ALNUM, 32)}"', "Grafana"),
        ("linear-short", "l.py", 'L = "lin_api_123"', "Linear"),
        ("postman-shape", "ci.sh", f"PMAK-{fake('pms', HEX, 10)}", "Postman"),
        ("shopify-short", "s.py", 'T = "shpat_abc"', "Shopify"),
        ("digitalocean-short", "d.sh", "dop_v1_abc", "DigitalOcean"),
        ("doppler-code", "dp.py", "best = dp.pt.max()", "Doppler"),
        ("heroku-app-id", "app.json", f'"HEROKU_APP_ID": "{t["heroku-legacy"]}"', "Heroku"),
        ("vault-short-no-context", "v.sh", f"echo {t['vault-short']}", "HashiCorp"),
        ("vault-root", "v.sh", "export VAULT_TOKEN=root", "HashiCorp"),
        ("terraform-prose", "README.md", "Terraform tokens contain .atlasv1.", "Terraform"),
        ("atlassian-short", "j.py", 'T = "ATATT3xFfGF0"', "Atlassian"),
        ("azure-prose", "README.md", "Azure secrets contain 8Q~ after a few characters.", "Azure"),
        (
            "mapbox-public",
            "maps.js",
            f'mapboxgl.accessToken = "pk.{b64url({"u": "ada"})}.{fake("mbpub", ALNUM, 22)}"',
            "Mapbox",
        ),
        ("age-recipient", "keys.txt", f"age1{fake('agr', 'qpzry9x8gf2tvdw0', 58)}", "age"),
        ("age-placeholder", "README.md", "AGE-SECRET-KEY-1" + "X" * 58, "age"),
    ]


NEAR_MISSES = near_misses()


@pytest.mark.parametrize(
    ("name", "path", "text", "vendor"), NEAR_MISSES, ids=[n[0] for n in NEAR_MISSES]
)
def test_a_platform_detector_ignores_its_near_misses(
    name: str, path: str, text: str, vendor: str
) -> None:
    found = default_scanner().scan(path, text.encode())
    assert not [m for m in found if m.kind.startswith(vendor)], found


def test_every_platform_detector_has_a_near_miss() -> None:
    vendors = {vendor for *_, vendor in NEAR_MISSES}
    platforms = OWN_DETECTORS[OWN_DETECTORS.index(_first_platform_detector()) :]
    missing = {d.kind for d in platforms if not any(d.kind.startswith(v) for v in vendors)}
    assert missing == set()


def _first_platform_detector() -> secrets.Detector:
    return next(d for d in OWN_DETECTORS if d.rule.id == "databricks-token")


def test_a_shared_rule_names_where_to_revoke_each_vendors_key() -> None:
    """Vendors under api-token share one fix text: the message says where to revoke."""
    shared = [d.kind for d in OWN_DETECTORS if d.rule.id == "api-token"]
    assert shared and [kind for kind in shared if "revoke" not in kind] == []


def test_the_fix_of_every_credential_rule_starts_with_revoking_it() -> None:
    first_words = ("revoke", "delete", "invalidate", "expire", "deactivate", "treat")
    for rule_id in {d.rule.id for d in OWN_DETECTORS}:
        assert RULES[rule_id].fix.lower().startswith(first_words), rule_id


def test_an_openrouter_key_set_as_openai_api_key_is_openrouters() -> None:
    line = f'OPENAI_API_KEY = "{platform_tokens()["openrouter"]}"'
    found = default_scanner().scan("chat.py", line.encode())
    assert [m.kind.split(" (")[0] for m in found] == ["OpenRouter API key"]


def test_the_public_neptune_demo_token_is_not_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    public = b64url({"demo": fake("anon", ALNUM, 20)})
    digest = hashlib.sha256(public.encode()).hexdigest()
    monkeypatch.setattr(secrets, "_PUBLIC_NEPTUNE_KEYS", frozenset({digest}))
    line = f'NEPTUNE_API_TOKEN = "{neptune_token(api_key=public)}"'
    assert not secrets.is_neptune_token("a.py", neptune_token(api_key=public))
    found = default_scanner().scan("a.py", line.encode())
    assert not [m for m in found if m.kind.startswith("Neptune")]
    assert secrets.is_neptune_token("a.py", neptune_token())


def test_platform_tokens_are_masked_to_their_prefix() -> None:
    found = default_scanner().scan("a.py", f'K = "{platform_tokens()["groq"]}"'.encode())
    assert [m.preview for m in found] == ["gsk_... (56 chars)"]


def test_every_platform_detector_is_documented_with_a_source() -> None:
    doc = DETECTORS_DOC.read_text(encoding="utf-8")
    rows = [line for line in doc.splitlines() if line.startswith("| ") and "http" in line]
    for detector in OWN_DETECTORS:
        vendor = detector.kind.split(" (")[0]
        assert any(vendor in row and f"`{detector.rule.id}`" in row for row in rows), vendor

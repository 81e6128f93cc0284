"""The catalogue of rules: stable ids, severities, titles and how to fix each one.

Rule ids are part of the public interface (``--json`` output, ignore markers and
``[tool.mlscaffold.check] ignore``): never rename one, add a new id instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlscaffold.check.findings import Finding, Location, Severity

BLOCKER = Severity.BLOCKER
WARNING = Severity.WARNING

PURGE_SECRET = (
    "Then remove it from every commit: `git filter-repo --replace-text replacements.txt` "
    "(one line `THE-SECRET==>REMOVED`; or the BFG: `bfg --replace-text replacements.txt`) "
    "and force-push every branch. Rewriting history does not make a leaked key safe again: "
    "only revoking it does."
)
PURGE_STEPS = (
    "Revoke every key first: once a key has been pushed, rewriting history does not make "
    "it safe again.",
    "Write each secret on a line `THE-SECRET==>REMOVED` in a file outside the repository, "
    "e.g. ../replacements.txt.",
    "In a fresh clone, run `git filter-repo --replace-text ../replacements.txt` (`pip install "
    "git-filter-repo`) or the BFG (`bfg --replace-text ../replacements.txt`); for whole files "
    "use `git filter-repo --invert-paths --path FILE`.",
    "Force-push every branch and tag (`git push --force --all && git push --force --tags`) and "
    "ask anyone who cloned it to clone again.",
)
"""How to remove secrets from git history, step by step (printed once per report)."""
PURGE_FILE = (
    "Remove the file from every commit with `git filter-repo --invert-paths --path {path}` "
    "(or `bfg --delete-files {name}`), then force-push every branch."
)


@dataclass(frozen=True)
class Rule:
    """One check: what it finds and how a learner fixes it."""

    id: str
    severity: Severity
    family: str
    title: str
    fix: str
    """How to fix it; for secrets, where to revoke the key (the removal steps are added)."""

    def finding(
        self,
        path: str | None,
        message: str,
        *,
        line: int | None = None,
        location: Location = "tree",
        commit: str | None = None,
        secret: str | None = None,
        fix: str | None = None,
    ) -> Finding:
        """Build a finding of this rule."""
        return Finding(
            rule=self.id,
            severity=self.severity,
            path=path,
            line=line,
            message=message,
            fix=fix or self.fix,
            location=location,
            commit=commit,
            secret=secret,
        )


def _secret(id_: str, title: str, revoke: str) -> Rule:
    return Rule(id_, BLOCKER, "secrets", title, revoke)


# --- Secrets in file contents (working tree and history) ----------------------------------
AWS_KEY = _secret(
    "aws-key",
    "AWS access key",
    "Deactivate and delete the key in the AWS console (IAM > Users > Security credentials), "
    "then create a new one.",
)
GITHUB_TOKEN = _secret(
    "github-token",
    "GitHub token",
    "Revoke the token at https://github.com/settings/tokens and create a new one.",
)
HUGGINGFACE_TOKEN = _secret(
    "huggingface-token",
    "Hugging Face token",
    "Invalidate the token at https://huggingface.co/settings/tokens and create a new one.",
)
KAGGLE_KEY = _secret(
    "kaggle-key",
    "Kaggle API key",
    "Expire the key on kaggle.com (Settings > API > Expire API Token), then create a new "
    "token; keep kaggle.json in ~/.kaggle/, never in the project.",
)
WANDB_KEY = _secret(
    "wandb-key",
    "Weights & Biases API key",
    "Revoke the key at https://wandb.ai/authorize (User settings > API keys) and create a "
    "new one; log in with `wandb login` instead of writing the key in code.",
)
OPENAI_KEY = _secret(
    "openai-key",
    "OpenAI API key",
    "Delete the key at https://platform.openai.com/api-keys and create a new one.",
)
DATABRICKS_TOKEN = _secret(
    "databricks-token",
    "Databricks access token",
    "Revoke the token in your Databricks workspace (Settings > Developer > Access tokens > "
    "Manage; a workspace admin can revoke anyone's under Settings > Advanced), then create a "
    "new one; notebooks on Databricks need no token, and `databricks auth login` keeps it out "
    "of the code elsewhere.",
)
API_TOKEN = _secret(
    "api-token",
    "API token or credential",
    "Revoke the token in the service's settings and create a new one.",
)
PRIVATE_KEY = _secret(
    "private-key",
    "Private key",
    "Treat the key as compromised: replace it (e.g. `ssh-keygen`) and remove the old public "
    "key wherever it grants access.",
)
HARDCODED_SECRET = _secret(
    "hardcoded-secret",
    "Password or secret written in a file",
    "Change the password or secret wherever it is used.",
)
PASSWORD_IN_URL = _secret(
    "password-in-url",
    "Password in a URL",
    "Change the password, and pass credentials through environment variables instead of the URL.",
)
POSSIBLE_SECRET = Rule(
    "possible-secret",
    WARNING,
    "secrets",
    "Random-looking string that may be a key",
    "If it is a key or token, treat it as a secret (revoke it, remove it, read it from an "
    "environment variable); if it is not, add `mlscaffold: ignore[possible-secret]` in a "
    "comment on that line.",
)

# --- Files that hold credentials by their nature --------------------------------------------
ENV_FILE = Rule(
    "env-file",
    BLOCKER,
    "secrets",
    ".env file with values",
    "Revoke any real key it holds, stop tracking it (`git rm --cached {path}`) and keep "
    "`.env` in .gitignore; commit a `.env.example` with empty values instead.",
)
KAGGLE_JSON = Rule(
    "kaggle-json",
    BLOCKER,
    "secrets",
    "Kaggle credentials file",
    "Expire the key on kaggle.com (Settings > API > Expire API Token), move kaggle.json to "
    "~/.kaggle/ (`chmod 600`), `git rm --cached {path}` and keep `kaggle.json` in .gitignore.",
)
NETRC_FILE = Rule(
    "netrc-file",
    BLOCKER,
    "secrets",
    ".netrc with a password",
    "Change the passwords and tokens it holds, keep it only in your home folder "
    "(`git rm --cached {path}`) and add `.netrc` to .gitignore.",
)
PRIVATE_KEY_FILE = Rule(
    "private-key-file",
    BLOCKER,
    "secrets",
    "Private key file",
    "Replace the key (e.g. `ssh-keygen`), remove the old public key wherever it grants "
    "access, `git rm --cached {path}` and ignore key files (`*.pem`, `id_*`).",
)

# --- Size and data -----------------------------------------------------------------------
LARGE_FILE = Rule(
    "large-file",
    BLOCKER,
    "files",
    "File over GitHub's 50 MB limit",
    "Host it elsewhere (Hugging Face Hub, Kaggle Datasets, Zenodo) and download it in "
    "`make data`, or track it with Git LFS (`git lfs track`); then `git rm --cached {path}` "
    "and add it to .gitignore.",
)
LARGE_FILE_IN_HISTORY = Rule(
    "large-file-in-history",
    BLOCKER,
    "history",
    "File over GitHub's 50 MB limit in an earlier commit",
    "Deleting the file is not enough: GitHub rejects the push while any commit holds it. "
    + PURGE_FILE
    + " Git LFS can take it instead: `git lfs migrate import --include='{path}' --everything`.",
)
DATA_FILE = Rule(
    "data-file-committed",
    WARNING,
    "files",
    "Data or model file in the repository",
    "Keep data and trained models out of git: document where they come from in "
    "data/README.md and download or rebuild them (`make data`, `make train`); "
    "`git rm --cached {path}` and add the folder to .gitignore.",
)
DATA_FILE_IN_HISTORY = Rule(
    "data-file-in-history",
    WARNING,
    "history",
    "Data or model file in an earlier commit",
    "It is deleted but every clone still downloads it. " + PURGE_FILE,
)

# --- Files every portfolio repository needs ------------------------------------------------
LICENSE_MISSING = Rule(
    "license-missing",
    BLOCKER,
    "files",
    "No LICENSE file",
    "Without a licence nobody may legally reuse your code. Add a LICENSE file with the full "
    "text of a licence (MIT is the usual choice: https://choosealicense.com/licenses/mit/).",
)
README_MISSING = Rule(
    "readme-missing",
    BLOCKER,
    "files",
    "No README",
    "Add a README.md: what the project does, the data, the results and the exact commands "
    "to reproduce them. It is the first thing a visitor reads.",
)
CITATION_MISSING = Rule(
    "citation-missing",
    WARNING,
    "files",
    "No CITATION.cff",
    "Add a CITATION.cff (https://citation-file-format.github.io/) so GitHub shows a "
    "'Cite this repository' button.",
)
CI_MISSING = Rule(
    "ci-missing",
    WARNING,
    "files",
    "No CI workflow",
    "Add .github/workflows/ci.yml running the linter and the tests on every push; a green "
    "badge shows the code works.",
)
TESTS_MISSING = Rule(
    "tests-missing",
    WARNING,
    "files",
    "No tests",
    "Add a tests/ folder with pytest tests that check real numbers (data shapes, a metric "
    "floor), and run them in CI.",
)
GITIGNORE_MISSING = Rule(
    "gitignore-missing",
    WARNING,
    "files",
    "No .gitignore",
    "Add a .gitignore so secrets, data and models cannot be committed by accident; start "
    "with these lines: {lines}",
)
GITIGNORE_INCOMPLETE = Rule(
    "gitignore-incomplete",
    WARNING,
    "files",
    ".gitignore misses usual secret or data entries",
    "Add these lines to .gitignore: {lines}",
)

# --- Documentation ------------------------------------------------------------------------
README_NO_RESULTS = Rule(
    "readme-no-results",
    WARNING,
    "docs",
    "README has no results section",
    "Add a '## Results' section with the measured numbers (a table: your model next to a "
    "baseline), so a reader sees what the project achieves.",
)
README_RESULTS_UNFILLED = Rule(
    "readme-results-unfilled",
    WARNING,
    "docs",
    "README results are not filled in yet",
    "Run `make train` and then `make report`: it writes the measured numbers between the "
    "results markers.",
)
README_NO_REPRODUCE = Rule(
    "readme-no-reproduce",
    WARNING,
    "docs",
    "README has no command to reproduce the results",
    "Add a '## Reproduce' section with the exact commands in a code block (for example "
    "`pip install -e .`, `make train`).",
)
BLOG_DRAFT_UNFILLED = Rule(
    "blog-draft-unfilled",
    WARNING,
    "docs",
    "Blog draft not filled in",
    "Run `make report` after `make train` to fill in the results, then edit the draft in "
    "your own voice before publishing it.",
)
WRITEUP_PROMPTS = Rule(
    "writeup-prompts",
    WARNING,
    "docs",
    "WRITE prompts left in a document",
    "Replace each `> **WRITE:** ...` block with your own words (what drew you to the project, "
    "what you saw in the data, what surprised you, what you would try next), then commit.",
)
BLOG_DRAFT_FLAG = Rule(
    "blog-draft-flag",
    WARNING,
    "docs",
    "Blog post still marked as a draft",
    "When the post reads as yours, set `published: true` in its front matter (exports stay "
    "drafts on each platform) and add `canonical_url` once it first appears somewhere, then "
    "commit.",
)
WRITEUP_UNEDITED = Rule(
    "writeup-unedited",
    WARNING,
    "docs",
    "Blog paragraphs unchanged from the generated draft",
    "Rewrite the generated paragraphs in your own voice, or delete them: everyone who "
    "generates this template starts from the same words. The sections `make report` writes "
    "(between `<!-- NAME:start -->` markers) are yours to keep.",
)
RESULTS_UNCOMMITTED = Rule(
    "results-uncommitted",
    WARNING,
    "docs",
    "Results or documents not committed",
    "Commit them so a push publishes what you see: `git add README.md docs MODEL_CARD.md "
    'reports && git commit -m "Add measured results"`.',
)
PLACEHOLDER_IDENTITY = Rule(
    "placeholder-identity",
    WARNING,
    "docs",
    "Placeholder name, login or e-mail left from generation",
    "Replace it with your own: commit, then `mlscaffold update --data github_username=LOGIN "
    "--data author_email=EMAIL` re-renders the files; or search and replace by hand.",
)
NOTEBOOK_OUTPUTS = Rule(
    "notebook-outputs",
    WARNING,
    "notebooks",
    "Notebook saved with outputs",
    "Outputs bloat diffs and can leak data or keys printed in a cell. Clear them with "
    "`nbstripout {path}` (or `jupyter nbconvert --clear-output --inplace {path}`) and install "
    "the pre-commit hook (`pre-commit install`) so it happens on every commit.",
)

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        AWS_KEY,
        GITHUB_TOKEN,
        HUGGINGFACE_TOKEN,
        KAGGLE_KEY,
        WANDB_KEY,
        OPENAI_KEY,
        DATABRICKS_TOKEN,
        API_TOKEN,
        PRIVATE_KEY,
        HARDCODED_SECRET,
        PASSWORD_IN_URL,
        POSSIBLE_SECRET,
        ENV_FILE,
        KAGGLE_JSON,
        NETRC_FILE,
        PRIVATE_KEY_FILE,
        LARGE_FILE,
        LARGE_FILE_IN_HISTORY,
        DATA_FILE,
        DATA_FILE_IN_HISTORY,
        LICENSE_MISSING,
        README_MISSING,
        CITATION_MISSING,
        CI_MISSING,
        TESTS_MISSING,
        GITIGNORE_MISSING,
        GITIGNORE_INCOMPLETE,
        README_NO_RESULTS,
        README_RESULTS_UNFILLED,
        README_NO_REPRODUCE,
        BLOG_DRAFT_UNFILLED,
        WRITEUP_PROMPTS,
        BLOG_DRAFT_FLAG,
        WRITEUP_UNEDITED,
        RESULTS_UNCOMMITTED,
        PLACEHOLDER_IDENTITY,
        NOTEBOOK_OUTPUTS,
    )
}
"""Every rule by id, in the order the documentation lists them."""

SECRET_RULES = frozenset(rule.id for rule in RULES.values() if rule.family == "secrets")
"""Rules that detect credentials (detect-secrets' ``pragma: allowlist secret`` silences them)."""
CONTENT_SECRET_RULES = SECRET_RULES - {"env-file", "kaggle-json", "netrc-file", "private-key-file"}
"""Secrets found inside a file's content (the others are whole credential files)."""


def secret_fix(rule: Rule, location: Location, *, committed: bool = False) -> str:
    """The full fix for a secret: revoke first, then remove it where it was found."""
    if location == "history":
        return f"{rule.fix} {PURGE_SECRET}"
    text = (
        f"{rule.fix} Then delete it from the file and read it from an environment variable "
        "(kept in a git-ignored .env file)."
    )
    if committed:
        text += " It is already committed: " + PURGE_SECRET[len("Then ") :]
    return text


def file_fix(rule: Rule, path: str, location: Location, **values: str) -> str:
    """The fix of a file-level rule with the file's path filled in."""
    name = path.rsplit("/", 1)[-1]
    text = rule.fix.format(path=path, name=name, **values)
    if location == "history" and rule.family == "secrets":
        text += " It is in an earlier commit: " + PURGE_FILE.format(path=path, name=name)
    return text

"""The built-in rule that governs the rules: who may change the ADRs and what trusts them.

Governed files: everything under `adr-dir`, the allowed-signers file (it decides whose
signature approves), and `pyproject.toml` when its `[tool.govern]` table changes (it could set
`adr-changes = "anyone"` or move `adr-dir`). Each is a change to what later pushes are judged
by, so by default (`adr-changes = "human-or-signed"`) a commit touching one is accepted only when
* it carries a signature verified against the governed allowed-signers file
  (a `signed_by` fact), or
* it is a human's: its actor class is `human` (no agent/bot trailer or pattern) and the
  server's pusher, when the server names one, does not match `agent-patterns`/`bot-patterns`.
`adr-changes = "anyone"` turns the check off. Trailers and authors are claims, which is why a
signature is the way for an agent's ADR change to land.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from govern.config import Config
from govern.notes.git_plumbing import try_git
from govern.verdict.model import Finding

RULE_ID = "adr-changes"
TITLE = "built-in: changes to the ADRs, allowed signers and [tool.govern] are governed"
PYPROJECT = "pyproject.toml"


def adr_change_findings(repo: Path, commit: str, config: Config, facts: list) -> list[Finding]:
    """One blocking finding per ADR file `commit` changes without the standing to do so.

    `facts` are the commit's change facts, signatures verified against the trusted tree
    (the rules' tree) holding the allowed-signers file.
    """
    if config.adr_changes == "anyone":
        return []
    prefix = config.adr_dir.rstrip("/") + "/"
    changed = {str(f.args[0]) for f in facts if f.relation == "changed"}
    paths = sorted(p for p in changed if p.startswith(prefix) or p == config.allowed_signers
                   or (p == PYPROJECT and _config_changed(repo, commit)))
    if not paths:
        return []
    values = {relation: sorted(str(f.args[0]) for f in facts if f.relation == relation)
              for relation in ("actor", "signed_by", "pusher")}
    if values["signed_by"] or _human(values["actor"], values["pusher"], config):
        return []
    who = ", ".join(values["actor"]) or "unknown actor"
    pusher = f", pushed by {values['pusher'][0]}" if values["pusher"] else ""
    message = (
        f"only a human or a commit signed by an allowed signer may change {prefix}, "
        f"{config.allowed_signers} or [tool.govern] "
        f"(commit {commit[:12]}: {who}, unsigned{pusher}); "
        f"sign the commit with a key in {config.allowed_signers}, or have a human push it"
    )
    proof = {"builtin": RULE_ID, "facts": [f"{f.relation}({', '.join(map(repr, f.args))})" for f in sorted(facts)
                                            if f.relation in ("actor", "signed_by", "pusher")]}
    return [Finding(rule=RULE_ID, adr="govern", adr_title=TITLE, subject=path, location=path, message=message,
                    severity="block", new=True, proof=proof) for path in paths]


def _human(actors: list[str], pushers: list[str], config: Config) -> bool:
    if actors and set(actors) != {"human"}:
        return False
    patterns = [*config.agent_patterns, *config.bot_patterns]
    return not any(re.search(p, user) for p in patterns for user in pushers)


def _config_changed(repo: Path, commit: str) -> bool:
    """Whether `commit` changes the [tool.govern] table (other pyproject edits are not governed)."""
    return _govern_table(repo, f"{commit}^1") != _govern_table(repo, commit)


def _govern_table(repo: Path, rev: str) -> object:
    data = try_git(repo, "cat-file", "blob", f"{rev}:{PYPROJECT}")
    try:
        return tomllib.loads(data.decode("utf-8")).get("tool", {}).get("govern") if data else None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "unparseable"  # a broken pyproject.toml counts as a change of the table

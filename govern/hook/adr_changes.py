"""The built-in rule that governs the rules: who may change the ADRs and what trusts them.

Governed files: everything under `adr-dir`, the allowed-signers file (it decides whose
signature approves), CODEOWNERS (it decides who owns), and `pyproject.toml` when its
`[tool.govern]` table changes (it could set `adr-changes = "anyone"` or move `adr-dir`). Each is a
change to what later pushes are judged by. The policy (`adr-changes`, or the server's
`govern.adrChangePolicy`) says what a commit changing one needs:

* `humans` (default): a signature verified against the rules' allowed-signers file
  (`signed_by`), or a human's commit: actor class `human` (no agent/bot trailer or pattern)
  and a pusher that is not an agent account (`agent-pushers`) nor matches the patterns.
  Trailers and authors are claims: this keeps honest agents out, not lying ones.
* `signed`: a verified signature, whoever pushed. Authenticated.
* `owners`: for every changed file, one of its owners (CODEOWNERS of the rules' tree, never
  the pushed one) is the server's pusher or a verified signer; a file without an owner needs
  a verified signature. Authenticated.
* `anyone`: no check.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from govern.config import Config
from govern.notes.git_plumbing import try_git
from govern.verdict.inputs import CODEOWNERS, rules_owner_facts
from govern.verdict.model import Finding

RULE_ID = "adr-changes"
TITLE = "built-in: changes to the ADRs, allowed signers, CODEOWNERS and [tool.govern] are governed"
PYPROJECT = "pyproject.toml"
_NEEDS = {"humans": "a human's commit or one signed by an allowed signer",
          "signed": "a commit signed by an allowed signer",
          "owners": "the push or the signature of an owner (CODEOWNERS of the rules' tree) of each file"}
# What works, per policy (each followed by a test). A human pushing an agent's commit does not
# help: the commit's actor is its author's and trailers'.
_SIGN = ("sign the commit with an ssh key listed in {signers} of the rules' tree "
         "(git commit -S with gpg.format=ssh)")
_HINTS = {"humans": _SIGN + ", or have a human make the change in a commit of their own, without agent or bot "
                            "marks, pushed from an account that is no agent account and matches no agent or bot pattern",
          "signed": _SIGN,
          "owners": "have an owner of each file (CODEOWNERS of the rules' tree) push it, or " + _SIGN
                    + " (an owner's key; any listed key for a file without an owner)"}


def governed_changes(repo: Path, commit: str, config: Config, facts, before: str | None = None,
                     pyproject: tuple[str, str] | None = None) -> list[str]:
    """The governed files `commit` changes: under `adr-dir`, the allowed-signers file, CODEOWNERS,
    and pyproject.toml when its [tool.govern] table changes. `facts`: the change's facts;
    `before`: what the change is against (default: the commit's first parent); `pyproject`:
    pyproject.toml's (old, new) blob ids of that change when the caller has them ("" for none)."""
    prefix = config.adr_dir.rstrip("/") + "/"
    changed = {str(f.args[0]) for f in facts if f.relation == "changed"}
    return sorted(p for p in changed if p.startswith(prefix) or p == config.allowed_signers or p in CODEOWNERS
                  or (p == PYPROJECT and _config_changed(repo, before or f"{commit}^1", commit, pyproject)))


def adr_change_findings(repo: Path, commit: str, config: Config, facts, before: str | None = None,
                        rules: object | None = None, paths: list[str] | None = None) -> list[Finding]:
    """One blocking finding per governed file `commit` changes without the standing to do so.

    `facts`: the change's facts, signatures verified against the rules' tree. `before`: what the
    change is against (default: the commit's first parent). `rules`: the rules' tree (a
    CommitTree; its CODEOWNERS decide ownership under the `owners` policy). `paths`:
    governed_changes() when the caller has it."""
    if config.adr_changes == "anyone":
        return []
    prefix = config.adr_dir.rstrip("/") + "/"
    paths = governed_changes(repo, commit, config, facts, before) if paths is None else paths
    if not paths:
        return []
    values = {relation: sorted(str(f.args[0]) for f in facts if f.relation == relation)
              for relation in ("actor", "signed_by", "pusher")}
    refused = [p for p in paths if not _allowed(p, values, config, repo, rules)]
    if not refused:
        return []
    who = ", ".join(values["actor"]) or "unknown actor"
    signed = f"signed by {', '.join(values['signed_by'])}" if values["signed_by"] else "unsigned"
    pusher = f", pushed by {values['pusher'][0]}" if values["pusher"] else ""
    message = (
        f"adr-changes = {config.adr_changes}: changes to {prefix}, {config.allowed_signers}, CODEOWNERS or "
        f"[tool.govern] need {_NEEDS[config.adr_changes]} "
        f"(commit {commit[:12]}: {who}, {signed}{pusher}); "
        f"to land it: {_HINTS[config.adr_changes].replace('{signers}', config.allowed_signers)}"
    )
    proof = {"builtin": RULE_ID, "facts": [f"{f.relation}({', '.join(map(repr, f.args))})" for f in sorted(facts)
                                            if f.relation in ("actor", "signed_by", "pusher")]}
    return [Finding(rule=RULE_ID, adr="govern", adr_title=TITLE, subject=path, location=path, message=message,
                    severity="block", new=True, proof=proof) for path in refused]


def _allowed(path: str, values: dict[str, list[str]], config: Config, repo: Path, rules) -> bool:
    policy = config.adr_changes
    if policy == "signed":
        return bool(values["signed_by"])
    if policy == "owners":
        owners = _owners(rules, path)
        return bool(owners & {*values["signed_by"], *values["pusher"]}) if owners else bool(values["signed_by"])
    return bool(values["signed_by"]) or _human(values["actor"], values["pusher"], config)


def _human(actors: list[str], pushers: list[str], config: Config) -> bool:
    if actors and set(actors) != {"human"}:
        return False
    if set(pushers) & set(config.agent_pushers):
        return False
    patterns = [*config.agent_patterns, *config.bot_patterns]
    return not any(re.search(p, user) for p in patterns for user in pushers)


def _owners(rules, path: str) -> set[str]:
    """Owners of `path` by the effective CODEOWNERS of the rules' tree."""
    return {str(f.args[1]) for f in rules_owner_facts(rules, [path])} if rules is not None else set()


def _config_changed(repo: Path, before: str, commit: str, blobs: tuple[str, str] | None = None) -> bool:
    """Whether `commit` changes the [tool.govern] table against `before` (other pyproject edits are
    not governed); `blobs`: pyproject.toml's (old, new) blob ids when known ("" for none)."""
    if blobs is not None:
        return _govern_table(repo, blobs[0]) != _govern_table(repo, blobs[1])
    return _govern_table(repo, f"{before}:{PYPROJECT}") != _govern_table(repo, f"{commit}:{PYPROJECT}")


def _govern_table(repo: Path, blob: str) -> object:
    """The [tool.govern] table of pyproject.toml `blob` (an id or REV:PATH; "" for none)."""
    data = try_git(repo, "cat-file", "blob", blob) if blob else None
    try:
        return tomllib.loads(data.decode("utf-8")).get("tool", {}).get("govern") if data else None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "unparseable"  # a broken pyproject.toml counts as a change of the table

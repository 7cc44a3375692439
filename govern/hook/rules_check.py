"""The built-in rule that keeps the rules loadable: a push may not leave invalid ADRs or
an invalid `[tool.govern]` on the ref.

Rules are read from the old tip, so an invalid ADR pushed today would not fail today's push;
it would make *every later push* fail closed (the old tip's ADRs no longer load). So when a
push changes the ADR directory or pyproject.toml, the new tip's ADRs and configuration are
loaded too, and a problem rejects the push with every `file:line:col` diagnostic.
"""
from __future__ import annotations

from pathlib import Path

from govern.facts.tree import CommitTree
from govern.config import Config
from govern.errors import AdrError, GovernError
from govern.notes.git_plumbing import run_git
from govern.verdict.inputs import read_adrs, read_config
from govern.verdict.model import Finding

RULE_ID = "rules-load"
TITLE = "built-in: the ADRs and [tool.govern] must stay loadable"
PYPROJECT = "pyproject.toml"


def rules_load_findings(repo: Path, before: str | None, tip: str, config: Config) -> list[Finding]:
    """Findings for an ADR dir or configuration of `tip` that no longer loads (none if untouched)."""
    if before is not None and not _touched(repo, before, tip, config.adr_dir):
        return []
    tree = CommitTree(repo, tip)
    try:
        read_adrs(tree, read_config(tree).adr_dir)
    except AdrError as err:
        return [_finding(d.path, f"{d.path}:{d.line}:{d.col}", d.message) for d in err.diagnostics]
    except GovernError as err:
        return [_finding(PYPROJECT, PYPROJECT, str(err))]
    return []


def _touched(repo: Path, before: str, tip: str, adr_dir: str) -> bool:
    out = run_git(repo, "--literal-pathspecs", "diff-tree", "-r", "--name-only", "-z", before, tip,
                  "--", adr_dir.strip("/") or ".", PYPROJECT)
    return bool(out.strip(b"\0"))


def _finding(subject: str, location: str, message: str) -> Finding:
    return Finding(rule=RULE_ID, adr="govern", adr_title=TITLE, subject=subject, location=location,
                   message=f"{message} (fix it, then `govern adr lint`)", severity="block", new=True,
                   proof={"builtin": RULE_ID, "facts": []})

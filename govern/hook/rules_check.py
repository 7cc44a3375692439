"""The built-in rules that keep the rules usable: a push may not leave invalid ADRs, an invalid
`[tool.govern]` or rules too expensive to evaluate on the ref.

Rules are read from the old tip, so an invalid ADR pushed today would not fail today's push;
it would make *every later push* fail closed (the old tip's ADRs no longer load). So when a
push changes the ADR directory or pyproject.toml, the new tip's ADRs and configuration are
loaded too, and a problem rejects the push with every `file:line:col` diagnostic
(`rules-load`; a pyproject.toml that is not a regular file is one). Likewise the new rules'
own cost (`rules-cost`): the new tip is judged by its own rules, and when that takes more than
half the hook's budget the push is refused, since every later push would be judged by them.
(A judging that does not end at all is cut off by the budget, and that push is refused too:
fail-open never applies to a push that changes the rules.)
"""
from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from govern.facts.tree import CommitTree
from govern.config import Config
from govern.errors import AdrError, GovernError
from govern.notes.git_plumbing import run_git
from govern.verdict.inputs import read_adrs, read_config
from govern.verdict.model import Finding

RULE_ID = "rules-load"
TITLE = "built-in: the ADRs and [tool.govern] must stay loadable"
COST_ID = "rules-cost"
COST_TITLE = "built-in: the new rules must be cheap enough to judge later pushes within the budget"
PYPROJECT = "pyproject.toml"


def rules_load_findings(repo: Path, before: str | None, tip: str, config: Config) -> list[Finding]:
    """Findings for an ADR dir or configuration of `tip` that no longer loads (none if untouched)."""
    if before is not None and not _touched(repo, before, tip, config.adr_dir):
        return []
    mode = run_git(repo, "ls-tree", "--format=%(objectmode)", tip, "--", PYPROJECT).decode().strip()
    if mode and mode not in ("100644", "100755"):
        return [_finding(PYPROJECT, PYPROJECT, f"{PYPROJECT} must be a regular file (mode {mode})")]
    tree = CommitTree(repo, tip)
    try:
        read_adrs(tree, read_config(tree).adr_dir)
    except AdrError as err:
        return [_finding(d.path, f"{d.path}:{d.line}:{d.col}", d.message) for d in err.diagnostics]
    except GovernError as err:
        return [_finding(PYPROJECT, PYPROJECT, str(err))]
    return []


def rules_cost_findings(repo: Path, before: str | None, tip: str, config: Config, limit: float,
                        on: date, measured: float | None = None) -> list[Finding]:
    """A finding when `tip` changes the rules and judging `tip` by its own rules takes over `limit` s.

    `measured`: seconds the caller already spent judging `tip` by its own rules (the first push
    into an empty repository, whose rules are its tip's); within `limit`, nothing to judge again."""
    if before is not None and not _touched(repo, before, tip, config.adr_dir):
        return []
    if measured is not None and measured <= limit:
        return []
    from govern.verdict.judge import JudgeRequest, judge

    tree = CommitTree(repo, tip)
    started = time.monotonic()
    try:
        judge(JudgeRequest(repo=repo, target=tree, commit=tip, adr_tree=tree, scope="tree", on=on))
    except GovernError:
        return []  # rules that do not load: rules-load says so
    seconds = time.monotonic() - started
    if seconds <= limit:
        return []
    return [Finding(rule=COST_ID, adr="govern", adr_title=COST_TITLE, subject=config.adr_dir, location=config.adr_dir,
                    message=(f"judging this commit by its own new rules took {seconds:.1f} s, over half the hook "
                             f"budget ({2 * limit:g} s): every later push would be judged by them; make the rules "
                             "cheaper (or the server's operator raises govern.hookBudget)"),
                    severity="block", new=True, proof={"builtin": COST_ID, "facts": []})]


def _touched(repo: Path, before: str, tip: str, adr_dir: str) -> bool:
    out = run_git(repo, "--literal-pathspecs", "diff-tree", "-r", "--name-only", "-z", before, tip,
                  "--", adr_dir.strip("/") or ".", PYPROJECT)
    return bool(out.strip(b"\0"))


def _finding(subject: str, location: str, message: str) -> Finding:
    return Finding(rule=RULE_ID, adr="govern", adr_title=TITLE, subject=subject, location=location,
                   message=f"{message} (fix it, then `govern adr lint`)", severity="block", new=True,
                   proof={"builtin": RULE_ID, "facts": []})

"""What the MCP tools answer, as plain JSON-ready dicts (server.py wires them to the SDK).

Every call reads the repository as it is on disk at that moment (the working tree listing,
the ADRs, the config), so the answers follow the files the agent edits between calls; the
blob cache and the compiled-ADR cache keep repeated calls fast.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from govern.agents.hints import hints
from govern.agents.incremental import Warm
from govern.agents.paths import repo_path
from govern.agents.proposal import draft_of, governed, judge_draft
from govern.errors import UsageError
from govern.facts.tree import WorkTree
from govern.verdict.inputs import read_adrs, read_config
from govern.verdict.model import Verdict

MAX_FINDINGS = 50  # a tool result stays short: the rest is counted, `govern check` lists them all


def decisions_for(repo: str, paths: list[str]) -> dict[str, Any]:
    """The accepted ADRs whose active rules cover any of `paths`, with those rules and the ADR text."""
    from govern.datalog.relevance import relevant
    from govern.facts.derived import glob_facts
    from govern.rules import active

    if not isinstance(paths, list) or not paths:
        raise UsageError("paths: a non-empty list of paths expected")
    tree = WorkTree(repo)
    rel = [repo_path(repo, p) for p in paths]
    config = read_config(tree)
    adrs = read_adrs(tree, config.adr_dir)
    status = active(adrs, datetime.now(timezone.utc).date())
    modules = {_module(p, config.roots) for p in rel} - {None}
    out = []
    for adr in adrs:
        rules = []
        for spec in adr.rules:
            if spec.kind == "exempt" or status.get(spec.id) is not None:
                continue
            need = relevant(list(spec.rules))
            by_glob = bool(glob_facts({p: "" for p in rel}, frozenset(need.globs)))
            by_module = any(m == p or m.startswith(p + ".") for m in modules for p in need.prefixes)
            if by_glob or by_module or not (need.globs or need.prefixes):
                rules.append({"id": spec.id, "kind": spec.kind, "severity": spec.severity,
                              "message": spec.message, "location": f"{spec.path}:{spec.line}"})
        if rules:
            out.append({"id": adr.id, "title": adr.title, "status": adr.status, "path": adr.path,
                        "rules": rules, "text": _adr_text(tree, adr.path)})
    return {"paths": rel, "decisions": out}


def check_change(repo: str, edits: list | None = None, patch: str | None = None, proofs: bool = False,
                 warm: Warm | None = None) -> dict[str, Any]:
    """The verdict of the proposed change (govern.agents.proposal) with a fix hint per blocking
    finding; `warm`: the server's state, which keeps the working tree's answers between calls."""
    if warm is None:
        draft = draft_of(repo, edits=edits, patch=patch)
        verdict = judge_draft(draft)
    else:
        with warm.lock:
            draft = draft_of(repo, edits=edits, patch=patch, base=warm.tree())
            verdict = judge_draft(draft, warm=warm)
    changes = governed(draft)
    result = verdict_result(verdict, draft.base, verdict.blocking, proofs)
    return {"changes": [{"path": c.path, "kind": c.kind} for c in changes]} | result


def check(repo: str, staged: bool = False, rev: str | None = None, proofs: bool = False) -> dict[str, Any]:
    """The verdict of the working tree, the index (staged) or a commit (rev): every violation, hinted."""
    from govern.verdict.judge import judge_in_full
    from govern.verdict.targets import judge_request
    from govern.verdict.model import warnings_json
    from govern.verdict.warnings import check_warnings

    request = judge_request(repo, rev=rev, staged=staged, new_since=None, engine=None, adr_dir=None)
    judgement = judge_in_full(request)
    verdict = judgement.verdict
    result = verdict_result(verdict, request.adr_tree or request.target, list(verdict.violations), proofs)
    warnings = check_warnings(verdict, judgement.adrs, judgement.evaluation)  # rules that cannot match, as check says
    return result | warnings_json(warnings)


def why(repo: str, rev: str) -> dict[str, Any]:
    """The recorded verdict note of a commit (refs/notes/govern) and its explanation."""
    from pathlib import Path

    from govern.notes.why import load_note, render_note

    if not isinstance(rev, str) or not rev or rev.startswith("-"):
        raise UsageError("rev: a revision expected")
    commit, _, note = load_note(Path(repo), rev)
    return {"commit": commit, "verdict": note.get("verdict"), "explanation": render_note(note), "note": note}


def query(repo: str, goal: str) -> dict[str, Any]:
    """Answers of an ad-hoc goal over the working tree's facts and the active rules."""
    from govern.verdict.query import run_query
    from govern.verdict.targets import judge_request

    if not isinstance(goal, str) or not goal.strip():
        raise UsageError("goal: a rule body expected, e.g. imports(M, \"stripe\")")
    answers = run_query(judge_request(repo, rev=None, staged=False, new_since=None, engine=None, adr_dir=None), goal)
    return {"variables": list(answers.variables), "rows": [list(row) for row in answers.rows]}


def adr_list(repo: str) -> list[dict[str, str]]:
    tree = WorkTree(repo)
    return [{"id": a.id, "title": a.title, "status": a.status, "path": a.path}
            for a in read_adrs(tree, read_config(tree).adr_dir)]


def adr_text(repo: str, adr_id: str) -> str:
    tree = WorkTree(repo)
    adr = read_adrs(tree, read_config(tree).adr_dir).get(adr_id)
    if adr is None:
        raise UsageError(f"no ADR {adr_id!r}")
    return _adr_text(tree, adr.path)


def verdict_result(verdict: Verdict, rules_tree, findings: list, proofs: bool) -> dict[str, Any]:
    found = hints(verdict, rules_tree, findings)
    return {
        "verdict": verdict.outcome,
        "findings": [h.to_json(with_proof=proofs) for h in found[:MAX_FINDINGS]],
        "omitted": max(0, len(found) - MAX_FINDINGS),
        "summary": verdict.summary(),
    }


def _module(path: str, roots: tuple[str, ...] | list[str]) -> str | None:
    if not path.endswith(".py"):
        return None
    for root in roots or ("src", "."):
        prefix = "" if root in (".", "") else root.rstrip("/") + "/"
        if path.startswith(prefix):
            parts = path[len(prefix):-3].split("/")
            return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    return None


def _adr_text(tree: WorkTree, path: str) -> str:
    entry = next((e for e in tree.entries() if e.path == path), None)
    data = tree.read_many([entry.blob])[entry.blob] if entry else b""
    return data.decode("utf-8", "replace")

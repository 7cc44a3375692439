"""What the pusher reads (git shows hook stderr as `remote: …`): per blocked ref, each
violation with its rule, ADR, message, subject file:line, a short proof, and how to see more."""
from __future__ import annotations

import shlex
from collections.abc import Mapping

from govern.hook.judging import RefJudgment
from govern.verdict.model import Finding
from govern.verdict.render_text import about, proof_lines

PREFIX = "govern: "
MAX_PROOF_LINES = 6


def blocked_lines(judgment: RefJudgment, mode_origin: str = "") -> list[str]:
    """The rejection report of one ref update (`mode_origin`: the setting that made the ref blocking)."""
    update = judgment.update
    count = len(judgment.blocking)
    lines = [f"✗ {update.ref}: rejected, {count} blocking violation{'s' if count != 1 else ''} "
             f"(rules from the ADRs of {_short(judgment.rules_rev)})"]
    if mode_origin:
        lines.append(f"  blocking because of {mode_origin}")
    for commit, finding in sorted(judgment.blocking, key=lambda cf: (cf[1].rule, cf[1].location, cf[0])):
        lines += _finding_lines(commit, finding, judgment.tip)
        if commit in judgment.actors and finding.rule in judgment.approvals:
            lines.append(f"    actor: {judgment.actors[commit]}")
        if judgment.approvals.get(finding.rule):
            lines.append(f"    missing approval: {judgment.approvals[finding.rule]}")
    changed = sorted(judgment.rules_changed) if judgment.rules_rev != judgment.tip else []
    if changed:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        lines += [f"  note: this push changes {shown}; those changes were not applied to this judgement:",
                  f"        a push is judged by the rules that stood before it (those of {_short(judgment.rules_rev)}),"
                  " so that it cannot weaken its own rules.",
                  "        To change a rule and the code it governs, push the rule change first, on its own."]
    lines.append(f"  see more: {see_more(judgment)}   (run in your clone; --format json shows the full proofs)")
    return [PREFIX + line for line in lines]


def see_more(judgment: RefJudgment) -> str:
    """The command that gives, in a clone, the verdict the server gave: the same rules, base,
    commits and pusher (`govern check --rules-from`, docs/check.md)."""
    pusher = judgment.tip_verdict.pusher if judgment.tip_verdict is not None else None
    env = f"{pusher['variable']}={shlex.quote(pusher['user'])} " if pusher else ""
    return (f"{env}govern check --rev {_short(judgment.tip)} --rules-from {_short(judgment.rules_rev)}"
            + (f" --new-since {_short(judgment.base_rev)}" if judgment.base_rev else ""))


def summary_lines(judgment: RefJudgment) -> list[str]:
    """One line for an accepted ref: legacy violations and warnings are reported, not blocking."""
    verdict = judgment.tip_verdict
    if verdict is None:
        return [f"{PREFIX}✓ {judgment.update.ref}: deleted (not judged)"] if judgment.update.deleted else []
    summary = verdict.summary()
    extra = [f"{summary[k]} {k}" for k in ("legacy", "warnings", "exempted") if summary.get(k)]
    tail = f" ({', '.join(extra)}; not blocking)" if extra else ""
    n = len(judgment.commits)
    return [f"{PREFIX}✓ {judgment.update.ref}: allowed, {n} new commit{'s' if n != 1 else ''} judged{tail}"]


def _finding_lines(commit: str, finding: Finding, tip: str | None) -> list[str]:
    where = f" in commit {_short(commit)}" if commit != tip else ""
    lines = [f"  [{finding.rule}] {finding.adr} \"{finding.adr_title}\"{where}",
             f"    {finding.location or finding.subject}: {finding.message}{about(finding)}"]
    proof = short_proof(finding.proof)
    if proof:
        lines.append("    proof: " + proof[0])
        lines += ["           " + line for line in proof[1:]]
    return lines


def short_proof(proof: Mapping) -> list[str]:
    """The first lines of the proof tree (the full tree: `govern check --rev … --format json`)."""
    if "builtin" in proof:
        facts = proof.get("facts") or []
        return [f"built-in check {proof['builtin']} on " + ", ".join(facts)] if facts else []
    lines = proof_lines(proof)
    if len(lines) <= MAX_PROOF_LINES:
        return lines
    # The conclusion, its bindings and the decisive facts stay; the obvious ones (a path matching
    # a pattern, a module's own file, a name under a prefix) go first, then the deepest lines.
    keep = [i for i, line in enumerate(lines) if i == 0 or _atom(line) not in OBVIOUS]
    if len(keep) > MAX_PROOF_LINES:
        keep = keep[:MAX_PROOF_LINES]
    dropped = len(lines) - len(keep)
    left_out = sorted({_atom(lines[i]) for i in range(len(lines)) if i not in keep and _atom(lines[i]) in OBVIOUS})
    tail = f" ({', '.join(left_out)} facts)" if left_out and dropped == sum(
        1 for i, line in enumerate(lines) if i not in keep and _atom(line) in OBVIOUS) else ""
    return [lines[i] for i in keep] + [f"… {dropped} more line{'s' if dropped != 1 else ''} left out{tail}"]


OBVIOUS = frozenset({"glob", "under", "module", "file", "dist_match"})


def _atom(line: str) -> str:
    """The predicate a proof line shows ("" for the bindings line and other text)."""
    text = line.lstrip("│├└─ ")
    if text.startswith("not "):
        return "not"
    name = text.partition("(")[0]
    return name if name.isidentifier() else ""


def _short(rev: str | None) -> str:
    return rev[:12] if rev else "?"

"""What the pusher reads (git shows hook stderr as `remote: …`): per blocked ref, each
violation with its rule, ADR, message, subject file:line, a short proof, and how to see more."""
from __future__ import annotations

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
    lines.append(f"  see more: govern check --rev {_short(judgment.tip)}"
                 + (f" --new-since {_short(judgment.base_rev)}" if judgment.base_rev else "")
                 + "   (run in your clone; --format json shows the full proofs)")
    return [PREFIX + line for line in lines]


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
    if len(lines) > MAX_PROOF_LINES:
        rest = len(lines) - MAX_PROOF_LINES
        lines = lines[:MAX_PROOF_LINES] + [f"… {rest} more line{'s' if rest != 1 else ''}"]
    return lines


def _short(rev: str | None) -> str:
    return rev[:12] if rev else "?"

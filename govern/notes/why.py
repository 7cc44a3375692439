"""`govern why REV`: read a commit's verdict note and, with --verify, re-check its proofs."""
from __future__ import annotations

from pathlib import Path

from govern.errors import UsageError
from govern.notes.codec import decode
from govern.notes.record import commit_of
from govern.notes.store import NOTES_REF, read_note

FETCH_HINT = "git fetch origin refs/notes/govern:refs/notes/govern"


def load_note(repo: Path, rev: str) -> tuple[str, bytes, dict]:
    """(commit, note bytes, parsed note); a missing note says how to fetch notes (exit 2)."""
    commit = commit_of(repo, rev)
    raw = read_note(repo, commit)
    if raw is None:
        raise UsageError(
            f"no verdict note for {rev} ({commit[:12]}) in {NOTES_REF}.\n"
            f"Notes are not fetched by default; fetch them with:\n  {FETCH_HINT}\n"
            f"or record one locally with: govern record {rev}"
        )
    return commit, raw, decode(raw, f"{NOTES_REF} note of {commit[:12]}")


def verify(repo: Path, commit: str, note: dict) -> list[str]:
    """Every difference between the note and the verdict recomputed for `commit`, and every
    proof that does not hold (empty: the note is exactly what judging the commit gives)."""
    if note.get("commit") != commit:
        return [f"the note names commit {note.get('commit')!r}, not {commit}"]
    from govern.verdict.verify import verify_verdict_json

    return list(verify_verdict_json(repo, note))


def render_note(note: dict, color: bool = False) -> str:
    """The note for people: what was judged, the rules evaluated, each finding with its proof tree."""
    from govern.verdict.model import Verdict
    from govern.verdict.render_text import render_text

    try:
        verdict = Verdict.from_json(note)
        findings = render_text(verdict, color=color, proofs=True)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise UsageError(f"the note of {note.get('commit')!r} is not a verdict govern can show "
                         f"({type(err).__name__}: {err})") from None
    lines = [
        f"commit {verdict.commit}  verdict: {verdict.outcome}",
        f"tree {verdict.tree}  base {verdict.base or '-'}  judged {verdict.date} by govern {verdict.version} "
        f"({verdict.engine})",
        f"ADRs: {', '.join(f'{a.id} ({a.status})' for a in sorted(verdict.adrs, key=lambda a: a.id)) or 'none'}",
        "rules evaluated:",
    ]
    for rule in sorted(verdict.rules, key=lambda r: (r.adr, r.id)):
        state = "applies" if rule.applies else f"not applied: {rule.reason}"
        lines.append(f"  {rule.adr} {rule.id} [{rule.kind}, {rule.severity}] {state}")
    return "\n".join(lines) + "\n\n" + findings

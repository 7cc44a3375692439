"""`govern why REV`: read a commit's verdict note and, with --verify, re-check its proofs."""
from __future__ import annotations

import re
from pathlib import Path

from govern.errors import UsageError
from govern.notes.codec import decode
from govern.notes.record import commit_of
from govern.notes.git_plumbing import try_git
from govern.notes.store import NOTES_REF, read_note

FETCH_HINT = "git fetch origin refs/notes/govern:refs/notes/govern"


def load_note(repo: Path, rev: str) -> tuple[str, bytes, dict]:
    """(commit, note bytes, parsed note); a missing note says how to fetch notes (exit 2)."""
    try:
        commit = commit_of(repo, rev)
    except UsageError:
        # A refused push leaves no object behind on the server: its audit entry is the record.
        refused = _refusal(repo, rev.lower()) if re.fullmatch(r"[0-9a-fA-F]{7,64}", rev) else None
        if refused is None:
            raise
        raise UsageError(f"no commit {rev} here: {refused}") from None
    raw = read_note(repo, commit)
    if raw is None:
        raise UsageError(f"no verdict note for {rev} ({commit[:12]}) in {NOTES_REF}: {missing_note(repo, commit)}\n"
                         f"(or record one locally with: govern record {rev})")
    return commit, raw, decode(raw, f"{NOTES_REF} note of {commit[:12]}")


def missing_note(repo: Path, commit: str) -> str:
    """Which case a commit without a note is: refused by the server (from the audit log, when
    run in the server's repository), notes not fetched, or older than the hook."""
    refused = _refusal(repo, commit)
    if refused is not None:
        return refused
    noted = (try_git(repo, "notes", f"--ref={NOTES_REF}", "list") or b"").decode().split()[1::2]
    if not noted:
        return (f"this repository has no verdict notes at all: they are not fetched by default; fetch them with:\n"
                f"  {FETCH_HINT}")
    later = try_git(repo, "rev-list", "--stdin", "--max-count=1", "--ancestry-path", f"^{commit}",
                    input="".join(f"{c}\n" for c in noted).encode())
    if later:
        return ("the commit predates the hook: commits judged after it have notes, it has none (it was in the "
                "repository before govern's hooks were installed, or came in a push they did not judge)")
    return (f"it is newer than the notes here: fetch them again with:\n  {FETCH_HINT}\n"
            "(a commit the server refused has no note: see `govern audit` on the server)")


def _refusal(repo: Path, commit: str) -> str | None:
    """The last pre-receive refusal of a push of `commit` (a full id or a prefix) in the audit
    log here (a server), if any."""
    from govern.hook import audit
    from govern.notes.git_plumbing import git_dir

    try:
        entries = list(audit.read(git_dir(repo)))
    except Exception:  # noqa: BLE001 — no audit log here: not a server
        return None
    for entry in reversed(entries):
        blocking = [b for b in entry.get("blocking") or [] if isinstance(b, dict)]
        ids = [str(entry.get("new") or "")] + [str(b.get("commit") or "") for b in blocking]
        if entry.get("decision") == "reject" and any(i.startswith(commit) for i in ids if i):
            why = "; ".join(f"{b.get('rule')} ({b.get('location') or b.get('subject')})" for b in blocking) \
                or str(entry.get("error") or "see the audit entry")
            return (f"the server refused the push of it at {entry.get('time')} (ref {entry.get('ref')}, pusher "
                    f"{entry.get('pusher') or 'unknown'}): {why}; a refused commit gets no note (govern audit)")
    return None


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
    try:
        lines += change_lines(verdict)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise UsageError(f"the note of {note.get('commit')!r} has a change record govern cannot show "
                         f"({type(err).__name__}: {err})") from None
    return "\n".join(lines) + "\n\n" + findings


def change_lines(verdict) -> list[str]:
    """The change judged (actor and why, pusher, signatures) and what allowed it where a change
    rule would have fired: "allowed because …", each with its proof tree."""
    from govern.verdict.render_text import clean, proof_lines

    change = verdict.change
    if not change:
        return []
    actor = change.get("actor") or {}
    lines = ["change judged:"]
    if actor:
        lines.append(clean(f"  actor: {actor.get('kind')}" + (f" ({actor['why']})" if actor.get("why") else "")))
    if verdict.pusher:
        lines.append(clean(f"  pusher: {verdict.pusher.get('user')} (server variable {verdict.pusher.get('variable')}, "
                           f"authenticated by the server)"))
    for s in change.get("signatures") or []:
        lines.append(clean(f"  signed by: {s.get('principal')}, ssh key {s.get('key')}, verified {s.get('verified_at')} "
                           f"against {s.get('signers')}"))
    allowed = change.get("allowed") or []
    if allowed:
        lines.append("allowed because:")
    for a in allowed:
        lines.append(clean(f"  {a.get('rule')} ({a.get('adr')}) on {a.get('subject')}: {because(a.get('proof'), verdict)}"))
        lines += ["      " + line for line in proof_lines(a.get("proof"))]
    return lines


def because(proof, verdict) -> str:
    """What the proof of an allowance rests on, in words: who signed, pushed or owns."""
    from govern.verdict.proofwalk import fact_leaves

    keys = {s.get("principal"): s.get("key") for s in (verdict.change or {}).get("signatures") or []}
    leaves = fact_leaves(proof) if proof else []
    owners = {leaf.args[1]: leaf.location for leaf in leaves if leaf.pred == "rules_owner" and len(leaf.args) == 2}
    out = []
    for leaf in leaves:
        who = leaf.args[0] if leaf.args else "?"
        owner = f", an owner by {owners[who]}," if who in owners else ""
        if leaf.pred == "signed_by":
            out.append(f"{who}{owner} signed the commit (ssh key {keys.get(who, '?')}, listed in {leaf.path})")
        elif leaf.pred == "pusher":
            out.append(f"{who}{owner} pushed it (the server's authenticated user, {leaf.path})")
    return "; ".join(out) or "its proof holds (below)"

"""Legacy violations of the old tip, read from its verdict note instead of judging it again.

A push is judged against its base (the old tip) so that violations the base already had do
not block. Re-evaluating the base costs as much as judging the push itself, yet the old tip
was judged already, by the push that brought it, and its note holds exactly those
violations. The note is trusted for this only when it was judged under the same conditions:
same govern version, same ADR files (path and blob), same `pyproject.toml` blob, and (checked
after judging) the same rules applying. Otherwise the base is evaluated as usual.

A finding is legacy when the base had the identical finding (rule, subject, target) as a
violation; one the base only had exempted is new. An exemption is new when the base did not
have that finding exempted. Change rules judge a commit, not a tree: their findings are
always new.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from govern.facts.tree import Tree
from govern import __version__
from govern.hook.note_summary import summary_of
from govern.notes.git_plumbing import resolve
from govern.verdict.model import Verdict

PYPROJECT = "pyproject.toml"


def usable_note(repo: Path, base_rev: str, rules_tree: Tree, adr_dir: str) -> dict | None:
    """The summary of the old tip's note if it was judged with the ADRs and configuration in force now."""
    note = summary_of(repo, base_rev)
    if note is None or note.get("commit") != base_rev or note.get("govern") != __version__:
        return None
    prefix = adr_dir.strip("/") + "/"
    adr_files = {(e.path, e.blob) for e in rules_tree.entries()
                 if e.path.startswith(prefix) and "/" not in e.path[len(prefix):] and e.path.endswith(".md")}
    if {(a.get("path"), a.get("blob")) for a in note.get("adrs") or []} != adr_files:
        return None
    source = note.get("base") or base_rev  # the commit the note's own rules and config came from
    if resolve(repo, f"{source}:{PYPROJECT}") != resolve(repo, f"{base_rev}:{PYPROJECT}"):
        return None
    return note


def with_legacy(verdict: Verdict, note: dict, base_rev: str, change_rules: set[str]) -> Verdict | None:
    """`verdict` (judged without a base) with `new` set against the note's summary; None if the rules differ."""
    if [r.to_json() for r in sorted(verdict.rules, key=lambda r: (r.adr, r.id))] != note.get("rules"):
        return None
    change = change_rules
    legacy = {tuple(identity) for identity in note.get("legacy") or [] if identity[0] not in change}
    lifted = {tuple(identity) for identity in note.get("exempted") or [] if identity[0] not in change}

    def relabel(findings, known):
        return tuple(replace(f, new=f.rule in change or f.identity not in known) for f in findings)

    return replace(verdict, base=base_rev, violations=relabel(verdict.violations, legacy),
                   exemptions=relabel(verdict.exemptions, lifted))

"""Text for people: per finding the ADR, rule, message, subject `file:line` and a short
proof tree, then one summary line. Colour only when asked (a TTY without NO_COLOR).

Styles are rich `Style`s rendered line by line (a whole rich Console took 1.5 s for the
1,600 proofs of a 2,000-module repository; this takes milliseconds). Every string comes
from ADRs and trees (hostile input): it is never parsed as markup, and control
characters are shown escaped so a file name cannot drive the terminal.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from govern.datalog.proof import Proof
from govern.datalog.render import render_tree
from govern.verdict.model import BLOCK, Finding, Verdict
from govern.verdict.render_json import canonical_json

if TYPE_CHECKING:
    from rich.style import Style

# (label, style) per kind of finding
MARKS = {
    "block": ("✗ block", "bold red"),
    "legacy": ("• legacy", "yellow"),
    "warn": ("! warn", "yellow"),
    "exempt": ("~ exempt", "cyan"),
}
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # all but TAB: one field, one line


def render_text(verdict: Verdict, color: bool = False, proofs: bool = True, limit: int | None = None) -> str:
    """The verdict for a terminal (ANSI colours only when `color`): findings grouped by subject
    (the file, printed once); new findings first, blocking before warnings, then legacy ones,
    then exemptions (a file comes where its first finding does); at most `limit` findings."""
    paint = _painter(color)
    shown = [(f, _mark(f)) for f in sorted(verdict.violations, key=_order)]
    shown += [(f, "exempt") for f in sorted(verdict.exemptions, key=Finding.key)]
    lines: list[str] = []
    subject = None
    for finding, mark in _by_subject(shown)[:limit]:
        if finding.subject != subject:
            subject = finding.subject
            lines.append(paint(clean(subject), "bold underline"))
        lines += _finding(finding, mark, proofs, paint)
    if limit is not None and len(shown) > limit:
        lines += [f"… {_plural(len(shown) - limit, 'more finding')} not shown (--max-findings {limit})", ""]
    if not verdict.blocking:
        lines += [paint(clean(f"drift: {line}"), "yellow") for line in verdict.drift]
    lines += warning_lines(verdict, color)
    lines.append(paint(summary_line(verdict), "bold red" if verdict.blocking else "bold green"))
    return "\n".join(lines) + "\n"


def warning_lines(verdict: Verdict, color: bool = False) -> list[str]:
    """`warning: …`, one line per rule that cannot match (govern.verdict.warnings)."""
    paint = _painter(color)
    return [paint(clean(f"warning: {w.message}"), "yellow") for w in verdict.warnings]


def _by_subject(shown: list[tuple[Finding, str]]) -> list[tuple[Finding, str]]:
    """The findings regrouped by subject, subjects in order of their first finding (stable)."""
    groups: dict[str, list[tuple[Finding, str]]] = {}
    for item in shown:
        groups.setdefault(item[0].subject, []).append(item)
    return [item for group in groups.values() for item in group]


def _order(finding: Finding) -> tuple:
    return (not finding.new, finding.severity != BLOCK, finding.key())


def summary_line(verdict: Verdict) -> str:
    """E.g. `govern: block — 2 blocking, 1 warning, 1 exempted (12 rules, 3 ADRs)`."""
    s = verdict.summary()
    parts = [f"{s['blocking']} blocking"]
    if s["legacy"]:
        parts.append(f"{s['legacy']} legacy")
    parts += [_plural(s["warnings"], "warning"), f"{s['exempted']} exempted"]
    scope = f"{_plural(s['rules'], 'rule')}, {s['adrs']} ADR{'s' if s['adrs'] != 1 else ''}"
    return f"govern: {verdict.outcome} — {', '.join(parts)} ({scope})"


def proof_lines(proof: Mapping[str, Any] | None) -> list[str]:
    """The proof (JSON) as a short tree, one line per node (control characters escaped).

    A finding of a built-in check (e.g. the hook's ADR-change check) carries its own small
    record instead of a Datalog proof: it is shown as compact JSON on one line.
    """
    if proof is None:
        return ["(legacy: not proven here; the verdict note has the proof)"]
    if "kind" not in proof:
        return [clean(canonical_json(proof).rstrip("\n"))]
    return [clean(line) for line in render_tree(Proof.from_json(proof)).splitlines()]


def clean(text: str) -> str:
    """`text` with control characters (ESC, CR, LF, …) shown as `\\x1b` instead of sent to the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def about(finding: Finding) -> str:
    """` → target` (what the finding is about), or nothing for a finding without a target."""
    return f" → {finding.target}" if finding.target else ""


def _finding(finding: Finding, mark: str, proofs: bool, paint) -> list[str]:
    label, style = MARKS[mark]
    lines = [
        f"  {paint(label, style)}  {paint(clean(finding.rule), 'bold')}  {clean(finding.adr)} "
        f"{paint('“' + clean(finding.adr_title) + '”', 'italic')}",
        f"    {paint(clean(finding.location), 'bold')}: {clean(finding.message + about(finding))}",
    ]
    if finding.reason is not None:
        lines.append(f"    exempted: {clean(finding.reason)}")
    if proofs:
        lines += [paint("      " + line, "dim") for line in proof_lines(finding.proof)]
    return lines + [""]


def _mark(finding: Finding) -> str:
    if finding.severity != BLOCK:
        return "warn"
    return "block" if finding.new else "legacy"


def _painter(color: bool):
    if not color:
        return lambda text, style: text
    from rich.color import ColorSystem  # only for colour: rich costs start-up time otherwise
    from rich.style import Style

    styles: dict[str, Style] = {}

    def paint(text: str, style: str) -> str:
        parsed = styles.setdefault(style, Style.parse(style))
        return parsed.render(text, color_system=ColorSystem.STANDARD)

    return paint


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"

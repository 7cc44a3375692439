"""Text for people: per finding the ADR, rule, message, subject `file:line` and a short
proof tree, then one summary line. Colour only when asked (a TTY without NO_COLOR).

Everything printed comes from ADRs and trees (hostile input), so it goes through rich as
`Text` objects, never as markup.
"""
from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.text import Text

from govern.datalog.proof import Proof
from govern.datalog.render import render_tree
from govern.verdict.model import BLOCK, Finding, Verdict

WIDTH = 100
# (label, style) per kind of finding
MARKS = {
    "block": ("✗ block", "bold red"),
    "legacy": ("• legacy", "yellow"),
    "warn": ("! warn", "yellow"),
    "exempt": ("~ exempt", "cyan"),
}


def render_text(verdict: Verdict, color: bool = False, proofs: bool = True) -> str:
    """The verdict for a terminal (ANSI colours only when `color`)."""
    out = io.StringIO()
    console = Console(file=out, force_terminal=color, no_color=not color, width=WIDTH,
                      highlight=False, emoji=False, color_system="standard" if color else None)
    for finding in sorted(verdict.violations, key=Finding.key):
        _finding(console, finding, _mark(finding), proofs)
    for finding in sorted(verdict.exemptions, key=Finding.key):
        _finding(console, finding, "exempt", proofs)
    console.print(summary_line(verdict), style="bold red" if verdict.blocking else "bold green", soft_wrap=True)
    return out.getvalue()


def summary_line(verdict: Verdict) -> str:
    """E.g. `govern: block — 2 blocking, 1 warning, 1 exempted (12 rules, 3 ADRs)`."""
    s = verdict.summary()
    parts = [f"{s['blocking']} blocking"]
    if s["legacy"]:
        parts.append(f"{s['legacy']} legacy")
    parts += [_plural(s["warnings"], "warning"), f"{s['exempted']} exempted"]
    scope = f"{_plural(s['rules'], 'rule')}, {s['adrs']} ADR{'s' if s['adrs'] != 1 else ''}"
    return f"govern: {verdict.outcome} — {', '.join(parts)} ({scope})"


def _mark(finding: Finding) -> str:
    if finding.severity != BLOCK:
        return "warn"
    return "block" if finding.new else "legacy"


def _finding(console: Console, finding: Finding, mark: str, proofs: bool) -> None:
    label, style = MARKS[mark]
    head = Text.assemble((label, style), "  ", (finding.rule, "bold"), "  ", f"{finding.adr} ", (f"“{finding.adr_title}”", "italic"))
    console.print(head, soft_wrap=True)
    console.print(Text.assemble("  ", (finding.location, "bold"), ": ", finding.message), soft_wrap=True)
    if finding.reason is not None:
        console.print(Text.assemble("  exempted: ", finding.reason), soft_wrap=True)
    if proofs:
        for line in proof_lines(finding.proof):
            console.print(Text("    " + line, style="dim"), soft_wrap=True)
    console.print()


def proof_lines(proof: Mapping[str, Any]) -> list[str]:
    """The proof (JSON) as a short tree, one line per node."""
    return render_tree(Proof.from_json(proof)).splitlines()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"

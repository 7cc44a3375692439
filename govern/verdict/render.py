"""The output formats of a verdict, in one registry: name → renderer(verdict, color) → text
pieces (written one by one, so a big verdict is never held twice in memory)."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from govern.verdict.model import Verdict
from govern.verdict.render_json import json_chunks
from govern.verdict.render_sarif import sarif_chunks
from govern.verdict.render_text import render_text

RENDERERS: dict[str, Callable[[Verdict, bool], Iterable[str]]] = {
    "text": lambda verdict, color: [render_text(verdict, color=color)],
    "json": lambda verdict, color: json_chunks(verdict),
    "sarif": lambda verdict, color: sarif_chunks(verdict),
}


def render(fmt: str, verdict: Verdict, color: bool = False) -> Iterable[str]:
    """The verdict in format `fmt` (a key of RENDERERS) as text pieces; colour applies to text only."""
    return RENDERERS[fmt](verdict, color)

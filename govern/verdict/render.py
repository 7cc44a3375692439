"""The output formats of a verdict, in one registry: name → renderer(verdict, color) -> str."""
from __future__ import annotations

from typing import Callable

from govern.verdict.model import Verdict
from govern.verdict.render_json import render_json
from govern.verdict.render_sarif import render_sarif
from govern.verdict.render_text import render_text

RENDERERS: dict[str, Callable[[Verdict, bool], str]] = {
    "text": lambda verdict, color: render_text(verdict, color=color),
    "json": lambda verdict, color: render_json(verdict),
    "sarif": lambda verdict, color: render_sarif(verdict),
}


def render(fmt: str, verdict: Verdict, color: bool = False) -> str:
    """The verdict in format `fmt` (a key of RENDERERS); colour applies to text only."""
    return RENDERERS[fmt](verdict, color)

"""`govern init` and `govern adr new`: create ADR files and the config section, never clobbering."""
from __future__ import annotations

import json
import re
import tomllib
from datetime import date
from pathlib import Path

from govern.errors import UsageError

FIRST_ADR = "0001-record-architecture-decisions.md"
_NUMBERED = re.compile(r"(\d+)-.*\.md$")

_FIRST = """---
title: Record architecture decisions
status: accepted
date: {today}
decision-makers: []
---
# Record architecture decisions

## Context and Problem Statement

We need to record the architectural decisions made on this project, and we want
the decisions that can be checked by a machine to be checked on every change.

## Decision Outcome

We keep Architecture Decision Records in `{adr_dir}/`, one Markdown file per
decision (`NNNN-kebab-title.md`, MADR style), with YAML front matter. Rules in the
front matter (and in ```datalog blocks) are compiled and enforced by `govern`:
`govern adr lint` validates them, `govern check` evaluates them.

## Consequences

* A new decision starts with `govern adr new "Title"` and is reviewed like code.
* An accepted ADR with rules blocks changes that break it, with a proof.
* Retiring a decision means superseding it (`supersedes: [ADR-NNNN]`), not deleting it.
"""

_NEW = """---
title: {title_yaml}
status: proposed
date: {today}
decision-makers: []
rules: []
---
# {title}

## Context and Problem Statement

What is the problem, and why does it need a decision now?

## Considered Options

* Option 1
* Option 2

## Decision Outcome

Chosen option: "Option 1", because …

Enforceable parts go under `rules:` in the front matter (see docs/adr-format.md),
for example:

    rules:
      - id: no-stripe-outside-billing
        forbid-import: {{from: ["app/**"], to: ["stripe", "stripe.*"], except: ["app/billing/**"]}}

## Consequences

* Good, because …
* Bad, because …
"""

_CONFIG = "\n[tool.govern]\nadr-dir = {adr_dir}\n"  # adr_dir as a TOML (= JSON) string


def init(root: Path, adr_dir: str, today: date) -> list[str]:
    """Create `<adr_dir>/0001-…` and `[tool.govern]` when missing; return what was done."""
    done = []
    directory = root / adr_dir
    directory.mkdir(parents=True, exist_ok=True)
    if not any(directory.glob("0001-*.md")):
        (directory / FIRST_ADR).write_text(_FIRST.format(today=today.isoformat(), adr_dir=adr_dir), encoding="utf-8")
        done.append(f"created {adr_dir}/{FIRST_ADR}")
    pyproject = root / "pyproject.toml"
    section = _CONFIG.format(adr_dir=json.dumps(adr_dir, ensure_ascii=False))
    if not pyproject.exists():
        pyproject.write_text(section.lstrip("\n"), encoding="utf-8")
        done.append("created pyproject.toml with [tool.govern]")
    elif not _has_section(pyproject):
        text = pyproject.read_text(encoding="utf-8")
        sep = "" if text.endswith("\n") or not text else "\n"
        pyproject.write_text(text + sep + section, encoding="utf-8")
        done.append("added [tool.govern] to pyproject.toml")
    return done


def _has_section(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise UsageError(f"{pyproject.name}: invalid TOML: {err}") from None
    return "govern" in data.get("tool", {})


def kebab(title: str) -> str:
    """File-name slug of a title: lower-case words joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-") or "decision"


def next_number(directory: Path) -> int:
    numbers = [int(m.group(1)) for p in directory.glob("*.md") if (m := _NUMBERED.match(p.name))]
    return max(numbers, default=0) + 1


def new_adr(root: Path, adr_dir: str, title: str, today: date) -> str:
    """Write `<adr_dir>/NNNN-<kebab-title>.md` from the MADR template; return its path."""
    title = " ".join(title.split())
    if not title:
        raise UsageError("the title must not be empty")
    directory = root / adr_dir
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{next_number(directory):04d}-{kebab(title)}.md"
    text = _NEW.format(title_yaml=json.dumps(title, ensure_ascii=False), title=title, today=today.isoformat())
    with open(directory / name, "x", encoding="utf-8") as out:  # "x": never overwrite
        out.write(text)
    return f"{adr_dir.rstrip('/')}/{name}"

"""Render and write one ADR per translated contract (never overwriting a file)."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import yaml

from govern.adr.loader import load_adrs
from govern.adr.scaffold import kebab, next_number
from govern.errors import AdrError
from govern.importlinter.config import Session, as_list
from govern.importlinter.translate import Translation


def render(session: Session, item: Translation, today: date) -> str:
    """The ADR text: front matter (accepted; the contract's name as title, its id as rule id)
    and a body that says where it came from."""
    rule = {"id": item.rule_id, item.kind: item.block, "message": f"import-linter contract: {item.contract.name}"}
    front = {"title": item.contract.name, "status": "accepted", "date": today.isoformat(), "rules": [rule]}
    text = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)
    guidance = " ".join(as_list(item.contract.options.get("broken_contract_guidance")))
    body = [f"# {item.contract.name}", "",
            f"Translated by `govern init --from-importlinter` from the import-linter contract "
            f"{json.dumps(item.contract.id, ensure_ascii=False)} (type `{item.contract.type}`) of `{session.path}`."]
    if guidance:
        body += ["", guidance]
    for note in item.notes:
        body += ["", f"Note: {note}."]
    for problem in item.problems:
        body += ["", f"Not translated: {problem}."]
    return f"---\n{text}---\n" + "\n".join(body) + "\n"


def load_problem(session: Session, item: Translation, today: date) -> str | None:
    """Why the ADR `render` gives for `item` would not load (schema, rule compile), or None: a
    contract only partly translated (--partial) must not write an ADR that breaks every check."""
    try:
        load_adrs([("adr/0001-translated.md", render(session, item, today).encode(), "0" * 40)])
    except AdrError as error:
        return f"its rule does not load: {error.diagnostics[0].message}"
    return None


def write(root: Path, adr_dir: str, session: Session, items: list[Translation], today: date) -> list[str]:
    """Write the ADRs of the translatable contracts; return their paths."""
    directory = root / adr_dir
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for item in items:
        if item.kind is None:
            continue
        name = f"{next_number(directory):04d}-{kebab(item.contract.name)}.md"
        with open(directory / name, "x", encoding="utf-8") as out:  # "x": never overwrite
            out.write(render(session, item, today))
        written.append(f"{adr_dir.rstrip('/')}/{name}")
    return written

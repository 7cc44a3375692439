"""`govern init --from-importlinter [FILE] [--partial]`: thin over govern.importlinter."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from govern.importlinter import config, settings, translate, write


def from_importlinter(root: Path, adr_dir: str, name: str | None, partial: bool) -> int:
    """Translate every contract; print what was written and what was not translated.

    Exit 2 (nothing written) when something does not translate, unless --partial."""
    path = config.find(root, name)
    session = config.read(path)
    if session is None:
        typer.echo(f"govern: {path.name}: no import-linter section", err=True)
        return 2
    wanted = settings.plan(root, session.flag("exclude_type_checking_imports"))
    items = [translate.translate(session, c, wanted.rule_keys) for c in session.contracts]
    problems = [f"{session.path}: {p}" for p in translate.session_problems(session)]
    problems += [f"{settings.PYPROJECT}: {p}" for p in wanted.problems]
    seen: dict[str, str] = {}
    for item in items:
        problems += [f"{session.path}: contract {item.contract.id}: {p}" for p in item.problems]
        if item.rule_id in seen:
            problems.append(f"{session.path}: contract {item.contract.id}: rule id {item.rule_id!r} is also contract {seen[item.rule_id]}'s")
            item.kind = None
        seen.setdefault(item.rule_id, item.contract.id)
        if item.kind and (problem := write.load_problem(session, item, date.today())):
            problems.append(f"{session.path}: contract {item.contract.id}: {problem}")
            item.kind = None
    for line in problems:
        typer.echo(f"not translated: {line}", err=True)
    if problems and not partial:
        typer.echo("govern: nothing written (use --partial to write what translates)", err=True)
        return 2
    for line in settings.write(root, wanted):
        typer.echo(line)
    for path_written, item in zip(write.write(root, adr_dir, session, items, date.today()), [i for i in items if i.kind]):
        typer.echo(f"wrote {path_written}: {item.kind} rule {item.rule_id} from contract {item.contract.id}")
        for note in item.notes:
            typer.echo(f"  note: {note}")
    return 0

"""The `[tool.govern]` keys a translation needs, so that govern sees the code as grimp does.

* `namespace-packages = false`: grimp's modules (no namespace package inside a regular one);
* `type-checking-imports = false` when the session says `exclude_type_checking_imports = True`.

A key the table already sets to the wanted value is left alone; an absent one is added to
pyproject.toml (the table created if need be). `namespace-packages = true` cannot be
translated (the modules would differ from grimp's). When `type-checking-imports` is set
otherwise than the session wants, each translated rule says `type-checking` itself.
The file is edited as text (the standard library writes no TOML) and the result is parsed
again: an edit that would not read back as intended is reported, never written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from govern.config import Config, parse_config
from govern.errors import UsageError

PYPROJECT = "pyproject.toml"
_HEADER = re.compile(r"\[[ \t]*tool[ \t]*\.[ \t]*govern[ \t]*\][ \t]*(#.*)?")


@dataclass
class Settings:
    """What the translation does to `[tool.govern]`, and what it puts on each rule."""

    add: dict[str, bool] = field(default_factory=dict)  # keys to write
    rule_keys: dict[str, bool] = field(default_factory=dict)  # keys every translated rule gets
    problems: list[str] = field(default_factory=list)
    text: str | None = None  # pyproject.toml's new text (None: unchanged)


def plan(root: Path, exclude_type_checking: bool) -> Settings:
    """The keys to add and the rule keys needed; pyproject.toml is read, never written here."""
    path = root / PYPROJECT
    try:
        data = path.read_bytes() if path.is_file() else None
    except OSError as err:
        raise UsageError(f"{PYPROJECT}: cannot read: {err.strerror}") from None
    config = parse_config(data, PYPROJECT)  # invalid TOML or [tool.govern]: exit 2, nothing written
    out = Settings()
    if "namespace-packages" not in config.explicit:
        out.add["namespace-packages"] = False
    elif config.namespace_packages:
        out.problems.append("[tool.govern] namespace-packages = true: grimp does not take a directory without "
                            "__init__.py inside a package as a package; set namespace-packages = false")
    if "type-checking-imports" not in config.explicit:
        if exclude_type_checking:
            out.add["type-checking-imports"] = False
    elif config.type_checking_imports == exclude_type_checking:  # the table says otherwise: each rule says it
        out.rule_keys["type-checking"] = not exclude_type_checking
    if out.add:
        out.text = _edited(data.decode("utf-8") if data else "", out)
    return out


def _edited(text: str, out: Settings) -> str | None:
    """pyproject.toml with the keys added under [tool.govern] (None, and a problem, when the
    edit would not read back as intended)."""
    lines = [f"{key} = {'true' if value else 'false'}" for key, value in out.add.items()]
    found = [i for i, line in enumerate(text.split("\n")) if _HEADER.fullmatch(line.strip())]
    if found:
        rows = text.split("\n")
        new = "\n".join(rows[: found[0] + 1] + lines + rows[found[0] + 1:])
    else:
        new = text + ("\n" if text and not text.endswith("\n") else "") + ("\n" if text else "") + "[tool.govern]\n" + "\n".join(lines) + "\n"
    try:
        config = parse_config(new.encode("utf-8"), PYPROJECT)
    except UsageError:
        config = None
    if config is None or any(getattr(config, key.replace("-", "_")) != value for key, value in out.add.items()):
        wanted = ", ".join(lines)
        out.problems.append(f"cannot add {wanted} to [tool.govern] by itself; add it and run again")
        return None
    return new


def write(root: Path, settings: Settings) -> list[str]:
    """Write pyproject.toml when keys are added; the lines saying what was written."""
    if settings.text is None:
        return []
    (root / PYPROJECT).write_text(settings.text, encoding="utf-8")
    return [f"wrote {PYPROJECT}: [tool.govern] {key} = {'true' if value else 'false'}" for key, value in settings.add.items()]

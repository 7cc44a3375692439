"""Read an import-linter configuration as import-linter does (configparser / tomllib).

Files, in import-linter's order when none is named: setup.cfg, .importlinter (INI,
section [importlinter] and [importlinter:contract:ID]), pyproject.toml
([tool.importlinter] with [[tool.importlinter.contracts]]). Values are kept as strings
or lists of strings (an INI value spanning lines is a list, as in import-linter).
"""
from __future__ import annotations

import configparser
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from govern.errors import UsageError

CANDIDATES = ("setup.cfg", ".importlinter", "pyproject.toml")
Value = str | list[str]


@dataclass(frozen=True)
class Contract:
    id: str
    name: str
    type: str
    options: dict[str, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class Session:
    path: str
    options: dict[str, Value]
    contracts: tuple[Contract, ...]

    def values(self, key: str) -> list[str]:
        return as_list(self.options.get(key))

    def flag(self, key: str) -> bool:
        return as_flag(self.options.get(key))


def as_list(value: Value | None) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [v.strip() for v in items if v.strip()]


def as_flag(value: Value | None) -> bool:
    return isinstance(value, str) and value.strip().lower() == "true"


def find(root: Path, name: str | None) -> Path:
    """The configuration file: `name` if given, else the first candidate holding a section."""
    if name:
        path = root / name
        if not path.is_file():
            raise UsageError(f"{name}: no such file")
        return path
    for candidate in CANDIDATES:
        path = root / candidate
        if path.is_file() and read(path) is not None:
            return path
    raise UsageError("no import-linter configuration found (setup.cfg, .importlinter or pyproject.toml [tool.importlinter])")


def read(path: Path) -> Session | None:
    """The session options and contracts of one file (None: it has no import-linter section)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"{path.name}: cannot read: {err}") from None
    if path.suffix == ".toml":
        return _toml(path.name, text)
    return _ini(path.name, text)


def _ini(name: str, text: str) -> Session | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=name)
    except configparser.Error as err:
        raise UsageError(f"{name}: invalid INI: {' '.join(str(err).split())}") from None
    if "importlinter" not in parser.sections():
        return None
    contracts = []
    for section in parser.sections():
        if section.startswith("importlinter:"):
            options = _clean(dict(parser[section]))
            cid = section.split(":")[-1]
            contracts.append(_contract(name, cid, options))
    return Session(name, _clean(dict(parser["importlinter"])), tuple(contracts))


def _clean(section: dict[str, str]) -> dict[str, Value]:
    return {k: (v.strip().split("\n") if "\n" in v else v) for k, v in section.items()}


def _toml(name: str, text: str) -> Session | None:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"{name}: invalid TOML: {err}") from None
    tool = data.get("tool", {})
    section = tool.get("importlinter") if isinstance(tool, dict) else None
    if not section:
        return None
    if not isinstance(section, dict):
        raise UsageError(f"{name}: [tool.importlinter] must be a table")
    section = dict(section)
    raw = section.pop("contracts", [])
    if not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw):
        raise UsageError(f"{name}: [[tool.importlinter.contracts]] must be tables")
    contracts = []
    for i, table in enumerate(raw):
        options = {k: _toml_value(name, k, v) for k, v in table.items()}
        cid = options.pop("id", None)
        contracts.append(_contract(name, cid if isinstance(cid, str) else str(i + 1), options))
    return Session(name, {k: _toml_value(name, k, v) for k, v in section.items()}, tuple(contracts))


def _toml_value(name: str, key: str, value: object) -> Value:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (str, int)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise UsageError(f"{name}: import-linter option {key!r} must be a string, a boolean or a list of strings")


def _contract(name: str, cid: str, options: dict[str, Value]) -> Contract:
    kind = options.pop("type", None)
    title = options.pop("name", None)
    if not isinstance(kind, str) or not kind:
        raise UsageError(f"{name}: contract {cid!r} has no type")
    return Contract(cid, title if isinstance(title, str) and title.strip() else cid, kind.strip(), options)

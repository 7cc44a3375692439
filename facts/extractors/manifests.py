"""Manifests: `declares(Manifest, Dist)` from pyproject.toml, requirements files, setup.cfg, package.json.

Distribution names are normalised with `packaging.utils.canonicalize_name` (PEP 503),
for npm names too, so that one pattern syntax matches both. The line of a fact is
the first line, from the section that declares it, that holds the entry.
"""
from __future__ import annotations

import configparser
import json
import posixpath
import re
import tomllib

from ..extractors.base import Context, Extractor
from ..model import Fact, Source

NAME = "manifests"
_FIXED = {"pyproject.toml": "pyproject", "setup.cfg": "setup.cfg", "package.json": "package.json"}
_REQ_FILE = re.compile(r"(?:.*requirements.*\.txt|requirements/[^/]*\.txt)\Z", re.S)


def wants(path: str) -> bool:
    base = posixpath.basename(path)
    return base in _FIXED or bool(_REQ_FILE.match(base) or _REQ_FILE.match("/".join(path.split("/")[-2:])))


def variant(path: str) -> str:
    # Anything that is not one of the fixed names is read as a requirements file:
    # that is how `-r other.in` includes are read.
    return _FIXED.get(posixpath.basename(path), "requirements")


def scan(kind: str, data: bytes) -> dict:
    """{"deps": [[line, dist]], "includes": [[line, path]], "errors": [[line, message]]}."""
    out: dict = {"deps": [], "includes": [], "errors": []}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        out["errors"].append([0, f"not UTF-8: {err.reason} at byte {err.start}"])
        return out
    try:
        _SCANNERS[kind](text, text.splitlines(), out)
    except (tomllib.TOMLDecodeError, configparser.Error, ValueError) as err:
        out["errors"].append([0, f"invalid {kind}: {str(err).splitlines()[0] if str(err) else type(err).__name__}"])
    out["deps"].sort()
    return out


def _line_of(lines: list[str], needle: str, start: int = 0) -> int:
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number + 1
    return start + 1 if start < len(lines) else 0


def _section_start(lines: list[str], header: str) -> int:
    for number, line in enumerate(lines):
        if line.strip().replace(" ", "") == header:
            return number
    return 0


def canonicalize_name(name: str) -> str:
    """PEP 503 normalisation (packaging's)."""
    # packaging takes ~15 ms to import: only runs that read a manifest pay for it.
    from packaging.utils import canonicalize_name as canonical

    return canonical(name)


def _add_requirement(out: dict, spec: str, line: int) -> None:
    from packaging.requirements import InvalidRequirement, Requirement  # see canonicalize_name

    try:
        out["deps"].append([line, canonicalize_name(Requirement(spec).name)])
    except InvalidRequirement as err:
        out["errors"].append([line, f"invalid requirement {spec!r}: {str(err).splitlines()[0]}"])


def _pyproject(text: str, lines: list[str], out: dict) -> None:
    data = tomllib.loads(text)
    project = _table(data, "project")
    start = _section_start(lines, "[project]")
    for spec in _strings(project.get("dependencies")):
        _add_requirement(out, spec, _line_of(lines, spec, start))
    for table, header in ((project.get("optional-dependencies"), "[project.optional-dependencies]"),
                          (data.get("dependency-groups"), "[dependency-groups]")):
        start = _section_start(lines, header)
        for group in (table if isinstance(table, dict) else {}).values():
            for spec in _strings(group):  # {include-group = ...} entries are not strings: skipped
                _add_requirement(out, spec, _line_of(lines, spec, start))
    poetry = _table(_table(data, "tool"), "poetry")
    tables = [("dependencies", poetry.get("dependencies")), ("dev-dependencies", poetry.get("dev-dependencies"))]
    tables += [(f"group.{g}.dependencies", _table(t, "dependencies")) for g, t in _table(poetry, "group").items()]
    for suffix, table in tables:
        start = _section_start(lines, f"[tool.poetry.{suffix}]")
        for name in (table if isinstance(table, dict) else {}):
            if name.lower() != "python":  # the interpreter constraint, not a distribution
                out["deps"].append([_line_of(lines, name, start), canonicalize_name(name)])


def _table(data: object, key: str) -> dict:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


_OPTION = re.compile(r"\s--?[A-Za-z]")
_INCLUDE = re.compile(r"(?:-r|--requirement)(?:\s*=\s*|\s+)(\S+)|(?:-c|--constraint)(?:\s*=\s*|\s+)(\S+)")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")


def _requirements(text: str, lines: list[str], out: dict) -> None:
    for number, line in _logical_lines(lines):
        include = _INCLUDE.match(line)
        if include:
            # -r adds the included file's requirements; -c only constrains versions
            # of requirements declared elsewhere, so it declares nothing.
            if include.group(1):
                out["includes"].append([number, include.group(1)])
        elif line.startswith(("-e", "--editable")):
            egg = _EGG.search(line)
            if egg:
                out["deps"].append([number, canonicalize_name(egg.group(1))])
        elif not line.startswith("-") and not line.startswith((".", "/")) and "://" not in line.split("@")[0]:
            _add_requirement(out, _OPTION.split(" " + line, 1)[0].strip() or line, number)


def _logical_lines(lines: list[str]):
    pending, first = "", 0
    for number, raw in enumerate(lines, 1):
        line = re.sub(r"(^|\s)#.*", "", raw).strip()
        if not pending:
            first = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = (pending + line).strip(), ""
        if line:
            yield first, line


def _setup_cfg(text: str, lines: list[str], out: dict) -> None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read_string(text)
    sections = [("options", "install_requires")] if parser.has_option("options", "install_requires") else []
    if parser.has_section("options.extras_require"):
        sections += [("options.extras_require", key) for key in parser.options("options.extras_require")]
    for section, key in sections:
        start = _section_start(lines, f"[{section}]")
        for spec in (s.strip() for s in parser.get(section, key).splitlines()):
            if spec and not spec.startswith("#"):
                _add_requirement(out, spec, _line_of(lines, spec, start))


def _package_json(text: str, lines: list[str], out: dict) -> None:
    data = json.loads(text)
    for key in ("dependencies", "devDependencies"):
        table = data.get(key) if isinstance(data, dict) else None
        start = _line_of(lines, f'"{key}"') - 1
        for name in (table if isinstance(table, dict) else {}):
            out["deps"].append([_line_of(lines, f'"{name}"', max(start, 0)), canonicalize_name(name)])


_SCANNERS = {"pyproject": _pyproject, "requirements": _requirements, "setup.cfg": _setup_cfg, "package.json": _package_json}


def facts(path: str, raw: dict | None, blob: str, context: Context) -> list[Fact]:
    if raw is None:
        return []
    out = [Fact("parse_error", (path, f"line {line}: {msg}" if line else msg), Source(NAME, path, line, blob))
           for line, msg in raw["errors"]]
    seen = {path}
    queue = [(path, raw, blob)]
    while queue:  # follow -r includes that stay inside the tree, each file once
        where, scanned, where_blob = queue.pop()
        out += [Fact("declares", (path, dist), Source(NAME, where, line, where_blob)) for line, dist in scanned["deps"]]
        for _, target in scanned["includes"]:
            included = posixpath.normpath(posixpath.join(posixpath.dirname(where), target))
            if included not in seen and not included.startswith(("../", "/")):
                seen.add(included)
                sub = context.scan(NAME, included)
                if sub is not None:
                    queue.append((included, sub, context.blobs[included]))
    return out


EXTRACTOR = Extractor(
    name=NAME,
    version=1,
    relations=frozenset({"declares", "parse_error"}),
    data_relations=frozenset({"declares", "parse_error"}),
    wants=wants,
    variant=variant,
    scan=scan,
    facts=facts,
)

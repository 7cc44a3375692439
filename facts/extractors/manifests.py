"""Manifests: `declares(Manifest, Dist)` and `declares_group(Manifest, Dist, Group)` from pyproject.toml
(PEP 621/735, Poetry, uv, pdm), requirements files (-r includes), setup.cfg, setup.py (static), Pipfile,
package.json.

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
_FIXED = {"pyproject.toml": "pyproject", "setup.cfg": "setup.cfg", "setup.py": "setup.py",
          "Pipfile": "pipfile", "package.json": "package.json"}

# Declaration groups (see docs/facts.md): what a team means by "our runtime dependencies".
RUNTIME, DEV, REQUIREMENTS = "runtime", "dev", "requirements"


def wants(path: str) -> bool:
    base = posixpath.basename(path)
    return base in _FIXED or _is_requirements(base, posixpath.basename(posixpath.dirname(path)))


def _is_requirements(base: str, parent: str) -> bool:
    """pip's requirements files: requirements*.txt / *requirements*.in, or any .txt/.in in requirements/."""
    stem, dot, ext = base.rpartition(".")
    if not dot or ext not in ("txt", "in") or base == "MANIFEST.in":
        return False
    return "requirements" in stem or parent == "requirements"


def variant(path: str) -> str:
    # Anything that is not one of the fixed names is read as a requirements file:
    # that is how `-r other.in` includes are read.
    return _FIXED.get(posixpath.basename(path), "requirements")


def scan(kind: str, data: bytes) -> dict:
    """{"deps": [[line, dist, group]], "includes": [[line, path]], "errors": [[line, message]]}."""
    out: dict = {"deps": [], "includes": [], "errors": []}
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        out["errors"].append([0, f"not UTF-8: {err.reason} at byte {err.start}"])
        return out
    try:
        _SCANNERS[kind](text, _Lines(text), out)
    except (tomllib.TOMLDecodeError, configparser.Error, ValueError, SyntaxError, RecursionError, MemoryError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        out["errors"].append([0, f"invalid {kind}: {reason}"])
    out["deps"].sort()
    return out


class _Lines:
    """Line numbers of entries, searched forward from the last hit of a section (linear for files
    that list their entries in order, which is every real manifest)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.cursor: dict[str, int] = {}

    def section(self, header: str) -> int:
        for number, line in enumerate(self.lines):
            if line.strip().replace(" ", "") == header:
                return number
        return 0

    def find(self, needle: str, start: int, key: str) -> int:
        lines = self.lines
        first = max(start, self.cursor.get(key, start))
        for begin, stop in ((first, len(lines)), (start, first)):
            for number in range(begin, stop):
                if needle in lines[number]:
                    self.cursor[key] = number
                    return number + 1
        return start + 1 if start < len(lines) else 0


def canonicalize_name(name: str) -> str:
    """PEP 503 normalisation (packaging's)."""
    # packaging takes ~15 ms to import: only runs that read a manifest pay for it.
    from packaging.utils import canonicalize_name as canonical

    return canonical(name)


def _add_requirement(out: dict, spec: str, line: int, group: str) -> None:
    from packaging.requirements import InvalidRequirement, Requirement  # see canonicalize_name

    try:
        out["deps"].append([line, canonicalize_name(Requirement(spec).name), group])
    except InvalidRequirement as err:
        out["errors"].append([line, f"invalid requirement {spec!r}: {str(err).splitlines()[0]}"])


def _add_specs(out: dict, lines: _Lines, specs: object, header: str, group: str) -> None:
    start = lines.section(header)
    for spec in _strings(specs):  # {include-group = ...} entries are not strings: groups are named by key
        _add_requirement(out, spec, lines.find(spec, start, header), group)


def _add_names(out: dict, lines: _Lines, table: object, header: str, group: str, skip=("python",)) -> None:
    start = lines.section(header)
    for name in (table if isinstance(table, dict) else {}):
        if isinstance(name, str) and name.lower() not in skip:  # "python": the interpreter, not a distribution
            out["deps"].append([lines.find(name, start, header), canonicalize_name(name), group])


def _pyproject(text: str, lines: _Lines, out: dict) -> None:
    data = tomllib.loads(text)
    project = _table(data, "project")
    _add_specs(out, lines, project.get("dependencies"), "[project]", RUNTIME)
    for extra, specs in _table(project, "optional-dependencies").items():
        _add_specs(out, lines, specs, "[project.optional-dependencies]", f"extra:{canonicalize_name(extra)}")
    for name, specs in _table(data, "dependency-groups").items():  # PEP 735
        _add_specs(out, lines, specs, "[dependency-groups]", f"group:{canonicalize_name(name)}")
    tool = _table(data, "tool")
    _poetry(_table(tool, "poetry"), lines, out)
    _add_specs(out, lines, _table(tool, "uv").get("dev-dependencies"), "[tool.uv]", DEV)
    for name, specs in _table(_table(tool, "pdm"), "dev-dependencies").items():
        _add_specs(out, lines, specs, "[tool.pdm.dev-dependencies]", f"group:{canonicalize_name(name)}")


def _poetry(poetry: dict, lines: _Lines, out: dict) -> None:
    """Poetry: optional dependencies belong to the extras that list them; dev and named groups."""
    extras: dict[str, list[str]] = {}
    for extra, names in _table(poetry, "extras").items():
        for name in _strings(names):
            extras.setdefault(canonicalize_name(name), []).append(f"extra:{canonicalize_name(extra)}")
    deps = _table(poetry, "dependencies")
    start = lines.section("[tool.poetry.dependencies]")
    for name, spec in deps.items():
        if not isinstance(name, str) or name.lower() == "python":
            continue
        dist = canonicalize_name(name)
        optional = isinstance(spec, dict) and spec.get("optional") is True
        for group in (extras.get(dist) or ["extra:"]) if optional else [RUNTIME]:
            out["deps"].append([lines.find(name, start, "poetry"), dist, group])
    _add_names(out, lines, poetry.get("dev-dependencies"), "[tool.poetry.dev-dependencies]", DEV)
    for group, table in _table(poetry, "group").items():
        header = f"[tool.poetry.group.{group}.dependencies]"
        _add_names(out, lines, _table(table, "dependencies"), header, f"group:{canonicalize_name(group)}")


def _pipfile(text: str, lines: _Lines, out: dict) -> None:
    data = tomllib.loads(text)
    _add_names(out, lines, data.get("packages"), "[packages]", RUNTIME, skip=())
    _add_names(out, lines, data.get("dev-packages"), "[dev-packages]", DEV, skip=())


def _table(data: object, key: str) -> dict:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


_OPTION = re.compile(r"\s--?[A-Za-z]")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_FILE_OPTIONS = (("--requirement", "-r", True), ("--constraint", "-c", False))


def _file_option(line: str) -> tuple[bool, str] | None:
    """(-r or -c, its file) for `-r FILE`, `-rFILE`, `-r=FILE`, `--requirement FILE|=FILE`; else None."""
    for long, short, include in _FILE_OPTIONS:
        if line.startswith(long) and line[len(long):len(long) + 1] in ("=", " ", "\t"):
            rest = line[len(long):]
        elif line.startswith(short) and not line.startswith(long):
            rest = line[len(short):]
        else:
            continue
        words = rest.lstrip(" \t=").split()
        return (include, words[0]) if words else (include, "")
    return None


def _requirements(text: str, lines: _Lines, out: dict) -> None:
    for number, line in _logical_lines(lines.lines):
        option = _file_option(line)
        if option is not None:
            include, target = option
            # -r adds the included file's requirements; -c only constrains versions
            # of requirements declared elsewhere, so it declares nothing.
            if not target:
                out["errors"].append([number, f"{line.split()[0]} without a file"])
            elif include:
                out["includes"].append([number, target])
        elif line.startswith(("-e", "--editable")) or "://" in line.split("@")[0]:
            egg = _EGG.search(line)
            named = egg.group(1) if egg else _archive_name(line.split()[-1])
            if named:
                out["deps"].append([number, canonicalize_name(named), REQUIREMENTS])
            elif not line.split(None, 1)[-1].startswith((".", "/")):  # a local path is the project itself
                out["errors"].append([number, "a URL requirement without #egg=NAME: its distribution is unknown"])
        elif not line.startswith("-") and not line.startswith((".", "/")):
            _add_requirement(out, _OPTION.split(" " + line, 1)[0].strip() or line, number, REQUIREMENTS)


def _archive_name(url: str) -> str:
    """The distribution of a wheel or sdist URL, from its file name ('' when it is neither)."""
    from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename

    name = url.split("#", 1)[0].split("?", 1)[0].rsplit("/", 1)[-1]
    try:
        return str(parse_wheel_filename(name)[0] if name.endswith(".whl") else parse_sdist_filename(name)[0])
    except (InvalidWheelFilename, InvalidSdistFilename):
        return ""


def _logical_lines(lines: list[str]):
    pending, first = "", 0
    for number, raw in enumerate(lines, 1):
        line = _strip_comment(raw)
        if not pending:
            first = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = (pending + line).strip(), ""
        if line:
            yield first, line
    if pending.strip():
        yield first, pending.strip()


def _strip_comment(raw: str) -> str:
    """pip's rule: `#` at the start or after whitespace starts a comment."""
    at = raw.find("#")
    while at > 0 and not raw[at - 1].isspace():
        at = raw.find("#", at + 1)
    return (raw if at < 0 else raw[:at]).strip()


def _setup_cfg(text: str, lines: _Lines, out: dict) -> None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read_string(text)
    sections = [("options", "install_requires", RUNTIME)] if parser.has_option("options", "install_requires") else []
    if parser.has_section("options.extras_require"):
        sections += [("options.extras_require", key, f"extra:{canonicalize_name(key)}")
                     for key in parser.options("options.extras_require")]
    for section, key, group in sections:
        start = lines.section(f"[{section}]")
        for spec in (s.strip() for s in parser.get(section, key).splitlines()):
            if spec and not spec.startswith("#"):
                _add_requirement(out, spec, lines.find(spec, start, section), group)


def _setup_py(text: str, lines: _Lines, out: dict) -> None:
    """setup.py read statically (never run): literal install_requires / extras_require / tests_require
    of a setup() call, through module-level names bound to literals. Anything else is an error, not a
    silent gap."""
    import ast

    tree = ast.parse(text)
    names = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)}
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _callee(n.func) == "setup"]
    for call in calls:
        for keyword in call.keywords:
            if keyword.arg not in ("install_requires", "extras_require", "tests_require"):
                continue
            value = names.get(keyword.value.id, keyword.value) if isinstance(keyword.value, ast.Name) else keyword.value
            try:
                literal = ast.literal_eval(value)
            except (ValueError, TypeError, SyntaxError, RecursionError):
                out["errors"].append([keyword.value.lineno, f"setup.py: {keyword.arg} is not a literal; "
                                      "govern reads setup.py without running it"])
                continue
            if keyword.arg == "extras_require" and isinstance(literal, dict):
                groups = [(f"extra:{canonicalize_name(str(k))}", v) for k, v in sorted(literal.items(), key=str)]
            else:
                groups = [(RUNTIME if keyword.arg == "install_requires" else DEV, literal)]
            for group, specs in groups:
                specs = specs.splitlines() if isinstance(specs, str) else specs
                for spec in (s.strip() for s in specs if isinstance(s, str)) if isinstance(specs, (list, tuple)) else ():
                    if spec and not spec.startswith("#"):
                        _add_requirement(out, spec, lines.find(spec, value.lineno - 1, group), group)


def _callee(func: object) -> str:
    import ast

    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _package_json(text: str, lines: _Lines, out: dict) -> None:
    data = json.loads(text)
    for key, group in (("dependencies", RUNTIME), ("devDependencies", DEV), ("optionalDependencies", "extra:optional")):
        table = data.get(key) if isinstance(data, dict) else None
        start = max(lines.find(f'"{key}"', 0, key) - 1, 0)
        for name in (table if isinstance(table, dict) else {}):
            out["deps"].append([lines.find(f'"{name}"', start, key), canonicalize_name(name), group])


_SCANNERS = {"pyproject": _pyproject, "requirements": _requirements, "setup.cfg": _setup_cfg,
             "setup.py": _setup_py, "pipfile": _pipfile, "package.json": _package_json}


def facts(path: str, raw: dict | None, blob: str, context: Context) -> list[Fact]:
    if raw is None:
        return []
    out = [Fact("parse_error", (path, f"line {line}: {msg}" if line else msg), Source(NAME, path, line, blob))
           for line, msg in raw["errors"]]
    seen = {path}
    queue = [(path, raw, blob)]
    while queue:  # follow -r includes that stay inside the tree, each file once
        where, scanned, where_blob = queue.pop()
        for line, dist, group in scanned["deps"]:
            source = Source(NAME, where, line, where_blob)
            out += [Fact("declares", (path, dist), source), Fact("declares_group", (path, dist, group), source)]
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
    version=2,
    relations=frozenset({"declares", "declares_group", "parse_error"}),
    data_relations=frozenset({"declares", "declares_group", "parse_error"}),
    wants=wants,
    variant=variant,
    scan=scan,
    facts=facts,
)

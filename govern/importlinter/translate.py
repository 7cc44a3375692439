"""One import-linter contract → one govern rule block, or the reasons it cannot be one.

Every option either maps to a rule key with the same meaning or is reported. The
semantics followed are import-linter 2.x's (grimp 3): forbidden/layers/independence
search indirect imports, chains through another layer or independent module do not
count for that pair (`chains: unmediated`), the graph holds only the root packages
(`within`), ignored imports are left out before the search (`ignore-imports`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import takewhile

from govern.importlinter.config import Contract, Session, as_list

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ALERTING = ("error", "warn", "none")  # unmatched_ignore_imports_alerting (import-linter's AlertLevel)


@dataclass
class Translation:
    contract: Contract
    rule_id: str
    kind: str | None = None
    block: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # options not translated
    notes: list[str] = field(default_factory=list)  # translated, with a difference worth knowing
    roots: list[str] = field(default_factory=list)  # the session's root packages


def rule_id(contract_id: str) -> str:
    """A kebab-case rule id from a contract id (govern ids are [A-Za-z0-9] runs joined by '-')."""
    return "-".join(re.findall(r"[A-Za-z0-9]+", contract_id)) or "contract"


def translate(session: Session, contract: Contract, rule_keys: dict | None = None) -> Translation:
    """The rule block of one contract; `rule_keys` are set on it too (see settings.plan)."""
    out = Translation(contract, rule_id(contract.id), roots=_roots(session))
    handler = HANDLERS.get(contract.type)
    if handler is None:
        out.problems.append(f"contract type {contract.type!r} has no govern equivalent")
        return out
    options = dict(contract.options)
    options.pop("broken_contract_guidance", None)  # goes to the ADR's text
    handler(session, options, out)
    _graph_options(session, options, out)
    if out.kind is not None:
        out.block.update(rule_keys or {})
    for key in sorted(options):
        out.problems.append(f"option {key!r} is not translated")
    return out


def _take(options: dict, key: str) -> list[str]:
    return as_list(options.pop(key, None))


def _flag(options: dict, key: str, default: bool, out: Translation) -> bool:
    """A boolean option as import-linter parses it ('true'/'false', any case); anything else
    is reported (import-linter rejects the contract) and read as the default."""
    value = options.pop(key, None)
    if value is None:
        return default
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    out.problems.append(f"option {key!r}: could not parse a boolean from {value!r}")
    return default


def _pattern(value: str, out: Translation, what: str) -> str | None:
    parts = value.split(".")
    if all(_NAME.fullmatch(p) or p in ("*", "**") for p in parts) and not any(a[0] == "*" == b[0] for a, b in zip(parts, parts[1:])):
        return value
    out.problems.append(f"{what} {value!r} is not a module expression")
    return None


def _external(name: str, out: Translation) -> bool:
    """Whether a module expression is outside the root packages (names an external package)."""
    return bool(out.roots) and not any(name.split(".")[0] == r.split(".")[0] for r in out.roots)


def _as_packages(values: list[str], packages: bool, out: Translation, what: str) -> list[str]:
    """Module expressions → govern module patterns (a trailing '.*' in govern is 'inside')."""
    result = []
    for value in values:
        pattern = _pattern(value, out, what)
        if pattern is None:
            continue
        if not packages and "*" not in pattern and _external(pattern, out):
            result += ["=" + pattern, "=" + pattern + ".**"]  # grimp's graph: an external package is one module
        elif not packages:
            result.append("=" + pattern)  # the modules matched, each alone
        elif pattern.endswith(".*") or pattern == "*":
            result.append(pattern if pattern != "*" else "**")
        elif pattern.endswith("**"):
            result.append(pattern)
        else:
            result += [pattern, pattern + ".*"]
    return result


def _modules(values: list[str], out: Translation, what: str) -> list[str]:
    """Module names or patterns (`pkg.*`, `pkg.**`: each matched module a module of its own, as
    import-linter expands them when it runs; govern expands them on each tree it judges)."""
    return [v for v in values if _pattern(v, out, what)]


def _forbidden(session: Session, options: dict, out: Translation) -> None:
    packages = _flag(options, "as_packages", True, out)
    sources = _take(options, "source_modules")
    forbidden = _take(options, "forbidden_modules")
    roots = _roots(session)
    if not session.flag("include_external_packages"):
        for f in forbidden:
            if roots and not any(_inside(f, r) for r in roots):
                out.problems.append(f"forbidden module {f!r} is outside the root packages and include_external_packages "
                                    "is not True (import-linter rejects the configuration)")
    indirect = _flag(options, "allow_indirect_imports", False, out)
    out.kind = "forbid-import"
    out.block = {"from-modules": _as_packages(sources, packages, out, "source module"),
                 "to": _as_packages(forbidden, packages, out, "forbidden module")}
    if any(_may_overlap(s, f) for s in sources for f in forbidden):
        out.block["skip-overlapping"] = True  # import-linter skips a source and a forbidden module that overlap
    if not indirect:
        out.block["transitive"] = True


def _may_overlap(source: str, forbidden: str) -> bool:
    """Whether a module matching `source` and one matching `forbidden` can be the same module or
    one inside the other: the names before their first wildcard, one a prefix of the other."""
    fixed = sorted((list(takewhile(lambda part: "*" not in part, e.split("."))) for e in (source, forbidden)), key=len)
    return fixed[1][:len(fixed[0])] == fixed[0]


def _inside(pattern: str, root: str) -> bool:
    """Whether a module expression names modules inside the root package (its first segment is
    the root's, or a wildcard that could be)."""
    first = pattern.split(".")[0]
    return first in ("*", "**") or first == root.split(".")[0]


def _protected(session: Session, options: dict, out: Translation) -> None:
    packages = _flag(options, "as_packages", True, out)
    protected = _as_packages(_take(options, "protected_modules"), packages, out, "protected module")
    allowed = _as_packages(_take(options, "allowed_importers"), packages, out, "allowed importer")
    out.kind = "forbid-import"
    roots = _roots(session)
    # Each protected module (each match of an expression) may be imported from inside itself only.
    out.block = {"from-modules": [p for r in roots for p in (r, r + ".*")] or ["**"], "to": protected,
                 "allow-within-target": True}
    if allowed:
        out.block["except-modules"] = allowed


def _independence(session: Session, options: dict, out: Translation) -> None:
    out.kind = "independent"
    out.block = {"modules": _modules(_take(options, "modules"), out, "module"), "transitive": True, "chains": "unmediated"}


def _layers(session: Session, options: dict, out: Translation) -> None:
    entries, optional = [], []
    for raw in _take(options, "layers"):
        independent = ":" not in raw
        if "|" in raw and ":" in raw:
            out.problems.append(f"layer {raw!r} mixes '|' and ':'")
            continue
        names = []
        for tail in re.split(r"[|:]", raw):
            tail = tail.strip()
            if tail.startswith("(") and tail.endswith(")"):
                tail = tail[1:-1].strip()
                optional.append(tail)
            names += _layer_name(tail, out)
        if not names:
            continue
        entries.append(names[0] if len(names) == 1 else names if independent else {"modules": names, "independent": False})
    out.kind = "layers"
    out.block = {"layers": entries}
    containers = _modules(_take(options, "containers"), out, "container")
    if containers:
        out.block["containers"] = containers
    out.block["transitive"] = True
    out.block["chains"] = "unmediated"
    if optional:
        out.block["optional"] = optional
    if _flag(options, "exhaustive", False, out):
        out.block["exhaustive"] = True
        ignores = _take(options, "exhaustive_ignores")
        if ignores:
            out.block["exhaustive-ignores"] = ignores
    else:
        options.pop("exhaustive_ignores", None)


def _layer_name(value: str, out: Translation) -> list[str]:
    """import-linter takes a layer name literally (it does not expand wildcards in layers)."""
    if "*" in value:
        out.problems.append(f"layer {value!r}: import-linter takes layer names literally, a '*' names no module")
        return []
    return [v for v in [value] if _pattern(v, out, "layer")]


def _acyclic(session: Session, options: dict, out: Translation) -> None:
    ancestors = [p for v in _take(options, "ancestors") if (p := _pattern(v, out, "ancestor"))]
    skipped = [p for v in _take(options, "skip_descendants") if (p := _pattern(v, out, "skipped descendant"))]
    for value in sorted(set(ancestors) & set(skipped)):
        out.problems.append(f"{value!r} is both an ancestor and a skipped descendant (import-linter rejects it)")
    out.kind = "acyclic-siblings"
    out.block = {"ancestors": ancestors}
    depth = options.pop("depth", None)
    if depth is not None:
        text = depth.strip() if isinstance(depth, str) else ""
        if text.isdigit() and text.isascii() and int(text) <= 100:
            out.block["depth"] = int(text)
        else:
            out.problems.append(f"option 'depth': {depth!r} is not a whole number from 0 to 100")
    if skipped:
        out.block["skip-descendants"] = skipped


def _roots(session: Session) -> list[str]:
    return session.values("root_packages") or session.values("root_package")


def _ignored(edge: str, out: Translation) -> str | list[str]:
    """An ignored import. grimp's graph holds an external package as one module (`import
    json.decoder` is an edge to `json`), govern's facts name the module imported: an edge to an
    external package X is the alternatives X and X.** (one ignored import, matched when either
    is); a name inside an external package, or a leading '*' (which matches external packages
    too), has no such counterpart and is reported."""
    importer, _, imported = (p.strip() for p in edge.rpartition("->"))
    first = imported.split(".")[0]
    if first == "*" or (first != "**" and _external(imported, out) and imported != first):
        out.problems.append(f"ignored import {edge!r}: grimp's graph holds an external package as one module, "
                            f"which {imported!r} does not name exactly; list the imports to ignore")
    elif first != "**" and _external(imported, out):
        return [edge, f"{importer} -> {imported}.**"]
    return edge


def _graph_options(session: Session, options: dict, out: Translation) -> None:
    """The options every contract shares, and the session's graph options."""
    if out.kind is None:
        return
    ignored = _take(options, "ignore_imports")
    if ignored:
        out.block["ignore-imports"] = [_ignored(" -> ".join(p.strip() for p in i.split("->")), out) for i in ignored]
    alerting = options.pop("unmatched_ignore_imports_alerting", "error")
    if alerting not in ALERTING:  # import-linter's EnumField: exact values
        out.problems.append(f"option 'unmatched_ignore_imports_alerting': {alerting!r} is not one of {', '.join(ALERTING)}")
    elif ignored and alerting == "error":  # import-linter's default
        out.block["unmatched-ignores"] = "error"
    elif ignored and alerting == "none":
        out.block["unmatched-ignores"] = "none"
    if out.block.get("transitive"):
        roots = _roots(session)
        if roots:
            out.block["within"] = roots


HANDLERS = {"forbidden": _forbidden, "independence": _independence, "layers": _layers, "protected": _protected,
            "acyclic_siblings": _acyclic}


def session_problems(session: Session) -> list[str]:
    """Session options govern does not translate (reported once)."""
    known = {"root_package", "root_packages", "include_external_packages", "exclude_type_checking_imports",
             "contract_types", "cache_dir"}
    out = [f"session option {k!r} is not translated" for k in sorted(session.options) if k not in known]
    for key in ("include_external_packages", "exclude_type_checking_imports"):
        value = session.options.get(key)
        if value is not None and not (isinstance(value, str) and value.strip().lower() in ("true", "false")):
            out.append(f"session option {key!r}: could not parse a boolean from {value!r}")
    if session.values("contract_types"):
        out.append("custom contract types (contract_types) have no govern equivalent")
    return out

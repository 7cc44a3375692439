"""no-growth: a metric of the tree may not grow (more than `may-grow-by`) in a change, nor
exceed `max`.

Each metric is a set of items, each item a (subject, target) pair:

| metric | items |
|---|---|
| imports | (file in `from`, imported module matching `to`) |
| dependents | (file whose module imports a module matching `of`, that module); importers inside `of` do not count |
| dependencies | (manifest in `in`, declared distribution), declarations in `groups` only when given |
| findings | (subject, target) of each unexempted finding of `rule` (legacy ones included) |
| exemptions | (rule, subject, target) of each exempted finding of a rule of `adr`; the finding's subject and rule are the no-growth finding's subject and target |

`findings` and `exemptions` read the judge's own findings (the `finding` and `exemption`
relations and their base_ versions), so such a rule is judged after every rule that does not
read them (govern.verdict.judged); the rule it names must be one of those (checked in
govern.rules.compile.judged_order).

The kind compiles to rule-language text: `now_<slug>(S, T)` holds the items of the judged
tree, `was_<slug>(S, T)` those of the base (the base_ relations), `total_<slug>(N)` counts the
items and `growth_<slug>(G)` is |now| − |was| (a `sum` aggregate). With a base, each added item
(in now, not in was) is a finding when the growth exceeds `may-grow-by`; with `max`, each item
is a finding when the count exceeds it (the ratchet then blocks only the added ones).
"""
from __future__ import annotations

from collections.abc import Callable

from govern.rules.kinds.base import KindInput, clause, dependency_groups, merge_targets, module_target, q, text
from govern.vocabulary import BASE_PREFIX

METRICS = {"imports": ("from", "to"), "dependents": ("of",), "dependencies": ("in", "groups"), "findings": ("rule",),
           "exemptions": ("adr",)}
OPTIONAL = {"imports": {"from"}, "dependents": set(), "dependencies": {"in", "groups"}, "findings": set(),
            "exemptions": set()}


def default_message(block: dict) -> str:
    limits = []
    if "max" in block:
        limits.append(f"at most {block['max']}")
    if "max" not in block or "may-grow-by" in block:
        limits.append(f"may grow by {block.get('may-grow-by', 0)}")
    return f"{block.get('metric')} must not grow ({', '.join(limits)})"


def metric_predicate(slug: str) -> str:
    """The private predicate holding the metric's value (`govern drift` reads it)."""
    return f"total_{slug}"


def compile(kind: KindInput) -> str:
    metric = kind.block["metric"]
    for key in sorted(set(kind.block) - {"metric", "may-grow-by", "max"} - set(METRICS[metric])):
        kind.error((key,), f"{key!r} does not apply to metric {metric} (it takes {', '.join(METRICS[metric])})")
    for key in sorted(set(METRICS[metric]) - OPTIONAL[metric] - set(kind.block)):
        kind.error((key,), f"metric {metric} needs {key!r}")
    if kind.errors:
        return ""
    s = kind.slug
    # An item is (S, T); an exemption is (R, S, T), its finding reported on (S, R).
    item, target = ("R, S, T", "R") if metric == "exemptions" else ("S, T", "T")
    clauses = ITEMS[metric](kind, "now", lambda r: r) + ITEMS[metric](kind, "was", lambda r: BASE_PREFIX + r)
    clauses += [
        clause(f"{metric_predicate(s)}(N)", [f"N = count {{ {item} : now_{s}({item}) }}"]),
        clause(f"step_{s}(1, {item}, \"now\")", [f"now_{s}({item})"]),
        clause(f"step_{s}(-1, {item}, \"was\")", [f"was_{s}({item})"]),
        clause(f"growth_{s}(G)", ["base_tree(_)", f"G = sum {{ W, {item}, K : step_{s}(W, {item}, K) }}"]),
    ]
    if "max" not in kind.block or "may-grow-by" in kind.block:
        clauses.append(clause(kind.violation("S", target), [f"now_{s}({item})", f"not was_{s}({item})",
                                                       f"growth_{s}(G)", f"G > {int(kind.block.get('may-grow-by', 0))}"]))
    if "max" in kind.block:
        clauses.append(clause(kind.violation("S", target), [f"now_{s}({item})", f"{metric_predicate(s)}(N)",
                                                       f"N > {int(kind.block['max'])}"]))
    kind.errors[:] = list(dict.fromkeys(kind.errors))  # the now and was halves validate the same keys
    return text(clauses)


def _cases(kind: KindInput, key: str, var: str, rel: Callable[[str], str]) -> list[tuple[str, list[str]]]:
    """(term, literals) per way a module matches one of the patterns under `key`: an exact
    plain name is the constant itself (no literal), else `var` with the literals it must meet.
    Inlined into each item clause, these base literals let relevance keep only the facts the
    patterns can match (a helper predicate would not narrow anything)."""
    out: list[tuple[str, list[str]]] = []
    targets = [t for path, pattern in kind.items(key) if (t := module_target(kind, path, pattern))]
    for name, exact in merge_targets(targets):
        if exact and "*" not in name:
            out.append((q(name), []))
        elif "*" in name:
            itself, inside = f"{rel('module_match')}({var}, {q(name)})", f"{rel('module_match')}({var}, {q(name + '.**')})"
            out += [(var, [lit]) for lit in ([itself] if exact else [inside] if exact is False else [itself, inside])]
        else:
            out.append((var, [f"{rel('under')}({var}, {q(name)})"] + ([f"{var} != {q(name)}"] if exact is False else [])))
    return out


def _globs(kind: KindInput, key: str, var: str, rel: Callable[[str], str]) -> list[list[str]]:
    """One literal list per path glob under `key` (`var` matches it); [[]] when the key is absent."""
    return [[f"{rel('glob')}({var}, {q(g)})"] for g in kind.values(key)] or [[]]


def _imports(kind: KindInput, tag: str, rel) -> list[str]:
    head = f"{tag}_{kind.slug}"
    return [clause(f"{head}(S, {t})", scope + [f"{rel('module')}(M, S)", f"{rel('imports')}(M, {t})"] + lits)
            for scope in _globs(kind, "from", "S", rel) for t, lits in _cases(kind, "to", "T", rel)]


def _dependents(kind: KindInput, tag: str, rel) -> list[str]:
    s = kind.slug
    # `of` itself, as a helper: an importer inside it does not count (a negation cannot be inlined).
    out = [clause(f"{tag}_of_{s}({m})", lits) for m, lits in _cases(kind, "of", "M", rel)]
    return out + [clause(f"{tag}_{s}(S, {t})", [f"{rel('module')}(M, S)", f"{rel('imports')}(M, {t})"] + lits
                         + [f"not {tag}_of_{s}(M)"]) for t, lits in _cases(kind, "of", "T", rel)]


def _dependencies(kind: KindInput, tag: str, rel) -> list[str]:
    groups = [[f"{rel('declares_group')}(S, T, G)", f"{rel('group_match')}(G, {q(g)})"] for g in dependency_groups(kind)]
    return [clause(f"{tag}_{kind.slug}(S, T)", scope + [f"{rel('declares')}(S, T)"] + group)
            for scope in _globs(kind, "in", "S", rel) for group in groups or [[]]]


def _named(kind: KindInput, key: str, known: frozenset[str], what: str) -> str | None:
    """The id under `key` when it names a known rule or ADR, else a located error (with the
    closest known ids)."""
    value = kind.block.get(key)
    if not isinstance(value, str) or value not in known:
        from difflib import get_close_matches  # only for this error (~1 ms to import)

        close = get_close_matches(value, sorted(known), n=3) if isinstance(value, str) else []
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        kind.error((key,), f"unknown {what} {value!r}{hint}")
        return None
    return value


def _findings(kind: KindInput, tag: str, rel) -> list[str]:
    rule = _named(kind, "rule", kind.rule_ids, "rule")
    if rule == kind.rule_id:
        kind.error(("rule",), f"rule {rule} counts its own findings: not stratifiable (name another rule)")
    if rule is None or rule == kind.rule_id:
        return []
    return [clause(f"{tag}_{kind.slug}(S, T)", [f"{rel('finding')}({q(rule)}, S, T)"])]


def _exemptions(kind: KindInput, tag: str, rel) -> list[str]:
    adr = _named(kind, "adr", kind.adr_ids, "ADR")
    return [clause(f"{tag}_{kind.slug}(R, S, T)", [f"{rel('exemption')}({q(adr)}, R, S, T)"])] if adr else []


ITEMS = {"imports": _imports, "dependents": _dependents, "dependencies": _dependencies, "findings": _findings,
         "exemptions": _exemptions}

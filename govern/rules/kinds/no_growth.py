"""no-growth: a metric of the tree may not grow (more than `may-grow-by`) in a change, nor
exceed `max`.

Each metric is a set of items, each item a (subject, target) pair:

| metric | items |
|---|---|
| imports | (file in `from`, imported module matching `to`) |
| dependents | (file whose module imports a module matching `of`, that module); importers inside `of` do not count |
| dependencies | (manifest in `in`, declared distribution), declarations in `groups` only when given |

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

METRICS = {"imports": ("from", "to"), "dependents": ("of",), "dependencies": ("in", "groups")}
OPTIONAL = {"imports": {"from"}, "dependents": set(), "dependencies": {"in", "groups"}}


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
    s = kind.slug
    clauses = ITEMS[metric](kind, "now", lambda r: r) + ITEMS[metric](kind, "was", lambda r: BASE_PREFIX + r)
    clauses += [
        clause(f"{metric_predicate(s)}(N)", [f"N = count {{ S, T : now_{s}(S, T) }}"]),
        clause(f"step_{s}(1, S, T, \"now\")", [f"now_{s}(S, T)"]),
        clause(f"step_{s}(-1, S, T, \"was\")", [f"was_{s}(S, T)"]),
        clause(f"growth_{s}(G)", ["base_tree(_)", f"G = sum {{ W, S, T, K : step_{s}(W, S, T, K) }}"]),
    ]
    if "max" not in kind.block or "may-grow-by" in kind.block:
        clauses.append(clause(kind.violation("S", "T"), [f"now_{s}(S, T)", f"not was_{s}(S, T)", f"growth_{s}(G)",
                                                    f"G > {int(kind.block.get('may-grow-by', 0))}"]))
    if "max" in kind.block:
        clauses.append(clause(kind.violation("S", "T"), [f"now_{s}(S, T)", f"{metric_predicate(s)}(N)",
                                                    f"N > {int(kind.block['max'])}"]))
    kind.errors[:] = list(dict.fromkeys(kind.errors))  # the now and was halves validate the same keys
    return text(clauses)


def _modules(kind: KindInput, key: str, name: str, rel: Callable[[str], str]) -> list[str]:
    """`name(M)`: M matches one of the module patterns under `key`."""
    out = []
    targets = [t for path, pattern in kind.items(key) if (t := module_target(kind, path, pattern))]
    for module, exact in merge_targets(targets):
        if exact:
            out.append(clause(f"{name}({q(module)})", []))
        else:
            body = [f"{rel('under')}(M, {q(module)})"] + ([f"M != {q(module)}"] if exact is False else [])
            out.append(clause(f"{name}(M)", body))
    return out


def _paths(kind: KindInput, key: str, name: str, rel: Callable[[str], str]) -> list[str]:
    """`name(F)`: F matches one of the path globs under `key`."""
    return [clause(f"{name}(F)", [f"{rel('glob')}(F, {q(g)})"]) for g in kind.values(key)]


def _imports(kind: KindInput, tag: str, rel) -> list[str]:
    s = kind.slug
    body = [f"{rel('module')}(M, S)", f"{rel('imports')}(M, T)", f"{tag}_to_{s}(T)"]
    if kind.values("from"):
        body.insert(0, f"{tag}_from_{s}(S)")
    out = _modules(kind, "to", f"{tag}_to_{s}", rel)
    out += _paths(kind, "from", f"{tag}_from_{s}", rel)
    return out + [clause(f"{tag}_{s}(S, T)", body)]


def _dependents(kind: KindInput, tag: str, rel) -> list[str]:
    s = kind.slug
    out = _modules(kind, "of", f"{tag}_of_{s}", rel)
    return out + [clause(f"{tag}_{s}(S, T)", [f"{rel('module')}(M, S)", f"{rel('imports')}(M, T)",
                                              f"{tag}_of_{s}(T)", f"not {tag}_of_{s}(M)"])]


def _dependencies(kind: KindInput, tag: str, rel) -> list[str]:
    s = kind.slug
    body = [f"{rel('declares')}(S, T)"]
    out = _paths(kind, "in", f"{tag}_in_{s}", rel)
    if kind.values("in"):
        body.append(f"{tag}_in_{s}(S)")
    groups = dependency_groups(kind)
    if groups:
        out += [clause(f"{tag}_group_{s}(G)", [f"{rel('group_match')}(G, {q(g)})"]) for g in groups]
        body += [f"{rel('declares_group')}(S, T, G)", f"{tag}_group_{s}(G)"]
    return out + [clause(f"{tag}_{s}(S, T)", body)]


ITEMS = {"imports": _imports, "dependents": _dependents, "dependencies": _dependencies}

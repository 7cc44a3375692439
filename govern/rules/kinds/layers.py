"""layers: high → low; a lower layer must not import a higher one, nor a sibling a sibling.

Each entry is a module prefix, a list of sibling prefixes (independent: they must not
import each other) or `{modules: [...], independent: false}`. With `containers`, the
layer names are relative to each container package and imports are only compared
inside one container (as import-linter does). A layer that matches no module is a
violation unless it is `optional`. `exhaustive`: every child of a container is a layer.
`chains: unmediated` (with `transitive`): a chain that passes through another layer of
the container does not count for that pair (import-linter's semantics); each source
layer then searches a graph of its own, without the imports made by the other layers.
"""
from __future__ import annotations

from govern.rules.kinds.base import (
    KindInput,
    Steps,
    check_disjoint,
    clause,
    member_bodies,
    module_is,
    module_name,
    q,
    text,
    unreadable_clause,
)


def default_message(block: dict) -> str:
    names = [_label(e) for e in block["layers"]]
    return f"layers (high to low): {' > '.join(names)}; a lower layer must not import a higher one"


def _label(entry) -> str:
    if isinstance(entry, str):
        return entry
    names = entry if isinstance(entry, list) else entry.get("modules", [])
    joiner = ", " if isinstance(entry, list) or entry.get("independent", True) else " : "
    return "[" + joiner.join(names) + "]"


def _groups(kind: KindInput) -> list[tuple[int, list[tuple[tuple, str]], bool]]:
    """(rank, [(path, name)], independent) per entry."""
    out = []
    for rank, entry in enumerate(kind.block["layers"]):
        if isinstance(entry, str):
            out.append((rank, [(("layers", rank), entry)], True))
        elif isinstance(entry, list):
            out.append((rank, [(("layers", rank, i), n) for i, n in enumerate(entry)], True))
        else:
            names = [(("layers", rank, "modules", i), n) for i, n in enumerate(entry["modules"])]
            out.append((rank, names, entry.get("independent", True)))
    return out


def compile(kind: KindInput) -> str:
    """A `layer_<rule>(Module, Rank, Name, Container)` helper per prefix, then the violation clauses."""
    layer = f"layer_{kind.slug}"
    containers, wild = [], []
    for path, value in kind.items("containers"):
        if (container := module_name(kind, path, value)) is not None:
            (wild if "*" in container else containers).append(container)
            kind.must_match(path, container)
    containers = containers or ([] if wild else [""])
    optional = set(kind.values("optional"))
    clauses, named, pairs, independent = [], [], [], []
    for rank, group, is_independent in _groups(kind):
        if len(group) > 1 and is_independent:
            independent.append(rank)
        for path, name in group:
            if module_name(kind, path, name) is None:
                continue
            named.append((path, name))
            for container in containers:
                prefix = f"{container}.{name}" if container else name
                for body in _inside("M", prefix):
                    clauses.append(clause(f"{layer}(M, {rank}, {q(name)}, {q(container)})", body))
                pairs.append((container, name, prefix))
                if name not in optional:
                    kind.must_match(path, prefix)
            for container in wild:  # the container is the module matching the pattern: Q
                if "*" in name:
                    kind.error(path, f"layer {name!r}: with a container pattern a layer is a name (no wildcard)")
                    continue
                clauses.append(clause(f"{layer}(M, {rank}, {q(name)}, Q)", _in_wild(container, name)))
                if name not in optional:
                    kind.must_match(path, f"{container}.{name}")
    for path, name in kind.items("optional"):
        if name not in {n for _, n in named}:
            kind.error(path, f"optional layer {name!r} is not one of the layers")
    check_disjoint(kind, named)
    clauses.append(unreadable_clause(kind, ["module(M, F)", f"{layer}(M, _, _, _)"]))
    clauses += _violations(kind, layer, [n for _, n in named], independent,
                           len(independent) < sum(len(g) > 1 for _, g, _ in _groups(kind)))
    clauses += _missing(kind, layer, pairs, optional, wild, [n for _, n in named])
    clauses += _exhaustive(kind, [c for c in containers if c], [n for _, n in named], wild)
    return text(clauses)


def _in_wild(container: str, name: str) -> list[str]:
    """Body: module M is inside `name` (dotted, relative) of container Q, a module matching the
    pattern `container`: one in_child step per segment down from Q, the last one matched."""
    steps = ["Q", "C"] + [f"C{i}" for i in range(2, name.count(".") + 2)]
    return [f"in_child(M, {a}, {b})" for a, b in zip(steps, steps[1:])] + [module_is(steps[-1], f"{container}.{name}")]


def _inside(var: str, prefix: str) -> list[list[str]]:
    """Bodies (one clause each): module `var` is `prefix` or inside it; a pattern (`app.*.api`)
    matches the modules it names and everything inside them."""
    return member_bodies(var, (prefix, None)) if "*" in prefix else [[f"under({var}, {q(prefix)})"]]


def _violations(kind: KindInput, layer: str, names: list[str], independent: list[int], mixed: bool) -> list[str]:
    """Lower imports higher; sibling imports sibling (in an independent group)."""
    steps = Steps(kind)
    indep = f"independent_{kind.slug}"
    # Only when some group is not independent does the rank need a test of its own.
    sibling_test = [f"{indep}(R)"] if mixed else []
    out = [clause(f"{indep}({r})", []) for r in independent] if mixed else []
    unmediated = kind.block.get("chains") == "unmediated" and steps.transitive
    # The target: the imported module; for a chain, the layer it reaches (a chain into a layer
    # is one finding, and the graph search keeps one witness per layer instead of every pair).
    high, other = ("T", "B") if steps.transitive else ("D", "D")
    name = "T" if steps.transitive else "_"
    if not unmediated:
        key = kind.rule_id if steps.own_graph() else None
        out += steps.graphs([key] if key else [])
        step = steps.step("M", "D", key)
        out.append(clause(kind.violation("F", high), ["module(M, F)", f"{layer}(M, Low, _, C)", *step, f"{layer}(D, High, {name}, C)", "Low > High"]))
        if independent:
            out.append(clause(kind.violation("F", other), ["module(M, F)", f"{layer}(M, R, A, C)", *step, f"{layer}(D, R, B, C)", "A != B", *sibling_test]))
        return out
    # One graph per layer name and container C (a part, known on the tree when C matches a
    # pattern): the imports made by the container's other layers left out.
    part = f"container_{kind.slug}"
    out.append(clause(f"{part}(P)", [f"{layer}(_, _, _, P)"]))
    for n in dict.fromkeys(names):
        graph = f"{kind.rule_id}/{n}"
        out += steps.part_graphs(graph, f"{part}(P)", [[f"{layer}(S, _, N, P)", f"N != {q(n)}", "imports(S, D)"]])
        step = steps.step_in(graph, "C", "M", "D")
        src = ["module(M, F)", f"{layer}(M, Low, {q(n)}, C)", *step]
        out.append(clause(kind.violation("F", high), src + [f"{layer}(D, High, {name}, C)", "Low > High"]))
        if independent:
            sib = ["module(M, F)", f"{layer}(M, R, {q(n)}, C)", *step]
            out.append(clause(kind.violation("F", other), sib + [f"{layer}(D, R, B, C)", f"B != {q(n)}", *sibling_test]))
    return out


def _missing(kind: KindInput, layer: str, pairs: list, optional: set[str], wild: list[str], names: list[str]) -> list[str]:
    """A layer that matches no module is a violation (subject: the layer's module name; in a
    container matching a pattern: the container, the layer as target), unless it is optional:
    a typo must not make the rule pass silently."""
    present = f"present_{kind.slug}"
    required = [(c, n, p) for c, n, p in pairs if n not in optional]
    wanted = [n for n in names if n not in optional and "*" not in n] if wild else []
    if not required and not wanted:
        return []
    out = [clause(f"{present}(C, N)", [f"{layer}(_, _, N, C)"])]
    for c, n, prefix in required:
        head = f"violation({q(kind.rule_id)}, {q(prefix)}, \"\", {q(f'layer {prefix} matches no module (mark it optional if it may be absent)')})"
        out.append(clause(head, [f"rule({q(kind.rule_id)}, _, _)", f"not {present}({q(c)}, {q(n)})"]))
    for container in wild:
        for n in wanted:
            message = f"layer {n} matches no module in this container (mark it optional if it may be absent)"
            out.append(clause(f"violation({q(kind.rule_id)}, Q, {q(n)}, {q(message)})",
                              [module_is("Q", container), f"not {present}(Q, {q(n)})"]))
    return out


def _exhaustive(kind: KindInput, containers: list[str], names: list[str], wild: list[str]) -> list[str]:
    """`exhaustive`: a module inside a container but in no layer (nor exhaustive-ignores) is a violation."""
    if not kind.block.get("exhaustive"):
        return []
    if not containers and not wild:
        kind.error(("exhaustive",), "exhaustive needs containers")
        return []
    declared = f"declared_{kind.slug}"
    ignores = [i for p, v in kind.items("exhaustive-ignores") if (i := module_name(kind, p, v))]
    out = []
    for c in containers:
        for n in names + ignores:
            out += [clause(f"{declared}(M)", body) for body in _inside("M", c + "." + n)]
        message = f"{c} holds a module in no layer (the layers are exhaustive)"
        head = f"violation({q(kind.rule_id)}, F, M, {q(message)})"
        out.append(clause(head, ["module(M, F)", f"under(M, {q(c)})", f"M != {q(c)}", f"not {declared}(M)"]))
    for path, value in kind.items("exhaustive-ignores") if wild else []:
        if isinstance(value, str) and "*" in value:
            kind.error(path, f"exhaustive ignore {value!r}: with a container pattern an ignored name has no wildcard")
    for c in wild:
        for n in names + ignores:
            out.append(clause(f"{declared}(M)", _in_wild(c, n)))
        message = f"a container matching {c} holds a module in no layer (the layers are exhaustive)"
        head = f"violation({q(kind.rule_id)}, F, M, {q(message)})"
        out.append(clause(head, ["module(M, F)", "in_child(M, Q, _)", module_is("Q", c), f"not {declared}(M)"]))
    return out

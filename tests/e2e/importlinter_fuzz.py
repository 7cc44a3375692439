"""Seeded random packages and import-linter configurations (tests/e2e/test_importlinter_units.py):
every contract type with wildcards, as_packages, allow_indirect_imports, ignore_imports at each
alerting level, exclude_type_checking_imports, include_external_packages, optional, sibling and
exhaustive layers, migrations named like `0001_initial.py`, `if TYPE_CHECKING:` imports."""
from __future__ import annotations

import random

SUBS = ["a", "b", "c", "d"]
WILDCARDS = ["pkg.*", "pkg.*.m0", "pkg.a.**", "pkg.*.inner"]


def gen_tree(rng: random.Random) -> tuple[dict[str, str], list[str]]:
    """pkg.{a,b,c,d} with modules m0.., some `inner` subpackages, pkg._private, maybe a
    migrations package; each module imports 0–3 others (or json, os.path), some under
    `if TYPE_CHECKING:`, some as `from parent import leaf`."""
    files = {"pkg/__init__.py": ""}
    mods = []
    for s in SUBS:
        files[f"pkg/{s}/__init__.py"] = ""
        mods.append(f"pkg.{s}")
        for i in range(rng.randint(1, 3)):
            mods.append(f"pkg.{s}.m{i}")
        if rng.random() < 0.3:
            files[f"pkg/{s}/inner/__init__.py"] = ""
            mods += [f"pkg.{s}.inner", f"pkg.{s}.inner.x"]
    mods.append("pkg._private")
    if rng.random() < 0.5:
        files["pkg/migrations/__init__.py"] = ""
        mods += ["pkg.migrations", "pkg.migrations.0001_initial"]
    body = {m: [] for m in mods}
    for m in mods:
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            t = rng.choice(mods + ["json", "os.path"])
            if t == m or t.split(".")[-1][0].isdigit():
                continue
            style = rng.random()
            if style < 0.15:
                body[m].append(f"from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import {t}")
            elif style < 0.3 and "." in t:
                parent, _, leaf = t.rpartition(".")
                body[m].append(f"from {parent} import {leaf}")
            else:
                body[m].append(f"import {t}")
    for m in mods:
        is_pkg = any(x.startswith(m + ".") for x in mods)
        path = m.replace(".", "/") + ("/__init__.py" if is_pkg else ".py")
        files[path] = "\n".join(body[m]) + "\n"
    return files, mods


def expr(rng: random.Random, mods: list[str]) -> str:
    """A module expression: a wildcard one (15 %) or a module of the tree."""
    if rng.random() < 0.15:
        return rng.choice(WILDCARDS)
    return rng.choice([m for m in mods if not m.split(".")[-1][0].isdigit()])


def gen_contract(rng: random.Random, mods: list[str], n: int) -> str:
    """Contract `c<n>` of a random type and options."""
    t = rng.choice(["layers", "layers", "forbidden", "forbidden", "independence", "protected", "acyclic_siblings"])
    lines = [f"[importlinter:contract:c{n}]", f"name = C{n}", f"type = {t}"]
    if t == "layers":
        if rng.random() < 0.5:
            lines.append("containers = pkg")
            names = rng.sample(SUBS, rng.randint(2, 4))
            rest, out = list(names), []
            while rest:  # one or two names per layer line, `|` (independent) or `:` siblings
                k = rng.choice([1, 1, 2])
                group, rest = rest[:k], rest[k:]
                out.append(rng.choice([" | ", " : "]).join(group))
            if rng.random() < 0.3:
                out.insert(rng.randint(0, len(out)), "(zzz)")
            lines.append("layers =\n    " + "\n    ".join(out))
            if rng.random() < 0.3:
                lines.append("exhaustive = True")
                rest = [s for s in SUBS if s not in names] + ["migrations", "_private"]
                lines.append("exhaustive_ignores =\n    " + "\n    ".join(rest))
        else:
            names = rng.sample([f"pkg.{s}" for s in SUBS], rng.randint(2, 4))
            lines.append("layers =\n    " + "\n    ".join(names))
    elif t == "forbidden":
        src = sorted({expr(rng, mods) for _ in range(rng.randint(1, 2))})
        fb = sorted({expr(rng, mods) if rng.random() < 0.8 else "json" for _ in range(rng.randint(1, 2))})
        lines.append("source_modules =\n    " + "\n    ".join(src))
        lines.append("forbidden_modules =\n    " + "\n    ".join(fb))
        if rng.random() < 0.3:
            lines.append("allow_indirect_imports = True")
        if rng.random() < 0.3:
            lines.append("as_packages = False")
    elif t == "independence":
        ms = rng.sample([f"pkg.{s}" for s in SUBS], rng.randint(2, 3))
        if rng.random() < 0.2:
            ms = ["pkg.*"]
        lines.append("modules =\n    " + "\n    ".join(ms))
    elif t == "protected":
        lines.append("protected_modules =\n    " + expr(rng, mods))
        lines.append("allowed_importers =\n    " + expr(rng, mods))
        if rng.random() < 0.3:
            lines.append("as_packages = False")
    else:
        lines.append("ancestors = " + rng.choice(["pkg", "pkg.*", "pkg.a"]))
        if rng.random() < 0.5:
            lines.append(f"depth = {rng.randint(0, 2)}")
        if rng.random() < 0.3:
            lines.append("skip_descendants = pkg.b")
    if rng.random() < 0.3:
        a, b = expr(rng, mods), expr(rng, mods)
        lines.append(f"ignore_imports =\n    {a} -> {b}")
        lines.append("unmatched_ignore_imports_alerting = " + rng.choice(["none", "warn", "error"]))
    return "\n".join(lines)


def random_case(seed: int) -> tuple[dict[str, str], str]:
    """(files, .importlinter text) of one seeded case."""
    rng = random.Random(seed)
    files, mods = gen_tree(rng)
    cfg = ["[importlinter]", "root_package = pkg"]
    if rng.random() < 0.5:
        cfg.append("include_external_packages = True")
    if rng.random() < 0.4:
        cfg.append("exclude_type_checking_imports = True")
    n = rng.randint(1, 4)
    return files, "\n".join(cfg) + "\n\n" + "\n\n".join(gen_contract(rng, mods, i) for i in range(n)) + "\n"

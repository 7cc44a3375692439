"""Engine phase (load + evaluate) of pyDatalog, clingo and the naive evaluator, side by side.

    python benchmarks/engine.py                      # 2,000 and 10,000 modules, direct + transitive layers
    python benchmarks/engine.py --modules 500 1000   # other sizes
    python benchmarks/engine.py --sweep              # small sizes, to place the `auto` threshold
    python benchmarks/engine.py --facts F.jsonl --rules R.dl   # any fact file and rule file
    python benchmarks/engine.py --repo PATH [--runs 3]        # a real repository's own ADRs, fresh processes

--repo: `govern check`'s own judgement of the working tree (blob cache warm), once per engine
and run in a fresh process, alternating; it prints the CPU seconds of the engine phase
*including the backend's import* (what `auto` must weigh on a small program), and the facts fed.

Facts are generated in-process: a layered package (pkg.api > pkg.service >
pkg.domain > pkg.util), about six internal imports per module, mostly downward
(2 % upward: real violations), and two third-party imports. The rules are what
the `layers` kind compiles to: `layer` helpers from `under`, and a violation
through `imports` (direct) or `reaches` (transitive, computed natively first).
Each engine gets exactly the relevant facts govern would feed it. A fact file
holds JSON objects with "relation" and "args" (one per line, or a JSON list).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from govern.facts.model import Fact, Source  # noqa: E402
from govern.datalog import reaches  # noqa: E402
from govern.datalog.engine import get_engine  # noqa: E402
from govern.datalog.relevance import relevant  # noqa: E402
from govern.datalog.store import FactStore  # noqa: E402
from govern.rules.parser import parse_program  # noqa: E402

LAYERS = ("pkg.api", "pkg.service", "pkg.domain", "pkg.util")
SHARE = (0.2, 0.3, 0.3, 0.2)
EXTERNAL = ("requests", "sqlalchemy", "pydantic", "numpy", "attr", "click", "yaml", "dateutil")
HELPERS = "".join(f'layer(M, {i}, "{name}") :- under(M, "{name}").\n' for i, name in enumerate(LAYERS))
RULES = {
    "direct": HELPERS + 'violation("layers", F, "up") :- module(M, F), layer(M, Low, _), imports(M, D), '
                        'layer(D, High, _), Low > High.\n',
    "transitive": HELPERS + 'violation("layers", F, "up") :- module(M, F), layer(M, Low, _), reaches(M, D), '
                            'layer(D, High, _), Low > High.\n',
}
GOALS = ["violation", "exempt"]


def layered_facts(n: int, seed: int = 0) -> list[Fact]:
    """module/imports/under facts of a generated layered package of n modules."""
    rng = random.Random(seed)
    modules: list[tuple[int, str]] = []
    for layer, share in enumerate(SHARE):
        count = max(1, round(n * share))
        modules += [(layer, f"{LAYERS[layer]}.sub{k // 25}.m{k}") for k in range(count)]
    by_layer = [[m for lay, m in modules if lay == layer] for layer in range(len(LAYERS))]
    out = []
    for layer, module in modules:
        path = "src/" + module.replace(".", "/") + ".py"
        out.append(Fact("module", (module, path), Source("python", path, 0, "b")))
        out.append(Fact("under", (module, LAYERS[layer]), Source("helper", "", 0, "")))
        for line in range(1, 7):
            up = rng.random() < 0.02
            pool = by_layer[rng.randrange(0, layer)] if up and layer else by_layer[rng.randrange(layer, len(LAYERS))]
            out.append(Fact("imports", (module, rng.choice(pool)), Source("python", path, line, "b")))
        for line, ext in enumerate(rng.sample(EXTERNAL, 2), start=7):
            out.append(Fact("imports", (module, ext), Source("python", path, line, "b")))
    return out


def prepare(rules, facts):
    """What govern does before the engine: relevance, native reaches, relevant facts."""
    started = time.perf_counter()
    store = FactStore(facts)
    relevance = relevant(rules)
    reaches.materialize(rules, store)
    fed = relevance.filter(store, GOALS)  # as the judge does: helper rules narrowed by their callers
    return fed, time.perf_counter() - started


def run(label: str, rules, facts, engines) -> list[tuple]:
    fed, prep = prepare(rules, facts)
    size = sum(len(v) for v in fed.values())
    rows = []
    answers = None
    for name in engines:
        timings: dict = {}
        started = time.perf_counter()
        got = get_engine(name).evaluate(rules, fed, GOALS, timings)
        total = time.perf_counter() - started
        if answers is not None and got != answers:
            raise SystemExit(f"{label}: {name} disagrees with {engines[0]}")
        answers = got
        rows.append((label, size, prep, name, timings["load"], timings["query"], total, len(got["violation"])))
    return rows


def table(rows) -> str:
    head = f"{'case':<24} {'facts fed':>9} {'prep s':>7} {'engine':<10} {'load s':>7} {'query s':>8} {'total s':>8} {'answers':>7}"
    lines = [head, "-" * len(head)]
    for label, size, prep, name, load, query, total, n in rows:
        lines.append(f"{label:<24} {size:>9} {prep:>7.3f} {name:<10} {load:>7.3f} {query:>8.3f} {total:>8.3f} {n:>7}")
    return "\n".join(lines)


def load_facts(path: Path) -> list[Fact]:
    text = path.read_text(encoding="utf-8")
    items = json.loads(text) if text.lstrip().startswith("[") else [json.loads(l) for l in text.splitlines() if l.strip()]
    return [Fact(i["relation"], tuple(i["args"]), Source("file", str(path), 0, "")) for i in items]


_CHILD = """
import os, sys, time
from govern.datalog import engine as E
spent = {}
evaluate = E._ModuleEngine.evaluate
def timed(self, rules, facts, *rest, **kw):
    cpu = time.process_time()
    out = evaluate(self, rules, facts, *rest, **kw)
    spent["cpu"] = spent.get("cpu", 0.0) + time.process_time() - cpu
    spent["facts"] = spent.get("facts", 0) + sum(len(v) for v in facts.values())
    return out
E._ModuleEngine.evaluate = timed
name = sys.argv[1]
if name == "naive":  # no engine a user names: `auto` picks it for small programs
    E.choose_engine, name = (lambda *_: "naive"), "auto"
from govern.verdict.judge import judge_in_full
from govern.verdict.targets import judge_request
verdict = judge_in_full(judge_request(".", rev=None, staged=False, new_since=None, engine=name, adr_dir=None)).verdict
print(verdict.engine, spent["cpu"], spent["facts"], len(verdict.violations))
"""


def repo_engines(repo: Path, engines: list[str], runs: int) -> None:
    import subprocess

    results: dict[str, list[float]] = {e: [] for e in engines}
    facts = answers = None
    for _ in range(runs):
        for name in engines:  # alternating: both engines share the box's load
            out = subprocess.run([sys.executable, "-c", _CHILD, name], cwd=repo, capture_output=True, text=True,
                                 check=True).stdout.split()
            results[name].append(float(out[1]))
            facts, answers = out[2], out[3]
    print(f"{repo}: {facts} facts fed, {answers} violations; engine CPU s (import + load + query) per run:")
    for name, seconds in results.items():
        print(f"  {name:<10} " + " ".join(f"{s:.4f}" for s in seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, nargs="*", default=[2000, 10000])
    parser.add_argument("--engines", nargs="*", default=["clingo", "pydatalog", "naive"])
    parser.add_argument("--sweep", action="store_true", help="small sizes, to place the auto threshold")
    parser.add_argument("--facts", type=Path, help="a fact file (JSON lines or a JSON list)")
    parser.add_argument("--rules", type=Path, help="rule-language file for --facts (default: transitive layers)")
    parser.add_argument("--repo", type=Path, help="a repository with ADRs: its own program, per engine, fresh processes")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.repo:
        repo_engines(args.repo, args.engines, args.runs)
        return
    rows = []
    if args.facts:
        text = args.rules.read_text(encoding="utf-8") if args.rules else RULES["transitive"]
        rules = parse_program(text, str(args.rules or "layers"), 1, adr="BENCH")
        rows += run(args.facts.name, rules, load_facts(args.facts), args.engines)
    else:
        sizes = [25, 50, 100, 200, 400, 800] if args.sweep else args.modules
        for n in sizes:
            facts = layered_facts(n)
            for kind in ("direct", "transitive"):
                rules = parse_program(RULES[kind], "bench.dl", 1, adr="BENCH")
                rows += run(f"{n} modules {kind}", rules, facts, args.engines)
                print(table(rows[-len(args.engines):]).splitlines()[-len(args.engines):], file=sys.stderr)
    print(table(rows))


if __name__ == "__main__":
    main()

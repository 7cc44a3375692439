"""govern.rules.generated reads the kinds' rule text exactly as the LALR parser does.

It is an optimisation beside the parser: for every kind and option combination below (and
the golden texts of test_rules_kinds), the clauses it reads equal parse_clauses' (model
objects, positions, origin text); it declines (None) only text with aggregates; on random
text it either declines or agrees with the parser, and it never reads text the parser rejects.
"""
from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govern.errors import AdrError
from govern.rules.generated import read_generated
from govern.rules.kinds import KINDS, KindInput
from govern.rules.parser import parse_clauses

from tests.unit.test_rules_kinds import GOLDEN

MESSAGES = ["M", 'say "no" \\ here', "line\nbreak", "é ü — 漢字", ""]
IGNORES = [None, ["app.a -> app.b"], [["app.a -> app.b", "app.c.** -> x"], "app.* -> app.d"]]
UNMATCHED = [None, "error", "warn", "none"]
BOOL = [None, True, False]

# kind → {key: alternatives (None: the key is absent)}
OPTIONS = {
    "forbid-import": {
        "from": [["app/**"], ["app/**", "lib/x.py"]], "from-modules": [None, ["app.api"], ["app.*.views", "lib"]],
        "to": [["stripe"], ["stripe.*", "=boto3", "requests.adapters"], ["app.**.db"]],
        "except": [None, ["app/billing/**"], ["app/a.py", "app/b.py"]], "except-modules": [None, ["app.legacy"]],
        "skip-overlapping": BOOL, "allow-within-target": BOOL, "transitive": BOOL, "ignore-imports": IGNORES,
        "unmatched-ignores": UNMATCHED, "type-checking": BOOL, "within": [None, ["app"], ["app", "lib"]],
    },
    "layers": {
        "layers": [["app.api", "app.domain"], ["app.api", ["app.billing", "app.shipping"], "app.domain"],
                   ["api", "app.*.services | app.*.models", "domain : infra"]],
        "containers": [None, ["app"], ["app", "lib"]], "transitive": BOOL,
        "optional": [None, ["app.api"]], "exhaustive": BOOL, "exhaustive-ignores": [None, ["app.misc"]],
        "chains": [None, "any", "unmediated"], "ignore-imports": IGNORES, "unmatched-ignores": UNMATCHED,
        "type-checking": BOOL, "within": [None, ["app"]],
    },
    "independent": {
        "modules": [["app.a", "app.b"], ["app.a", "app.b", "app.c.*"], ["app.**.plugins", "lib"]], "transitive": BOOL,
        "chains": [None, "any", "unmediated"], "ignore-imports": IGNORES, "unmatched-ignores": UNMATCHED,
        "type-checking": BOOL, "within": [None, ["app"]],
    },
    "acyclic-siblings": {
        "ancestors": [["app"], ["app", "lib.*"]], "depth": [None, 1, 3], "skip-descendants": [None, ["app.*.legacy"]],
        "ignore-imports": IGNORES, "unmatched-ignores": UNMATCHED, "type-checking": BOOL,
    },
    "forbid-dependency": {
        "packages": [["requests"], ["types-*", "Django_Rest.framework"]], "in": [None, ["pyproject.toml"], ["a/**", "b"]],
        "groups": [None, ["runtime"], ["extra:*", "group:docs", "dev"]],
    },
    "allow-dependencies": {
        "packages": [["requests"], ["types-*", "flask"]], "in": [None, ["pyproject.toml"]],
        "groups": [None, ["runtime", "requirements"]],
    },
    "protect": {
        "paths": [["adr/**"], ["a/**", "b.py"]], "actors": [None, ["agent"], ["agent", "human"]],
        "unless-approved-by": [None, ["@owners"], ["alice", "bob"]],
    },
    "require-owner": {"paths": [["src/**"], ["src/**", "lib/*.py"]]},
    "no-growth": {
        "metric": ["imports", "dependents", "dependencies", "findings", "exemptions"], "from": [None, ["app/**"]],
        "to": [None, ["stripe"]], "of": [None, ["app.core"]], "in": [None, ["pyproject.toml"]],
        "groups": [None, ["runtime"]], "rule": [None, "other"], "adr": [None, "ADR-2"],
        "may-grow-by": [None, 0, 2], "max": [None, 3],
    },
}


def _blocks(kind: str, limit: int = 400):
    """Every combination of the kind's options when few, else the single-option variations
    of a base block plus `limit` random combinations (fixed seed: the same each run)."""
    options = OPTIONS[kind]
    keys = sorted(options)
    combos = list(itertools.product(*(options[k] for k in keys)))
    if len(combos) > limit:
        rng = random.Random(kind)
        base = tuple(options[k][0] for k in keys)
        singles = [base[:i] + (v,) + base[i + 1:] for i, k in enumerate(keys) for v in options[k]]
        combos = singles + rng.sample(combos, limit)
    for combo in combos:
        yield {k: v for k, v in zip(keys, combo) if v is not None}


def _kind_texts():
    for kind in sorted(OPTIONS):
        for n, block in enumerate(_blocks(kind)):
            message = MESSAGES[n % len(MESSAGES)]
            rule_id = ["r", "rule-7", "a-b-c"][n % 3]
            compiled = KindInput(rule_id, block, message, rule_ids=frozenset({rule_id, "other"}),
                                 adr_ids=frozenset({"ADR-1", "ADR-2"}))
            text = KINDS[kind].compile(compiled)
            if not compiled.errors:
                yield kind, text


def _parsed(text: str, first_line: int = 1, path: str = "adr/0001-x.md", adr: str = "ADR-1"):
    try:
        return parse_clauses(text, path, first_line, adr)
    except AdrError:
        return None


def test_every_kind_and_option_combination_reads_as_parsed():
    seen = {}
    for kind, text in _kind_texts():
        got = read_generated(text, "adr/0001-x.md", 1, "ADR-1")
        expected = _parsed(text)
        assert expected is not None, text
        if "{" in text:  # aggregates (no-growth) are the parser's
            assert got is None
        else:
            assert got == expected, text
        seen[kind] = seen.get(kind, 0) + 1
    assert set(seen) == set(OPTIONS)  # every kind compiled cleanly at least once
    assert sum(seen.values()) > 1500


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_kind_texts_read_as_parsed(name):
    text = GOLDEN[name][1]
    got = read_generated(text, "adr/0001-x.md", 1, "ADR-1")
    assert got is None if "{" in text else got == _parsed(text)


def test_positions_shift_with_the_first_line():
    text = 'a(X) :- b(X, _),\n  not c(X), X != "q".\nd("e").\n'
    assert read_generated(text, "p.md", 12, "A") == _parsed(text, 12, "p.md", "A")
    assert read_generated(text, "p.md", 12, "A")[0].body_pos[1].line == 13


@pytest.mark.parametrize("text", [
    'a(X) :- nothing(X).',  # the parser's lexer reads `not hing`
    'a(X) :- b(X), X != min.', 'notx(X) :- b(X).', 'a(X) :- countx(X).',
    'a(X) :- b(X). % comment', 'a(N) :- N = count { X : b(X) }.', 'a(X) :- b(X), X = 99999999999999.',
    'a(X) :- b(X)', 'a(X) :- .', 'a(X,) :- b(X).', 'A(X) :- b(X).', 'a(X) :- b(X) c(X).', 'a("x) :- b.',
    'a(X) :- b(X), X => 1.', 'a(X) :- b(X), "x".', '\ufeffa.', 'a(X) :- b(X); c(X).',
])
def test_declines_what_it_does_not_read(text):
    assert read_generated(text, "p.md", 1, "A") is None


_PIECES = ["a", "b_1", "notx", "not", "X", "Y1", "_", "_z", '"s"', '"q\\"\\\\\\n"', "0", "-12", "(", ")", ",", ".",
           ":-", "=", "!=", "<", "<=", ">", ">=", " ", "\n", "\t", "%c\n", "{", "}", "count", "é"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_random_text_declined_or_read_as_parsed(pieces):
    text = "".join(pieces)
    got = read_generated(text, "p.md", 3, "A")
    if got is not None:
        assert got == _parsed(text, 3, "p.md", "A")


_CLAUSE_PIECES = st.sampled_from(["a(X)", "b(X, Y)", "c", "d()", 'e("s", 1)', "not b(Y, X)", "X != Y", 'X = "t"',
                                  "Y < -3", "f(_, X, _)", "violation(\"r\", X, \"m\")"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_CLAUSE_PIECES, st.lists(_CLAUSE_PIECES, max_size=4), st.sampled_from([" ", "\n", "  \n "])),
                max_size=6))
def test_random_programs_read_as_parsed(clauses):
    text = "".join(f"{head}{' :- ' + (sep.join(body) if sep else ', '.join(body)) if body else ''}.{sep}"
                   for head, body, sep in clauses)
    text = text.replace(" :- .", ".")
    expected = _parsed(text, 1, "p.md", "A")
    got = read_generated(text, "p.md", 1, "A")
    assert got == expected  # this shape is always read, and read as parsed

"""govern/rules/lalr.py is lark's stand-alone LALR parser of govern.rules.grammar.GRAMMAR, generated.

Building the parser from the grammar took ~25 ms and importing lark ~20 ms of every cold
`govern check` (issue 11); the generated module imports in a few. It must stay the
grammar's: its header names the grammar's digest, and it parses every text as a parser
built from the grammar by the installed lark does (same trees, same errors at the same
places). Its bytes are not compared: lark numbers its states in the order of sets of
objects, which differs from run to run.

Regenerate after editing GRAMMAR:  .venv/bin/python tests/unit/test_rules_lalr.py
"""
from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "govern" / "rules" / "lalr.py"


def _grammar() -> str:
    sys.path.insert(0, str(ROOT))
    from govern.rules.grammar import GRAMMAR, START

    return GRAMMAR, START


def generate() -> str:
    """The module's text as the installed lark writes it."""
    import lark
    from lark.tools.standalone import gen_standalone

    grammar, start = _grammar()
    out = io.StringIO()
    gen_standalone(lark.Lark(grammar, parser="lalr", start=list(start), maybe_placeholders=False), out=out)
    digest = hashlib.sha256(grammar.encode("utf-8")).hexdigest()
    return (f"# Generated from govern.rules.grammar.GRAMMAR (sha256 {digest}) by\n"
            f"# `python tests/unit/test_rules_lalr.py` (lark's stand-alone generator).\n"
            f"# Do not edit: tests/unit/test_rules_lalr.py keeps it equal to the grammar.\n" + out.getvalue())


def test_the_generated_module_is_the_grammars():
    from govern.rules.grammar import GRAMMAR

    digest = hashlib.sha256(GRAMMAR.encode("utf-8")).hexdigest()
    assert digest in GENERATED.read_text(encoding="utf-8").splitlines()[0], \
        "GRAMMAR changed: regenerate with `python tests/unit/test_rules_lalr.py`"


def _outcome(parser, text: str, start: str):
    """The tree, or the error's kind and everything govern's messages read from it."""
    try:
        return _shape(parser.parse(text, start=start))
    except Exception as err:  # noqa: BLE001 - both parsers' errors are compared field by field
        token = getattr(err, "token", None)
        return (type(err).__name__, getattr(err, "line", None), getattr(err, "column", None),
                getattr(err, "pos_in_stream", None), sorted(getattr(err, "expected", None) or ()),
                None if token is None else (token.type, str(token)))


def _shape(node):
    """A tree as plain data: rule names, and each token's type, text and positions."""
    if hasattr(node, "children"):
        return str(node.data), [_shape(c) for c in node.children]
    return node.type, str(node), node.line, node.column, node.start_pos, node.end_pos


@pytest.fixture(scope="module")
def parsers():
    import lark

    from govern.rules import lalr

    grammar, start = _grammar()
    return lalr.Lark_StandAlone(), lark.Lark(grammar, parser="lalr", start=list(start), maybe_placeholders=False)


CORPUS = [
    'violation("r", F, "", "m") :- file(F), not under(F, "a.b"), X != 3, N = count { M : imports(M, _) }.',
    "p. q(1, -2, _X, _). r :- p.", "% comment\np(X) :- q(X), X >= 0.", 'p("a\\"b\\\\c\\n").', "",
    "p(X) :- q(X)", "p(X) :-", ":- p.", "p(X) :- not not q(X).", "p(X) :- X < count { Y : q(Y) }.",
    'p("unterminated) :- q.', "P(x).", "p(X) :- q(X), .", "p(1)) .", "p(X) :- N = sum { V, K : v(K, V) }, N > 10.",
    "notp(X) :- countq(X), not_(X).", "p :- count(X).", "p(X):-q(X).r(Y):-s(Y).", "p(X) :- q(X) ; r(X).",
    "p(99999999999999).", "p(-).", "p(X) :- X = min { Y : q(Y), Y != 0 }.", "\tp(\n1\n)\n.\n", "p(X) :- é(X).",
]


def test_the_generated_parser_parses_as_the_grammar_does(parsers):
    generated, built = parsers
    for text in CORPUS:
        for start in ("program", "query"):
            assert _outcome(generated, text, start) == _outcome(built, text, start), (text, start)


PIECES = ["p", "q", "not", "count", "sum", "min", "max", "X", "_", "_Y", '"s"', '"a\\"b"', "1", "-2", "(", ")", ",",
          ".", ":-", ":", "{", "}", "=", "!=", "<=", "<", ">", " ", "\n", "%c\n", "é", "@"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.sampled_from(["program", "query"]))
def test_the_generated_parser_parses_random_texts_as_the_grammar_does(parsers, pieces, start):
    generated, built = parsers
    text = "".join(pieces)
    assert _outcome(generated, text, start) == _outcome(built, text, start)


if __name__ == "__main__":
    GENERATED.write_text(generate(), encoding="utf-8")
    print(f"wrote {GENERATED.relative_to(ROOT)}")

"""An exact reader of the rule text the built-in kinds generate (an optimisation).

A kind compiles its front-matter block to rule-language TEXT (govern.rules.kinds: what
`govern adr compile` prints), which is then parsed as a hand-written block would be. The
LALR parser (govern.rules.parser) spent ~5 µs per token there: ~20 ms of a cold check with
four import-linter contracts, and ~4 ms more to import it. This reader takes the plain
shape that text has — clauses of atoms, negated atoms and comparisons of terms, one token
regular expression, one pass — and builds the same `Clause`s (model objects, positions,
origin text, `_` renamed, violation/3 widened) with the parser's own helpers.

It is a fast path beside the parser, never a second grammar: anything outside that shape
(an aggregate, a comment, a keyword-like name such as `nothing`, which the parser's lexer
splits, an out-of-range integer, any syntax error, text over MAX_TEXT) returns None and the
caller parses the text with govern.rules.parser, which owns every diagnostic. User
```datalog blocks always go through the parser. tests/unit/test_rules_generated.py checks
that both give equal clauses for every kind and option combination, and on random text.
"""
from __future__ import annotations

import re

from govern.datalog.model import Atom, Comparison, Const, Literal, Origin, Rule, Var
from govern.rules.parser import (MAX_INT, MAX_TEXT, Clause, Position, _anonymous_renamer, _full_output, _unescape,
                                 rule_of)

_TOKEN = re.compile(r'''[ \t\r\n]+|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<string>"(?:[^"\\\n]|\\["\\n])*")'''
                    r'''|(?P<int>-?[0-9]+)|(?P<op>:-|!=|<=|>=|[=<>(),.])|(?P<other>.)''', re.S)
_CMP = frozenset({"!=", "<=", ">=", "=", "<", ">"})
# Names the parser's lexer may read as keywords (NOT, AGG) or split ("nothing" → not hing).
_KEYWORDS = ("not", "count", "sum", "min", "max")


class _Decline(Exception):
    """The text is outside the shape read here: the parser reads it."""


def read_generated(text: str, path: str, first_line: int = 1, adr: str = "") -> list[Clause] | None:
    """The clauses govern.rules.parser.parse_clauses gives for `text`, or None when the text
    is not of the plain shape read here (then parse it)."""
    if len(text) > MAX_TEXT:
        return None
    try:
        return _Reader(text, path, first_line - 1, adr).program()
    except _Decline:
        return None


class _Reader:
    def __init__(self, text: str, path: str, shift: int, adr: str) -> None:
        self.text, self.path, self.shift, self.adr = text, path, shift, adr
        self.tokens = _tokens(text)
        self.i = 0

    def program(self) -> list[Clause]:
        clauses = []
        while self.i < len(self.tokens):
            clauses.append(self.clause())
        return clauses

    def clause(self) -> Clause:
        start = self.tokens[self.i]
        head, head_pos = self.atom()
        items = []
        kind, value, _, _, _ = self.next()
        if value == ":-":
            while True:
                items.append(self.item())
                kind, value, _, _, _ = self.next()
                if value == ".":
                    break
                if value != ",":
                    raise _Decline
        elif value != ".":
            raise _Decline
        dot_end = self.tokens[self.i - 1][2] + 1
        rename = _anonymous_renamer([Literal(head)] + [item for item, _ in items])
        head_atom = _full_output(rename(Literal(head)).atom)
        shift = self.shift
        origin = Origin(self.adr, rule_of(head_atom), self.path, head_pos.line + shift, self.text[start[2]:dot_end])
        rule = Rule(head_atom, tuple(rename(item) for item, _ in items), origin)
        positions = tuple(Position(p.line + shift, p.col) for _, p in items)
        return Clause(rule, Position(head_pos.line + shift, head_pos.col), positions)

    def next(self) -> tuple:
        if self.i >= len(self.tokens):
            raise _Decline
        self.i += 1
        return self.tokens[self.i - 1]

    def atom(self) -> tuple[Atom, Position]:
        kind, name, _, line, col = self.next()
        if kind != "pred":
            raise _Decline
        args = []
        if self.i < len(self.tokens) and self.tokens[self.i][1] == "(":
            self.i += 1
            if self.tokens[self.i:self.i + 1] and self.tokens[self.i][1] == ")":
                self.i += 1
            else:
                while True:
                    args.append(self.term()[0])
                    _, value, _, _, _ = self.next()
                    if value == ")":
                        break
                    if value != ",":
                        raise _Decline
        return Atom(name, tuple(args)), Position(line, col)

    def item(self) -> tuple:
        kind, value, _, line, col = self.tokens[self.i] if self.i < len(self.tokens) else (None,) * 5
        if kind == "not":
            self.i += 1
            atom, _ = self.atom()
            return Literal(atom, negated=True), Position(line, col)
        if kind == "pred":
            atom, pos = self.atom()
            return Literal(atom), pos
        left, pos = self.term()
        _, op, _, _, _ = self.next()
        if op not in _CMP:
            raise _Decline
        right, _ = self.term()
        return Comparison(op, left, right), pos

    def term(self) -> tuple:
        kind, value, _, line, col = self.next()
        if kind == "var":
            term = Var(value)
        elif kind == "string":
            term = Const(_unescape(value[1:-1]))
        elif kind == "int":
            number = int(value) if len(value) <= 12 else MAX_INT + 1
            if abs(number) > MAX_INT:
                raise _Decline  # the parser reports it
            term = Const(number)
        else:
            raise _Decline
        return term, Position(line, col)


def _tokens(text: str) -> list[tuple[str, str, int, int, int]]:
    """(kind, text, start offset, line, column) of each token; kind: pred, var (`_` too), not,
    string, int, op. _Decline on anything else."""
    out = []
    line, line_start = 1, 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        start = m.start()
        if kind is None:  # blanks
            newlines = m.group().count("\n")
            if newlines:
                line += newlines
                line_start = m.group().rindex("\n") + start + 1
            continue
        value = m.group()
        if kind == "name":
            if value.startswith(_KEYWORDS):
                if value != "not":
                    raise _Decline
                kind = "not"
            else:
                kind = "pred" if value[0].islower() else "var"
        elif kind == "other":
            raise _Decline
        out.append((kind, value, start, line, start - line_start + 1))
    return out

"""The rule language (SPEC §3): lark LALR grammar → govern.datalog.model data.

The text of an ADR is hostile. It is only ever tokenised and parsed here (LALR:
linear time, no backtracking, no recursion on input depth) and turned into
frozen dataclasses; it never reaches exec/eval/compile or an engine's string API.

The parser is lark's stand-alone LALR parser of govern.rules.grammar, generated into
govern/rules/lalr.py (tests/unit/test_rules_lalr.py keeps it the grammar's and
regenerates it): building it from the grammar and importing lark cost ~45 ms of every
cold `govern check`. It is imported on first use: the text the built-in rule kinds generate
is read by govern.rules.generated (an optimisation), so a check whose ADRs hold no ```datalog
block never imports it (~4 ms).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from govern.datalog.model import Aggregate, Atom, BodyItem, Comparison, Const, Literal, Origin, Rule, Var
from govern.errors import AdrError, Diagnostic
from govern.vocabulary import SHORT_OUTPUTS

if TYPE_CHECKING:
    from govern.rules.lalr import Lark, UnexpectedInput

MAX_TEXT = 100_000  # characters of rule text per block (parsing is linear: ~1 s at the limit)
MAX_INT = 2**31 - 1  # clingo integers are 32-bit


@lru_cache(maxsize=1)
def _lark() -> Lark:
    from govern.rules.lalr import Lark_StandAlone

    # Generated with parser="lalr", start=grammar.START, maybe_placeholders=False. Positions come from
    # the tokens (head predicate, final '.'), not propagate_positions, which would double the
    # parse time.
    return Lark_StandAlone()


@dataclass(frozen=True)
class Position:
    """1-based line and column in the ADR file."""

    line: int
    col: int


@dataclass(frozen=True)
class Clause:
    """A parsed rule with the file positions of its head and body items (for diagnostics)."""

    rule: Rule
    head_pos: Position
    body_pos: tuple[Position, ...]


class _Build:
    """Tree → model objects; atoms and items carry their position alongside."""

    def __init__(self, errors: list[tuple[int, int, str]]):
        self.errors = errors

    def transform(self, tree):
        """What lark's Transformer does with these callbacks (every node under an atom or a body
        has one; tokens, `str`s, are passed as they are), without importing lark's runtime."""
        return getattr(self, tree.data)([c if isinstance(c, str) else self.transform(c) for c in tree.children])

    def var(self, items):
        return (Var(str(items[0])), items[0])

    def anon(self, items):
        return (Var("_"), items[0])

    def string(self, items):
        raw = str(items[0])[1:-1]
        return (Const(_unescape(raw)), items[0])

    def integer(self, items):
        tok = items[0]
        value = int(str(tok)) if len(str(tok)) <= 12 else MAX_INT + 1
        if abs(value) > MAX_INT:
            self.errors.append((tok.line, tok.column, f"integer {str(tok)[:20]} out of range (32-bit)"))
            value = 0
        return (Const(value), tok)

    def atom(self, items):
        pred = items[0]
        args = tuple(term for term, _ in items[1:] if term is not None)
        return (Atom(str(pred), args), Position(pred.line, pred.column))

    def positive(self, items):
        atom, pos = items[0]
        return (Literal(atom), pos)

    def negative(self, items):
        atom, _ = items[1]
        return (Literal(atom, negated=True), Position(items[0].line, items[0].column))

    def comparison(self, items):
        (left, ltok), op, (right, _) = items
        return (Comparison(str(op), left, right), Position(ltok.line, ltok.column))

    def aggregate(self, items):
        (result, rtok), op, agg = items[0], items[1], items[2]
        elements = tuple(term for term, _ in items[3:-1])
        inner = items[-1]
        pos = Position(rtok.line, rtok.column)
        if str(op) != "=":
            self.errors.append((pos.line, pos.col, f"an aggregate is written `Result = {agg} {{ … }}`, not with {op}"))
        return (_Agg(str(agg), result, elements, inner), pos)

    def body(self, items):
        return list(items)

    inner = body  # an aggregate's body: no aggregate inside (the grammar has no deeper nesting)


@dataclass
class _Agg:
    """An aggregate as parsed, before its body moves to a helper rule (see `_clause`)."""

    op: str
    result: object
    elements: tuple
    items: list  # (BodyItem, Position)

    def text(self) -> str:
        inner = ", ".join(str(item) for item, _ in self.items)
        return f"{self.result} = {self.op} {{ {', '.join(str(e) for e in self.elements)} : {inner} }}"


def _unescape(raw: str) -> str:
    out, i = [], 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\":
            out.append({"n": "\n", '"': '"', "\\": "\\"}[raw[i + 1]])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def parse_clauses(text: str, path: str, first_line: int = 1, adr: str = "") -> list[Clause]:
    """Parse rule text whose first line is line `first_line` of `path`; raise AdrError on bad input."""
    shift = first_line - 1
    if len(text) > MAX_TEXT:
        raise AdrError([Diagnostic(path, first_line, 1, f"rule text too long ({len(text)} > {MAX_TEXT} characters)")])
    tree = _parse(text, "program", path, shift)
    errors: list[tuple[int, int, str]] = []
    build = _Build(errors)
    clauses = [c for node in tree.children for c in _clause(node, build, text, path, shift, adr)]
    if errors:
        raise AdrError([Diagnostic(path, line + shift, col, msg) for line, col, msg in errors])
    return clauses


def parse_program(text: str, path: str, first_line: int = 1, *, adr: str = "") -> list[Rule]:
    """Parse a program (clauses) into Rules; Origin.line is the clause's line in the ADR file."""
    return [c.rule for c in parse_clauses(text, path, first_line, adr)]


def parse_query(text: str) -> tuple[BodyItem, ...]:
    """Parse a query body such as `imports(M, "stripe"), not under(M, "app")` (final '.' optional)."""
    if len(text) > MAX_TEXT:
        raise AdrError([Diagnostic("<query>", 1, 1, "query too long")])
    tree = _parse(text, "query", "<query>", 0)
    errors: list[tuple[int, int, str]] = []
    items = _Build(errors).transform(tree.children[0])
    errors += [(pos.line, pos.col, "aggregates are allowed in rules only (define a rule and query it)")
               for item, pos in items if isinstance(item, _Agg)]
    if errors:
        raise AdrError([Diagnostic("<query>", line, col, msg) for line, col, msg in errors])
    return tuple(_fresh_anonymous([item for item, _ in items]))


def _parse(text: str, start: str, path: str, shift: int):
    from govern.rules.lalr import LarkError, UnexpectedInput

    try:
        return _lark().parse(text, start=start)
    except UnexpectedInput as err:
        line, col = _end(text) if _at_end(err) else (max(err.line, 1), max(err.column, 1))
        raise AdrError([Diagnostic(path, line + shift, col, _describe(err, text))]) from None
    except LarkError as err:  # pragma: no cover - defensive: lark internals
        raise AdrError([Diagnostic(path, shift + 1, 1, f"syntax error: {err}")]) from None


def _at_end(err: UnexpectedInput) -> bool:
    from govern.rules.lalr import UnexpectedEOF, UnexpectedToken

    return isinstance(err, UnexpectedEOF) or (isinstance(err, UnexpectedToken) and err.token.type == "$END")


def _end(text: str) -> tuple[int, int]:
    """Line and column just after the last non-blank character (where the '.' is missing)."""
    body = text.rstrip()
    return body.count("\n") + 1, len(body) - (body.rfind("\n") + 1) + 1


def _describe(err: UnexpectedInput, text: str) -> str:
    from govern.rules.lalr import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if isinstance(err, UnexpectedCharacters):
        char = text[err.pos_in_stream] if err.pos_in_stream < len(text) else ""
        return f"syntax error: unexpected character {char!r}"
    if isinstance(err, UnexpectedEOF):
        return "syntax error: unexpected end of text (missing '.'?)"
    if isinstance(err, UnexpectedToken):
        shown = "end of text" if err.token.type == "$END" else repr(str(err.token))
        expected = ", ".join(sorted(_spell(t) for t in err.expected)[:8])
        return f"syntax error: unexpected {shown} (expected {expected})"
    return "syntax error"  # pragma: no cover


_SPELLING = {"LPAR": "'('", "RPAR": "')'", "COMMA": "','", "DOT": "'.'", "__ANON_0": "':-'", "CMP": "comparison",
             "PRED": "predicate", "VAR": "variable", "STRING": "string", "INT": "integer", "ANON": "'_'", "NOT": "'not'"}


def _spell(terminal: str) -> str:
    return _SPELLING.get(terminal, terminal.lower())


def _clause(node, build: _Build, text: str, path: str, shift: int, adr: str) -> list[Clause]:
    """The clause, then one helper clause per aggregate in its body."""
    head, head_pos = build.transform(node.children[0])
    items = build.transform(node.children[1]) if len(node.children) > 2 else []
    rename = _anonymous_renamer([Literal(head)] + [item for item, _ in items])
    head_atom = _full_output(rename(Literal(head)).atom)
    items = [(rename(item), pos) for item, pos in items]
    start, dot = node.children[0].children[0], node.children[-1]
    origin = Origin(adr, rule_of(head_atom), path, head_pos.line + shift, text[start.start_pos:dot.end_pos])
    body, helpers = [], []
    for k, (item, pos) in enumerate(items):
        if isinstance(item, _Agg):
            outside = head_atom.variables() | {
                v for j, (other, _) in enumerate(items) if j != k for v in _item_vars(other)}
            if isinstance(item.result, Var) and item.result.name in _item_vars(_Agg(item.op, Const(0), item.elements, item.items)):
                build.errors.append((pos.line, pos.col, f"the result variable {item.result} must not occur inside its aggregate"))
            item, helper = _split(item, Position(pos.line + shift, pos.col), shift, outside, path, adr)
            helpers.append(helper)
        body.append(item)
    positions = tuple(Position(p.line + shift, p.col) for _, p in items)
    rule = Rule(head_atom, tuple(body), origin)
    return [Clause(rule, Position(head_pos.line + shift, head_pos.col), positions), *helpers]


def _split(agg: _Agg, pos: Position, shift: int, outside: set[str], path: str, adr: str) -> tuple[Aggregate, Clause]:
    """`R = op { E : B }` → the Aggregate item and its helper clause `pred(Group…, E…) :- B.`
    The group: the variables of E and B that also occur outside the aggregate."""
    inner = {t.name for t in agg.elements if isinstance(t, Var)}
    for item, _ in agg.items:
        inner |= _item_vars(item)
    group = tuple(Var(name) for name in sorted(inner & outside))
    pred = f"aggregate@{pos.line}:{pos.col}"  # '@' and ':' keep it apart from any predicate a user can name
    text = agg.text()
    helper = Rule(Atom(pred, group + agg.elements), tuple(item for item, _ in agg.items), Origin(adr, "", path, pos.line, text))
    positions = tuple(Position(p.line + shift, p.col) for _, p in agg.items)
    return Aggregate(agg.op, agg.result, pred, group, len(agg.elements), text), Clause(helper, pos, positions)


def _full_output(head: Atom) -> Atom:
    """violation/3 and exempt/3 heads with the Target they stand for inserted (SHORT_OUTPUTS):
    the engine sees one arity per output; the clause's text stays as written."""
    if head.pred in SHORT_OUTPUTS and len(head.args) == 3:
        return Atom(head.pred, (*head.args[:2], Const(SHORT_OUTPUTS[head.pred]), head.args[2]))
    return head


def _fresh_anonymous(items: list[BodyItem]) -> list[BodyItem]:
    """Rename every `_` to a distinct variable `_<n>` that the items do not already use."""
    rename = _anonymous_renamer(items)
    return [rename(item) for item in items]


def _anonymous_renamer(items: list):
    """A function renaming each `_` of an item (aggregates included) to a fresh `_<n>`."""
    used = set()
    for item in items:
        used |= _item_vars(item)
    counter = iter(range(1, 10**9))

    def fresh(term):
        if isinstance(term, Var) and term.name == "_":
            return Var(next(f"_{n}" for n in counter if f"_{n}" not in used))
        return term

    def rename(item):
        if isinstance(item, Literal):
            return Literal(Atom(item.atom.pred, tuple(fresh(t) for t in item.atom.args)), item.negated)
        if isinstance(item, _Agg):
            return _Agg(item.op, fresh(item.result), tuple(fresh(t) for t in item.elements),
                        [(rename(i), p) for i, p in item.items])
        return Comparison(item.op, fresh(item.left), fresh(item.right))

    return rename


def _item_vars(item) -> set[str]:
    """Variable names of an item as parsed (an aggregate's own and its body's)."""
    if isinstance(item, _Agg):
        names = {t.name for t in (item.result, *item.elements) if isinstance(t, Var)}
        for inner, _ in item.items:
            names |= _item_vars(inner)
        return names
    terms = item.atom.args if isinstance(item, Literal) else (item.left, item.right)
    return {t.name for t in terms if isinstance(t, Var)}


def rule_of(head: Atom) -> str:
    """Origin.rule of a clause: the constant rule id of a violation/exempt head, else ""."""
    if head.pred in ("violation", "exempt") and head.args and isinstance(head.args[0], Const):
        return str(head.args[0].value)
    return ""

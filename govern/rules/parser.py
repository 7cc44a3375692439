"""The rule language (SPEC §3): lark LALR grammar → govern.datalog.model data.

The text of an ADR is hostile. It is only ever tokenised and parsed here (LALR:
linear time, no backtracking, no recursion on input depth) and turned into
frozen dataclasses; it never reaches exec/eval/compile or an engine's string API.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lark import Lark, Transformer
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from govern.datalog.model import Atom, BodyItem, Comparison, Const, Literal, Origin, Rule, Var
from govern.errors import AdrError, Diagnostic

MAX_TEXT = 100_000  # characters of rule text per block (parsing is linear: ~1 s at the limit)
MAX_INT = 2**31 - 1  # clingo integers are 32-bit

GRAMMAR = r"""
program: clause*
query: body DOT?
clause: atom DOT -> fact
      | atom ":-" body DOT -> rule
body: item ("," item)*
?item: atom -> positive
     | NOT atom -> negative
     | term CMP term -> comparison
atom: PRED "(" [term ("," term)*] ")"
    | PRED
?term: VAR -> var
     | ANON -> anon
     | STRING -> string
     | INT -> integer
NOT.2: "not"
DOT: "."
PRED: /[a-z][A-Za-z0-9_]*/
VAR: /_[A-Za-z0-9_]+|[A-Z][A-Za-z0-9_]*/
ANON: "_"
STRING: /"([^"\\\n]|\\["\\n])*"/
INT: /-?[0-9]+/
CMP: "!=" | "<=" | ">=" | "=" | "<" | ">"
COMMENT: /%[^\n]*/
%ignore COMMENT
%ignore /[ \t\r\n]+/
"""


@lru_cache(maxsize=1)
def _lark() -> Lark:
    # Positions come from the tokens (head predicate, final '.'), not propagate_positions,
    # which would double the parse time.
    return Lark(GRAMMAR, parser="lalr", start=["program", "query"], maybe_placeholders=False)


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


class _Build(Transformer):
    """Tree → model objects; atoms and items carry their position alongside."""

    def __init__(self, errors: list[tuple[int, int, str]]):
        super().__init__()
        self.errors = errors

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

    def body(self, items):
        return list(items)


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
    clauses = [_clause(node, build, text, path, shift, adr) for node in tree.children]
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
    if errors:
        raise AdrError([Diagnostic("<query>", line, col, msg) for line, col, msg in errors])
    return tuple(_fresh_anonymous([item for item, _ in items]))


def _parse(text: str, start: str, path: str, shift: int):
    try:
        return _lark().parse(text, start=start)
    except UnexpectedInput as err:
        line, col = _end(text) if _at_end(err) else (max(err.line, 1), max(err.column, 1))
        raise AdrError([Diagnostic(path, line + shift, col, _describe(err, text))]) from None
    except LarkError as err:  # pragma: no cover - defensive: lark internals
        raise AdrError([Diagnostic(path, shift + 1, 1, f"syntax error: {err}")]) from None


def _at_end(err: UnexpectedInput) -> bool:
    return isinstance(err, UnexpectedEOF) or (isinstance(err, UnexpectedToken) and err.token.type == "$END")


def _end(text: str) -> tuple[int, int]:
    """Line and column just after the last non-blank character (where the '.' is missing)."""
    body = text.rstrip()
    return body.count("\n") + 1, len(body) - (body.rfind("\n") + 1) + 1


def _describe(err: UnexpectedInput, text: str) -> str:
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


def _clause(node, build: _Build, text: str, path: str, shift: int, adr: str) -> Clause:
    head, head_pos = build.transform(node.children[0])
    items = build.transform(node.children[1]) if len(node.children) > 2 else []
    renamed = _fresh_anonymous([Literal(head)] + [item for item, _ in items])
    head_atom, body = renamed[0].atom, renamed[1:]
    start, dot = node.children[0].children[0], node.children[-1]
    origin = Origin(adr, rule_of(head_atom), path, head_pos.line + shift, text[start.start_pos:dot.end_pos])
    positions = tuple(Position(p.line + shift, p.col) for _, p in items)
    return Clause(Rule(head_atom, tuple(body), origin), Position(head_pos.line + shift, head_pos.col), positions)


def _fresh_anonymous(items: list[BodyItem]) -> list[BodyItem]:
    """Rename every `_` to a distinct variable `_<n>` that the clause does not already use."""
    used = {t.name for item in items for t in _terms(item) if isinstance(t, Var)}
    counter = iter(range(1, 10**9))

    def fresh(term):
        if isinstance(term, Var) and term.name == "_":
            name = next(f"_{n}" for n in counter if f"_{n}" not in used)
            return Var(name)
        return term

    out = []
    for item in items:
        if isinstance(item, Literal):
            out.append(Literal(Atom(item.atom.pred, tuple(fresh(t) for t in item.atom.args)), item.negated))
        else:
            out.append(Comparison(item.op, fresh(item.left), fresh(item.right)))
    return out


def _terms(item: BodyItem):
    return item.atom.args if isinstance(item, Literal) else (item.left, item.right)


def rule_of(head: Atom) -> str:
    """Origin.rule of a clause: the constant rule id of a violation/exempt head, else ""."""
    if head.pred in ("violation", "exempt") and head.args and isinstance(head.args[0], Const):
        return str(head.args[0].value)
    return ""

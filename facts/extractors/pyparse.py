"""The import statements of a Python source, read by a real parser (tree-sitter-python).

Why tree-sitter: it parses the newest grammar (PEP 701 f-strings that reuse their quotes,
PEP 695 type parameters, `match`, `except*`) whatever Python runs govern, in linear time,
without a hand-written lexer (issue #10, item 4). On the Python 3.13 standard library it
finds exactly the imports `ast` finds (/work/shared/MEASURED.md); tests/unit/test_facts_pyparse.py
keeps it equal to the running Python's `ast` on its standard library, a corpus of every
import and string form, and generated sources.

tree-sitter recovers from syntax errors instead of stopping: a tree with an error or a
missing node is never read for imports. tree-sitter-python 0.25 also refuses a few valid
sources (a continuation line inside brackets that dedents below its block after an
operator: `def f():\n    (a +\nb)`); such a tree goes to the running Python's `ast`, which
is exact for every grammar it knows. A source both refuse is a syntax error (`ParseError`).
tree-sitter accepts a few things CPython refuses (Python 2 `print`/`exec` statements,
nesting beyond CPython's limits): such files' imports are still their import statements;
an import statement it accepts and CPython does not (`import a,`) goes to `ast` as well.
"""
from __future__ import annotations

import ast
import threading
import unicodedata

Found = list[list]  # [kind, line, level, module, name, type_only]

# The TYPE_CHECKING tests; import statements are found from the `import` keywords' offsets.
_QUERY = """
(if_statement condition: [(identifier) (attribute) (parenthesized_expression)] @test consequence: (block) @body)
(elif_clause condition: [(identifier) (attribute) (parenthesized_expression)] @test consequence: (block) @body)
"""
_STATEMENTS = frozenset({"import_statement", "import_from_statement", "future_import_statement"})
_local = threading.local()  # tree-sitter parsers are not shared between threads


class ParseError(ValueError):
    """The source does not parse; the message names the first error's line."""


def _tools():
    tools = getattr(_local, "tools", None)
    if tools is None:
        import tree_sitter
        import tree_sitter_python

        language = tree_sitter.Language(tree_sitter_python.language())
        query = tree_sitter.Query(language, _QUERY)
        tools = _local.tools = (tree_sitter.Parser(language), tree_sitter.QueryCursor(query))
    return tools


def parse_imports(text: str) -> Found:
    """[kind, line, level, module, name, type_only] for every import of `text` (newlines
    already `\\n`): kind "import" (name "") or "from" (level = leading dots, name "*" for
    a star import); type_only 1 when the statement sits in the true branch of an
    `if TYPE_CHECKING:` / `if <module>.TYPE_CHECKING:` / `elif …TYPE_CHECKING:` test."""
    parser, cursor = _tools()
    source = text.encode("utf-8", "surrogatepass")
    root = parser.parse(source).root_node
    if root.has_error:
        return ast_imports(text, _first_error(root))
    statements = _statements(root, source)
    if source.isascii():
        guarded = _guarded(root, source)
    else:  # NFKC: a non-ASCII spelling may name TYPE_CHECKING: every if/elif test is looked at
        guarded = [(m["body"][0].start_byte, m["body"][0].end_byte) for _, m in cursor.matches(root)
                   if _type_checking_test(m["test"][0])]
    found: Found = []
    for stmt in statements:
        if stmt.children[-1].type == ",":  # `import a,` (no parentheses): CPython refuses it
            return ast_imports(text, f"line {_line(stmt)}: trailing comma not allowed without surrounding parentheses")
        start = stmt.start_byte
        type_only = int(any(lo <= start < hi for lo, hi in guarded))
        found += _statement(stmt, type_only)
    found.sort()
    return found


def _statements(root, source: bytes) -> list:
    """The import statements: every one holds the keyword `import` as those six ASCII bytes
    (keywords have no other spelling), so each occurrence of them is looked up in the tree
    (cheaper than visiting every node); one inside a string, a comment or a longer name is
    not the keyword token."""
    found = {}
    at = source.find(b"import")
    while at != -1:
        node = root.descendant_for_byte_range(at, at + 6)
        if node is not None and node.type == "import" and node.parent is not None and node.parent.type in _STATEMENTS:
            found[node.parent.start_byte] = node.parent
        at = source.find(b"import", at + 6)
    return [found[k] for k in sorted(found)]


def _guarded(root, source: bytes) -> list[tuple[int, int]]:
    """Byte ranges of the bodies guarded by a TYPE_CHECKING test, found from the name's
    occurrences in an ASCII source (as `_statements` finds the keyword)."""
    out = []
    at = source.find(b"TYPE_CHECKING")
    while at != -1:
        node = root.descendant_for_byte_range(at, at + 13)
        test = node.parent if node is not None and node.type == "identifier" else None
        if test is not None and test.type == "attribute" and test.child_by_field_name("attribute") == node:
            test, node = test.parent, test
        while test is not None and test.type == "parenthesized_expression":
            test, node = test.parent, test
        if test is not None and test.type in ("if_statement", "elif_clause") and test.child_by_field_name("condition") == node \
                and _type_checking_test(node):
            body = test.child_by_field_name("consequence")
            out.append((body.start_byte, body.end_byte))
        at = source.find(b"TYPE_CHECKING", at + 13)
    return out


def _statement(stmt, type_only: int) -> Found:
    if stmt.type == "import_statement":
        return [["import", _line(n), 0, _dotted(n), "", type_only] for n in _names(stmt)]
    module = stmt.child_by_field_name("module_name")
    level = 0
    if module is None:  # `from __future__ import x`
        module_name = "__future__"
    elif module.type == "relative_import":
        prefix = module.named_children[0]
        level = sum(1 for c in prefix.children if c.type == ".")
        rest = module.named_children[1:]
        module_name = _dotted(rest[0]) if rest else ""
    else:
        module_name = _dotted(module)
    if any(c.type == "wildcard_import" for c in stmt.named_children):
        star = next(c for c in stmt.named_children if c.type == "wildcard_import")
        return [["from", _line(star), level, module_name, "*", type_only]]
    return [["from", _line(n), level, module_name, _dotted(n), type_only] for n in _names(stmt)]


def _type_checking_test(node) -> bool:
    """`TYPE_CHECKING` or `<expr>.TYPE_CHECKING`, in any parentheses."""
    while node.type == "parenthesized_expression":
        inner = [c for c in node.named_children if c.type != "comment"]
        if len(inner) != 1:
            return False
        node = inner[0]
    if node.type == "attribute":
        node = node.child_by_field_name("attribute")
    return node.type == "identifier" and _identifier(node) == "TYPE_CHECKING"


def _names(stmt) -> list:
    """The imported names' dotted_name nodes (an alias `as x` is not what is imported)."""
    out = []
    for node in stmt.children_by_field_name("name"):
        out.append(node.child_by_field_name("name") if node.type == "aliased_import" else node)
    return out


def _dotted(node) -> str:
    """A dotted name as CPython spells it: parts joined by dots (whatever spaces, comments
    or continuation lines stand between them), non-ASCII identifiers NFKC-normalised."""
    text = node.text
    if text.isascii() and text.replace(b".", b"").replace(b"_", b"").isalnum():
        return text.decode()  # the usual spelling `a.b_c`: nothing between the parts
    return ".".join(_identifier(p) for p in _parts(node))


def _parts(node) -> list:
    """The identifiers of a dotted name (comments and line continuations are extras)."""
    if node.type != "dotted_name":
        return [node]
    return [c for c in node.named_children if c.type == "identifier"]


def _identifier(node) -> str:
    name = node.text.decode("utf-8", "surrogatepass")
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


def _line(node) -> int:
    """The line of a name as `ast` gives it: where its first identifier starts (a dotted
    name starts with one: extras such as a line continuation only come between parts)."""
    return node.start_point[0] + 1


def _first_error(root) -> str:
    node = root
    while True:
        bad = next((c for c in node.children if c.has_error or c.is_missing), None)
        if bad is None or bad.is_error or bad.is_missing:
            target = bad or node
            what = f"missing {target.type!r}" if target.is_missing else "invalid syntax"
            return f"line {target.start_point[0] + 1}: {what}"
        node = bad


# Statement lists that can hold an import: imports are statements, so the walk never
# descends into expressions.
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def ast_imports(text: str, tree_sitter_error: str = "") -> Found:
    """The same list from the running Python's `ast` (the reference the tests compare with,
    and the reader of what tree-sitter refuses); ParseError when `ast` refuses it too."""
    try:
        tree = ast.parse(text)
    except SyntaxError as err:
        raise ParseError(f"line {err.lineno or 0}: {err.msg}") from None
    except (ValueError, RecursionError, MemoryError) as err:
        raise ParseError(tree_sitter_error or f"cannot be parsed: {type(err).__name__}") from None
    return tree_imports(tree)


def tree_imports(tree: ast.Module) -> Found:
    """The import records of a parsed `ast` module."""
    found: Found = []
    stack: list[tuple[ast.AST, int]] = [(node, 0) for node in tree.body]
    while stack:
        node, type_only = stack.pop()
        if isinstance(node, ast.Import):
            found += [["import", a.lineno, 0, a.name, "", type_only] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            found += [["from", a.lineno, node.level, node.module or "", a.name, type_only] for a in node.names]
        elif isinstance(node, ast.If) and _type_checking(node.test):
            stack += [(n, 1) for n in node.body] + [(n, type_only) for n in node.orelse]
        else:
            for field in _BODIES:
                stack += [(n, type_only) for n in getattr(node, field, ())]
    found.sort()
    return found


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")

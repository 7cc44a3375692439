"""The import reader is exact: a corpus of the newest grammar, generated sources and the
running Python's standard library, each compared with what CPython reads.

The corpus states its expected imports itself (Python 3.11's `ast` cannot read PEP 701 or
PEP 750 sources); wherever the running Python's `ast` can parse a case, it must agree too.
"""
from __future__ import annotations

import ast
import io
import sysconfig
import tokenize
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from govern.facts.extractors import python
from govern.facts.extractors.pyparse import ParseError, ast_imports, parse_imports, tree_imports
from govern.facts.extractors.pysource import SourceError, decode_source


def show(found) -> list[str]:
    """Records as one readable line each, by line: `3 from ..a import b [T]`."""
    out = []
    for kind, line, level, module, name, type_only in found:
        text = f"{line} import {module}" if kind == "import" else f"{line} from {'.' * level}{module} import {name}"
        out.append((line, text + (" [T]" if type_only else "")))
    return [text for _, text in sorted(out)]


def read(data: bytes) -> list[str] | str:
    raw = python.scan("py", data)
    return raw["error"] if "error" in raw else show(raw["imports"])


def ast_reading(data: bytes) -> list[str] | None:
    """What the running Python's ast reads from the bytes (None: it cannot parse them)."""
    try:
        ast.parse(data)
    except (SyntaxError, ValueError):
        return None
    return show(ast_imports(decode_source(data)))


Q3 = "'''"
CORPUS: dict[str, tuple[str | bytes, list[str]]] = {
    # every import form
    "plain": ("import a\nimport a.b.c\nimport a as b, c.d as e\n", ["1 import a", "2 import a.b.c", "3 import a", "3 import c.d"]),
    "spaced dots": ("import a . b\nfrom c . d import e\n", ["1 import a.b", "2 from c.d import e"]),
    "from forms": ("from a import b\nfrom a import b as c, d\nfrom a import (b,\n  c as d,\n)\nfrom a import *\n",
                   ["1 from a import b", "2 from a import b", "2 from a import d", "3 from a import b", "4 from a import c",
                    "6 from a import *"]),
    "relative": ("from . import a\nfrom .. import b\nfrom .c import d\nfrom ...e.f import g\nfrom . . import h\n"
                 "from ... import i\nfrom .... j import k\nfrom .import l\n",
                 ["1 from . import a", "2 from .. import b", "3 from .c import d", "4 from ...e.f import g", "5 from .. import h",
                  "6 from ... import i", "7 from ....j import k", "8 from . import l"]),
    "future": ("from __future__ import annotations, division\n", ["1 from __future__ import annotations", "1 from __future__ import division"]),
    "continuations": ("import a, \\\n    b\nfrom c \\\n   import d\nimport \\\n  e \\\n  . f\n",
                      ["1 import a", "2 import b", "4 from c import d", "6 import e.f"]),
    "semicolons": ("import a; import b;\nx = 1; from c import d\n", ["1 import a", "1 import b", "2 from c import d"]),
    "comments in parens": ("from a import (  # import x\n    b,  # (c)\n    # import y\n    d,\n)\n", ["2 from a import b", "4 from a import d"]),
    "nested": ("def f():\n    class C:\n        async def g(self):\n            import a\n"
               "for x in y:\n    while z:\n        with w as v:\n            try:\n                import b\n"
               "            except* E:\n                import c\n            finally:\n                import d\n",
               ["4 import a", "9 import b", "11 import c", "13 import d"]),
    "match": ("match x:\n    case {'a': 1, **rest}: import a\n    case [1, *_] | (2 as y):\n        import b\n    case _: pass\n",
              ["2 import a", "4 import b"]),
    "soft keywords": ("match = 1\ncase = 2\ntype = 3\ntype X[T] = list[T]\nimport a\n", ["5 import a"]),
    "unicode names": ("import caf\u00e9\nfrom \u00e9t\u00e9 import x\nimport \ufb01le.\uff41\n", ["1 import café", "2 from été import x", "3 import file.a"]),
    "tabs and form feeds": ("if x:\n\timport a\n\x0cimport b\n", ["2 import a", "3 import b"]),
    "type checking": ("if TYPE_CHECKING:\n    import a\nelif typing.TYPE_CHECKING:\n    import b\nelse:\n    import c\n"
                      "if (TYPE_CHECKING):\n    import d\nif not TYPE_CHECKING:\n    import e\nelse:\n    import f\n"
                      "if TYPE_CHECKING:\n    def g():\n        import h\nif TYPE_CHECKING and x:\n    import i\n",
                      ["2 import a [T]", "4 import b [T]", "6 import c", "8 import d [T]", "10 import e", "12 import f",
                       "15 import h [T]", "17 import i"]),
    # strings, comments and f-strings never hold an import
    "docstrings": ('"""\nimport no\n"""\nimport yes\n' + Q3 + "from no import x" + Q3 + "\n", ["4 import yes"]),
    "string prefixes": ("x = rb'''\nimport no\n''' + Rb\"import\" + u'import' + BR'import'\nimport yes\n", ["4 import yes"]),
    "escapes": ("s = 'it\\'s import x'\nimport y\nr = r'\\'' ; import z\ns = 'abc\\\nimport no'\nimport w\n",
                ["2 import y", "3 import z", "6 import w"]),
    "comments": ("# import no\nimport yes  # import no\n#\\\nimport also\n", ["2 import yes", "4 import also"]),
    "f-strings": ("x = f'{a!r:>{w}}' + rf\"{b}\\d\" + f'''\nimport no {c}\n'''\nimport yes\n", ["4 import yes"]),
    "PEP 701 reused quotes": ('x = f"{"' + Q3 + '"}"\nimport yes\ny = f"{f"{f"{1}"}"}"\nimport also\n', ["2 import yes", "4 import also"]),
    "PEP 701 backslash and comment": ('x = f"{"\\n".join(y)}"\nimport a\nz = f"{1 # import no\n}"\nimport b\n', ["2 import a", "5 import b"]),
    "PEP 701 multi-line expression": ('x = f"{\n"import no"\n+\n' + "'import no'}\"\nimport a\n", ["5 import a"]),
    "PEP 701 nested triple": ("x = f'''{f'''{'''\nimport no\n'''}'''}'''\nimport a\n", ["4 import a"]),
    "PEP 750 t-strings": ('x = t"{"' + Q3 + '"}"\nimport yes\ny = rt"{a}\\d" + tr"{b}"\nimport also\n', ["2 import yes", "4 import also"]),
    "PEP 758 except": ("try:\n    import a\nexcept A, B:\n    import b\n", ["2 import a", "4 import b"]),
    "PEP 695": ("def f[T: int, *Ts, **P](x: T) -> T:\n    import a\nclass C[T]:\n    import b\n", ["2 import a", "4 import b"]),
    "dynamic imports are not statements": ("import importlib\nimportlib.import_module('x')\n__import__('y')\nmy_import = 1\n", ["1 import importlib"]),
    # encodings and line ends
    "utf-7": ("# coding: utf-7\nimport stripe\n".encode("utf-7"), ["2 import stripe"]),
    "utf-7 without import bytes": (b"# coding: utf-7\n+AGkAbQBwAG8AcgB0- stripe\n", ["2 import stripe"]),
    "latin-1": ("# -*- coding: latin-1 -*-\ns = 'caf\xe9'\nimport a\n".encode("latin-1"), ["3 import a"]),
    "cookie on line 2": ("#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\ns = '\u20ac'\nimport a\n".encode("cp1252"), ["4 import a"]),
    "BOM": (b"\xef\xbb\xbfimport a\n", ["1 import a"]),
    "BOM and utf-8 cookie": (b"\xef\xbb\xbf# coding: utf-8\nimport a\n", ["2 import a"]),
    "CRLF": (b"import a\r\nx = '''\r\nimport no\r\n'''\r\nfrom b import c\r\n", ["1 import a", "5 from b import c"]),
    "CR only": (b"import a\rx = 1\rimport b\r", ["1 import a", "3 import b"]),
    "mixed line ends": (b"import a\r\n\rimport b\nimport c\r", ["1 import a", "3 import b", "4 import c"]),
}

UNREADABLE = {
    "BOM with another cookie": b"\xef\xbb\xbf# coding: latin-1\nimport a\n",
    "unknown codec": b"# coding: no-such-codec\nimport a\n",
    "invalid utf-8": b"import a\nx = '\xff'\n",
    "NUL byte": b"import a\x00\n",
    "syntax error": b"import a\ndef f(:\n",
    "trailing comma": b"import a,\n",
    "from trailing comma": b"from a import b,\n",
    "unterminated string": b"import a\nx = '''\n",
    "broken f-string": b"import a\nx = f'{'\n",
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus(name):
    source, expected = CORPUS[name]
    data = source.encode() if isinstance(source, str) else source
    assert read(data) == expected
    reference = ast_reading(data)
    if reference is not None:  # the running Python can read it: it agrees
        assert reference == expected


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unreadable_corpus(name):
    data = UNREADABLE[name]
    reason = read(data)
    assert isinstance(reason, str) and reason.endswith("govern cannot judge its imports"), reason
    with pytest.raises((SyntaxError, ValueError)):
        ast.parse(data)  # CPython refuses each of them too


def test_tree_sitter_refusals_go_to_ast():
    # tree-sitter-python 0.25 refuses a dedented continuation line inside brackets after an
    # operator; the running Python's ast reads it.
    text = "def f():\n    (a +\nb)\n    import x\n"
    assert show(parse_imports(text)) == ["4 import x"]


# Generated sources: statements built from every form above that Python 3.11 can parse.
NAMES = st.sampled_from(["a", "b", "pkg", "x1", "_p", "caf\u00e9", "TYPE_CHECKING"])
DOTTED = st.lists(NAMES, min_size=1, max_size=3).map(".".join)
STRING_BODY = st.sampled_from(["import a", "from b import c", "'", '"', "\\'", "\\\"", "#", "{{", "}}", "\\\\", " ", "x"])


@st.composite
def string_literal(draw) -> str:
    prefix = draw(st.sampled_from(["", "r", "b", "rb", "f", "rf", "u", "F", "Rb"]))
    quote = draw(st.sampled_from(["'", '"', "'''", '"""']))
    parts = draw(st.lists(STRING_BODY, max_size=5))
    body = "".join(p for p in parts if not (quote[0] in p and "\\" not in p))
    if len(quote) == 3:
        body = body.replace("\\", "")  # no escape may end the literal early
        body += draw(st.sampled_from(["", "\nimport hidden\n"]))
    elif "r" in prefix.lower():
        body = body.replace("\\", "")
    if "f" in prefix.lower():
        body += "{" + draw(st.sampled_from(["x", "x!r", "x:>10", "y[0]", "z.w"])) + "}"
    return prefix + quote + body + quote


@st.composite
def simple_statement(draw) -> str:
    kind = draw(st.sampled_from(["import", "import as", "from", "relative", "star", "parens", "string", "comment", "expr"]))
    if kind == "import":
        return "import " + ", ".join(draw(st.lists(DOTTED, min_size=1, max_size=3)))
    if kind == "import as":
        return f"import {draw(DOTTED)} as {draw(NAMES)}"
    if kind == "from":
        return f"from {draw(DOTTED)} import {draw(NAMES)}"
    if kind == "relative":
        dots = "." * draw(st.integers(1, 4))
        return f"from {dots}{draw(st.sampled_from(['', 'a', 'b.c']))} import {draw(NAMES)}"
    if kind == "star":
        return f"from {draw(DOTTED)} import *"
    if kind == "parens":
        names = draw(st.lists(NAMES, min_size=1, max_size=3))
        return f"from {draw(DOTTED)} import (\n" + ",  # import z\n".join(names) + ",\n)"
    if kind == "string":
        return "s = " + " ".join(draw(st.lists(string_literal(), min_size=1, max_size=3)))
    if kind == "comment":
        return "# import " + draw(DOTTED)
    return draw(st.sampled_from(["x = 1", "y = [a,\n b]", "pass", "f(x, \\\n  y)", "z = (1 +\n 2)"]))


def block(statements: list[str], depth: int) -> str:
    pad = "    " * depth
    return "".join(pad + line + "\n" if line else "\n" for stmt in statements for line in stmt.split("\n"))


@st.composite
def program(draw, depth: int = 0) -> str:
    out = []
    for _ in range(draw(st.integers(1, 4))):
        compound = depth < 3 and draw(st.booleans())
        if not compound:
            out.append(block([draw(simple_statement())], depth))
            continue
        head = draw(st.sampled_from(["if TYPE_CHECKING:", "if typing.TYPE_CHECKING:", "if x:", "def f():", "class C:",
                                     "try:", "with a as b:", "for i in y:", "if (TYPE_CHECKING):"]))
        out.append("    " * depth + head + "\n" + draw(program(depth + 1)))
        if head.startswith("if"):
            tail = draw(st.sampled_from(["", "elif TYPE_CHECKING:", "elif y:", "else:"]))
            if tail:
                out.append("    " * depth + tail + "\n" + draw(program(depth + 1)))
        elif head == "try:":
            out.append("    " * depth + "except E:\n" + draw(program(depth + 1)))
    return "".join(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program(), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_generated_sources_agree_with_ast(source, newline, bom):
    data = (b"\xef\xbb\xbf" if bom else b"") + source.replace("\n", newline).encode()
    reference = ast_reading(data)
    assume(reference is not None)  # only what the running Python can parse is compared
    assert read(data) == reference


def stdlib_files() -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts and "dist-packages" not in p.parts)


def test_standard_library_agrees_with_ast():
    files = stdlib_files()
    assert len(files) > 500
    compared = 0
    for path in files:
        data = path.read_bytes()
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            continue  # test data the interpreter refuses (Python 2 sources, bad encodings)
        assert parse_imports(decode_source(data)) == tree_imports(tree), path
        compared += 1
    assert compared > 0.95 * len(files)


def test_decoding_matches_cpython_on_cookies():
    # tokenize.detect_encoding is CPython's own PEP 263 reader; decode_source follows it
    # and refuses what CPython refuses.
    for data in (b"# coding=utf-8\nx\n", b"#!python\n# -*- coding: ascii -*-\nx\n", b"\n# coding: latin-1\n\xe9\n"):
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        assert decode_source(data) == data.decode(encoding)
    with pytest.raises(SourceError):
        decode_source(b"x\ny\n# coding: latin-1\n\xe9\n")  # a cookie on line 3 does not count: invalid UTF-8
    with pytest.raises(ParseError):
        parse_imports("import a\nx = (\n")

"""The import scanner gives exactly what a full ast parse gives, or gives up."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from govern.facts.extractors.python import parse_imports
from govern.facts.extractors.pyscan import scan_imports

TRICKY = {
    "docstrings": '"""\nimport not_me\n"""\nimport yes\n\'\'\'from no import x\'\'\'\n',
    "strings": "s = 'import a'; t = \"from b import c\"\nimport real  # import comment\n",
    "escaped quotes": "s = 'it\\'s import x'\nimport y\nr = r'\\'' ; import z\n",
    "continued string": "s = 'abc\\\nimport hidden'\nimport shown\n",
    "prefixes": "x = rb'''\nimport hidden\n''' + f\"{1}import\" + Rb\"import\"\nimport shown\n",
    "one-liners": "if TYPE_CHECKING: import a\ntry: import b\nexcept ImportError: import c\nelse: import d\nimport e; import f\n",
    "from forms": "from . import a\nfrom .. import b as bb\nfrom .c import *\nfrom d.e import (\n  f,  # comment (with parens)\n  g as h,\n)\nfrom .import i\n",
    "as and dots": "import a.b.c as d, e\nimport f . g\n",
    "continuation": "import a, \\\n    b\nfrom c \\\n   import d\n",
    "nested": "def f():\n    class C:\n        def g(self):\n            import deep\n",
    "crlf": "import a\r\nfrom b import c\r\n",
    "cr only": "import a\rimport b\r",
    "bom and cookie": "\ufeffimport a\n",
    "latin-1": "# -*- coding: latin-1 -*-\ns = 'caf\xe9'\nimport a\n",
    "keyword names": "import os\nx = 1\n",
    "importlib": "import importlib\nimportlib.import_module('x')\n__import__('y')\nmy_import = 1\n",
    "unicode ident": "import caf\u00e9\nfrom \u00e9t\u00e9 import x\n",
    "tabs": "if x:\n\timport a\n",
    "semicolon tail": "import a;x = 1\n",
    "match soft keyword": "import match\nfrom case import type\n",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_sources_match_ast(name):
    text = TRICKY[name]
    data = text.encode("latin-1") if name == "latin-1" else text.encode("utf-8")
    found = scan_imports(data)
    reference = parse_imports(data)
    assert "error" not in reference, reference
    assert found is None or found == reference["imports"], (found, reference)


def test_scanner_handles_common_forms_without_giving_up():
    for name in ("docstrings", "strings", "one-liners", "from forms", "nested", "crlf", "prefixes", "unicode ident"):
        assert scan_imports(TRICKY[name].encode()) is not None, name


@pytest.mark.parametrize("source", [
    "s = 'unterminated\nimport os\n",
    "from a import (b,\n",
    "import os\x00",
    "x = 1 + \\\nimport os\n",
    "import class\n",
    "from a import b as if\n",
    "print(1) import x\n",
])
def test_gives_up_on_what_it_cannot_account_for(source):
    assert scan_imports(source.encode()) is None


def test_stdlib_sample_matches_ast():
    stdlib = Path(sys.modules["os"].__file__).parent
    files = sorted(stdlib.glob("*.py"))[:150]
    for path in files:
        data = path.read_bytes()
        found = scan_imports(data)
        reference = parse_imports(data)
        assert found is not None and found == reference["imports"], path

"""The rule language's grammar (SPEC §3), for lark's LALR parser generator.

govern/rules/lalr.py is the parser generated from it (tests/unit/test_rules_lalr.py keeps
the two equal; regenerate with `python tests/unit/test_rules_lalr.py`); govern.rules.parser
builds the model from its trees.
"""
from __future__ import annotations

START = ("program", "query")

GRAMMAR = r"""
program: clause*
query: body DOT?
clause: atom DOT -> fact
      | atom ":-" body DOT -> rule
body: item ("," item)*
?item: simple
     | term CMP AGG "{" term ("," term)* ":" inner "}" -> aggregate
inner: simple ("," simple)*
?simple: atom -> positive
       | NOT atom -> negative
       | term CMP term -> comparison
atom: PRED "(" [term ("," term)*] ")"
    | PRED
?term: VAR -> var
     | ANON -> anon
     | STRING -> string
     | INT -> integer
NOT.2: "not"
AGG.2: "count" | "sum" | "min" | "max"
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

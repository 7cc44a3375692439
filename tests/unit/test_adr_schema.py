"""The front-matter schema's quick check (govern.adr.schema._valid) decides exactly as
jsonschema does: a document it accepts is valid, one it refuses is not; what it cannot read
exactly goes to jsonschema. Valid ADRs never import jsonschema (its import is a fifth of a
cold `govern check` on a small project); invalid ones keep jsonschema's located messages."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from govern.adr import load_adrs
from govern.adr.safe_yaml import load_yaml
from govern.adr.schema import _check, _Unsure, schema

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = Draft202012Validator(schema())


def _names(node, out: set[str], values: set) -> None:
    """Every property name and constant the schema mentions (the vocabulary of the documents drawn)."""
    if isinstance(node, dict):
        out.update(k for k in node.get("properties", {}))
        out.update(node.get("required", []))
        values.update(v for v in node.get("enum", []))
        for v in node.values():
            _names(v, out, values)
    elif isinstance(node, list):
        for v in node:
            _names(v, out, values)


KEYS: set[str] = set()
CONSTANTS: set = set()
_names(schema(), KEYS, CONSTANTS)
STRINGS = sorted({str(v) for v in CONSTANTS} | KEYS | {
    "", "x", "ADR-0001", "adr-1", "2026-01-01", "2026-1-1", "no-orm", "no orm", "-x", "a.b", "a.b.*",
    "superseded by ADR-0002", "superseded by", "accepted ", "ℌ", "é" * 3, "a\nb", "0001"})
scalars = st.one_of(st.sampled_from(STRINGS), st.text(max_size=8), st.integers(-3, 3), st.booleans(), st.none(),
                    st.sampled_from([0.0, 1.0, 1.5, -2.0, float("inf")]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(sorted(KEYS)), st.integers(0, 2), st.booleans()), inner, max_size=5)),
    max_leaves=30)


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = {**schema()["$defs"][node["$ref"].rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def shaped(node: dict, depth: int = 0) -> st.SearchStrategy:
    """Documents shaped by the schema node (mostly valid), any value in some places."""
    node = _resolve(node)
    options = []
    if "properties" in node or node.get("type") == "object":
        props = node.get("properties", {})
        required = [k for k in node.get("required", []) if k in props]
        options.append(st.fixed_dictionaries(
            {k: shaped(props[k], depth + 1) for k in required},
            optional={k: shaped(v, depth + 1) for k, v in props.items() if k not in required}))
    for branch in node.get("oneOf", []) + node.get("anyOf", []):
        if "type" in branch or "$ref" in branch:
            options.append(shaped(branch, depth + 1))
    if "items" in node:
        options.append(st.lists(shaped(node["items"], depth + 1), max_size=3))
    if "enum" in node:
        options.append(st.sampled_from(node["enum"]))
    kinds = node.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if "string" in kinds:
        options.append(st.from_regex(node["pattern"], fullmatch=True) if "pattern" in node else st.sampled_from(STRINGS))
    options += [st.integers(-2, 1_000_002)] if "integer" in kinds else []
    options += [st.booleans()] if "boolean" in kinds else []
    # Mostly the shape (valid documents), sometimes any value or an unknown key (invalid ones).
    noise = [values, st.dictionaries(st.sampled_from([*sorted(KEYS), "unknown-key"]), values, max_size=3)]
    if not options or depth >= 8:
        return values
    return st.integers(0, 15).flatmap(lambda i: st.one_of(*noise) if i == 0 else st.one_of(*options))


front = shaped(schema())


def agrees(data) -> None:
    try:
        quick = _check(schema(), data, schema())
    except _Unsure:
        return  # jsonschema decides these
    assert quick == VALIDATOR.is_valid(data), data


@settings(max_examples=1500, deadline=None)
@given(front)
def test_the_quick_check_decides_as_jsonschema_on_adr_shaped_documents(data):
    """About half the documents drawn are valid; the rest break the schema in one place or more."""
    agrees(data)


@settings(max_examples=1000, deadline=None)
@given(values)
def test_the_quick_check_decides_as_jsonschema_on_any_value(data):
    agrees(data)


def test_every_shipped_and_documented_adr_is_accepted_by_the_quick_check():
    files = [*ROOT.glob("adr/*.md"), *ROOT.glob("examples/**/adr/*.md"), *ROOT.glob("docs/**/*.md")]
    seen = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n") or "\n---\n" not in text[4:]:
            continue
        data = load_yaml(text[4:text.index("\n---\n", 4) + 1]).data
        if isinstance(data, dict) and "title" in data and VALIDATOR.is_valid(data):
            assert _check(schema(), data, schema()), path
            seen += 1
    assert seen >= 6


def test_documents_it_cannot_read_exactly_go_to_jsonschema():
    integer = schema()["$defs"]["no-growth"]["properties"]["max"]
    for node, data in ((integer, 1.0), (schema(), {"title": b"T", "status": "accepted"}),
                       (schema(), {"title": "T", "status": "accepted", "tags": {"a"}})):
        try:
            _check(node, data, schema())
        except _Unsure:
            continue
        raise AssertionError(f"decided {data!r}")


def test_a_valid_adr_loads_without_jsonschema_and_a_bad_one_is_worded_by_it():
    code = ("import sys\nfrom govern.adr import load_adrs\n"
            "load_adrs([('adr/0001-a.md', b'---\\ntitle: A\\nstatus: accepted\\nrules:\\n  - id: r\\n"
            "    forbid-import: {from: x, to: y}\\n---\\n', 'b')])\n"
            "print('jsonschema' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
    try:
        load_adrs([("adr/0001-a.md", b"---\ntitle: A\nstatus: acepted\n---\n", "b")])
    except Exception as err:  # noqa: BLE001 - the AdrError's message is what is checked
        assert "is not a status" in str(err) and "did you mean 'accepted'" in str(err)
    else:
        raise AssertionError("a bad status loaded")

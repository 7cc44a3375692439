"""The shipped JSON Schema of the front matter, and its errors as located one-line messages.

A valid front matter (every ADR of a working repository) is accepted by `_valid`, an exact
reading of the few keywords schema.json uses; only a document it does not accept, or one
it cannot decide, goes to jsonschema, which finds and words the errors. Importing
jsonschema costs ~30 ms, a fifth of a cold `govern check` on a small project (issue 11).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from govern.errors import did_you_mean

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError


@lru_cache(maxsize=1)
def schema() -> dict:
    """The front-matter schema (govern/adr/schema.json)."""
    return json.loads(resources.files("govern.adr").joinpath("schema.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def rule_kinds() -> list[str]:
    """Rule kinds the schema knows (the rule keys that are not id/message/severity/expires)."""
    props = schema()["$defs"]["rule"]["properties"]
    return sorted(k for k in props if k not in ("id", "message", "severity", "expires"))


STATUSES = ("proposed", "accepted", "deprecated", "rejected", "superseded")
# The schema's patterns in words: a user is never shown a regular expression.
_FORMS = {
    "^[A-Z]+-[0-9]+$": "is not an ADR id (like ADR-0007)",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "is not a date (YYYY-MM-DD)",
    "^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$": "is not a rule id (letters and digits in dash-separated words, like no-orm-in-api)",
}


def validate(data: object, positions: dict[tuple, tuple[int, int]]) -> list[tuple[int, int, str, tuple]]:
    """(line, col, message, path in the data) for every schema violation, at the offending key when known."""
    if _valid(schema(), data, schema()):
        return []
    out = []
    for err in _validator().iter_errors(data):
        path = tuple(err.absolute_path)
        message, at = _message(err, path)
        out.append((*_locate(positions, at), message, path))
    return sorted(set(out), key=lambda e: (e[0], e[1], e[2]))


def _locate(positions: dict[tuple, tuple[int, int]], path: tuple) -> tuple[int, int]:
    for end in range(len(path), 0, -1):
        if path[:end] in positions:
            return positions[path[:end]]
    return 1, 1


def _where(path: tuple) -> str:
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[") or "front matter"


def _message(err: ValidationError, path: tuple) -> tuple[str, tuple]:
    """A short message, and the path to point at (an unknown key points at the key itself)."""
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})), key=str)
        name = extra[0] if extra else "?"
        if len(path) == 2 and path[0] == "rules":
            hint = did_you_mean(name, [*rule_kinds(), "id", "message", "severity", "expires"])
            return (f"rules[{path[1]}]: unknown rule kind or key {name!r}{hint} (kinds: {', '.join(rule_kinds())}; "
                    "keys: id, message, severity, expires)"), path + (name,)
        known = sorted(err.schema.get("properties", {}))
        hint = did_you_mean(name, known)
        return f"{_where(path)}: unknown key {name!r}{hint} (known: {', '.join(known)})", path + (name,)
    if err.validator == "minProperties" and len(path) == 2 and path[0] == "rules":
        return f"rules[{path[1]}]: rule has no kind (one of: {', '.join(rule_kinds())})", path
    if err.validator == "required":
        return f"{_where(path)}: {err.message}", path
    if err.validator == "const" and path and path[-1] == "datalog":
        return f"{_where(path)}: must be true", path
    shown = json.dumps(err.instance, default=str)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return f"{_where(path)}: {shown} {_reason(err)}", path


def _reason(err: ValidationError) -> str:
    reasons = {
        "type": lambda: f"is not of type {err.validator_value if isinstance(err.validator_value, str) else ' or '.join(err.validator_value)}",
        "enum": lambda: f"is not one of {', '.join(map(str, err.validator_value))}"
                        f"{did_you_mean(err.instance, err.validator_value)}",
        "pattern": lambda: _form(err),
        "minItems": lambda: f"needs at least {err.validator_value} item(s)",
        "minLength": lambda: "must not be empty",
    }
    return reasons.get(err.validator, lambda: err.message)()


def _form(err: ValidationError) -> str:
    if "proposed|accepted" in err.validator_value:
        word = str(err.instance).split(" by ")[0]
        return (f"is not a status ({', '.join(STATUSES)}, or 'superseded by ADR-NNNN')"
                f"{did_you_mean(word, STATUSES)}")
    return _FORMS.get(err.validator_value, "does not have the expected form" +
                      (f" ({err.schema['description']})" if err.schema.get("description") else ""))


class _Unsure(Exception):
    """`_valid` cannot decide: a keyword or a value it does not read exactly as jsonschema does."""


_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}
_NOTES = frozenset({"description", "title", "$schema", "$id", "$defs", "$comment", "default", "examples"})


def _valid(node: dict, data: object, root: dict) -> bool:
    """Whether `data` is valid against the schema `node`, as jsonschema's Draft 2020-12
    validator decides, for the keywords schema.json uses (tests/unit/test_adr_schema.py
    holds the two equal); _Unsure (caught here at the top: jsonschema decides) otherwise.
    Recursion is bounded by the YAML loader's depth limit (safe_yaml.MAX_DEPTH)."""
    try:
        return _check(node, data, root)
    except _Unsure:
        return False


def _check(node: dict, data: object, root: dict) -> bool:
    if type(data) not in (dict, list, str, int, float, bool, type(None)):
        raise _Unsure  # !!binary, !!set, ...: jsonschema's view of them is its own
    for key, value in node.items():
        if key in _NOTES:
            continue
        if not _KEYWORDS.get(key, _unknown)(value, data, node, root):
            return False
    return True


def _unknown(value, data, node, root) -> bool:
    raise _Unsure


def _type(value, data, node, root) -> bool:
    return any(_is(name, data) for name in ([value] if isinstance(value, str) else value))


def _is(name: str, data: object) -> bool:
    if name in _TYPES:
        return isinstance(data, _TYPES[name])
    if name == "null":
        return data is None
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        return False
    if name == "number":
        return True
    if name == "integer" and isinstance(data, int):
        return True
    raise _Unsure  # a float against "integer" (1.0 counts as one)


def _equal(data: object, value: object) -> bool:
    """jsonschema's equality for the scalar constants of the schema (True is not 1)."""
    if isinstance(value, str):
        return isinstance(data, str) and data == value
    if isinstance(value, bool) or value is None:
        return data is value
    raise _Unsure


def _ref(value, data, node, root) -> bool:
    if not value.startswith("#/$defs/") or "/" in value[len("#/$defs/"):] or "~" in value:
        raise _Unsure
    return _check(root["$defs"][value[len("#/$defs/"):]], data, root)


def _properties(value, data, node, root) -> bool:
    return not isinstance(data, dict) or all(_check(sub, data[key], root) for key, sub in value.items() if key in data)


def _additional(value, data, node, root) -> bool:
    if not isinstance(data, dict) or value is True:
        return True
    if value is not False or "patternProperties" in node:
        raise _Unsure
    known = node.get("properties", {})
    return all(key in known for key in data)


def _pattern(value, data, node, root) -> bool:
    return not isinstance(data, str) or re.search(value, data) is not None


_KEYWORDS = {
    "type": _type,
    "$ref": _ref,
    "properties": _properties,
    "additionalProperties": _additional,
    "required": lambda value, data, node, root: not isinstance(data, dict) or all(k in data for k in value),
    "enum": lambda value, data, node, root: any(_equal(data, v) for v in value),
    "const": lambda value, data, node, root: _equal(data, value),
    "pattern": _pattern,
    "minLength": lambda value, data, node, root: not isinstance(data, str) or len(data) >= value,
    "maxLength": lambda value, data, node, root: not isinstance(data, str) or len(data) <= value,
    "minItems": lambda value, data, node, root: not isinstance(data, list) or len(data) >= value,
    "minProperties": lambda value, data, node, root: not isinstance(data, dict) or len(data) >= value,
    "minimum": lambda value, data, node, root: not _is("number", data) or data >= value,
    "maximum": lambda value, data, node, root: not _is("number", data) or data <= value,
    "items": lambda value, data, node, root: not isinstance(data, list) or all(_check(value, d, root) for d in data),
    "anyOf": lambda value, data, node, root: any(_check(sub, data, root) for sub in value),
    "oneOf": lambda value, data, node, root: sum(_check(sub, data, root) for sub in value) == 1,
}

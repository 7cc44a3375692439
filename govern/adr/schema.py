"""The shipped JSON Schema of the front matter, and its errors as located one-line messages."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError


@lru_cache(maxsize=1)
def schema() -> dict:
    """The front-matter schema (govern/adr/schema.json)."""
    return json.loads(resources.files("govern.adr").joinpath("schema.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def rule_kinds() -> list[str]:
    """Rule kinds the schema knows (the rule keys that are not id/message/severity/expires)."""
    props = schema()["$defs"]["rule"]["properties"]
    return sorted(k for k in props if k not in ("id", "message", "severity", "expires"))


def validate(data: object, positions: dict[tuple, tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(line, col, message) for every schema violation, at the offending key when known."""
    out = []
    for err in _validator().iter_errors(data):
        path = tuple(err.absolute_path)
        message, path = _message(err, path)
        out.append((*_locate(positions, path), message))
    return sorted(set(out))


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
            return (f"rules[{path[1]}]: unknown rule kind or key {name!r} (kinds: {', '.join(rule_kinds())}; "
                    "keys: id, message, severity, expires)"), path + (name,)
        known = ", ".join(sorted(err.schema.get("properties", {})))
        return f"{_where(path)}: unknown key {name!r} (known: {known})", path + (name,)
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
        "enum": lambda: f"is not one of {', '.join(map(str, err.validator_value))}",
        "pattern": lambda: f"does not match {err.validator_value}",
        "minItems": lambda: f"needs at least {err.validator_value} item(s)",
        "minLength": lambda: "must not be empty",
    }
    return reasons.get(err.validator, lambda: err.message)()

"""The shipped JSON Schema of the front matter, and its errors as located one-line messages."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from govern.errors import did_you_mean


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


STATUSES = ("proposed", "accepted", "deprecated", "rejected", "superseded")
# The schema's patterns in words: a user is never shown a regular expression.
_FORMS = {
    "^[A-Z]+-[0-9]+$": "is not an ADR id (like ADR-0007)",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "is not a date (YYYY-MM-DD)",
    "^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$": "is not a rule id (letters and digits in dash-separated words, like no-orm-in-api)",
}


def validate(data: object, positions: dict[tuple, tuple[int, int]]) -> list[tuple[int, int, str, tuple]]:
    """(line, col, message, path in the data) for every schema violation, at the offending key when known."""
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

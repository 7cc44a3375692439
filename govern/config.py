"""`[tool.govern]` in the governed tree's pyproject.toml, validated into one dataclass.

Every key has a default, so a repository without the section works. Keys are
documented in docs/configuration.md; unknown keys are an error (exit 2).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace

from govern.errors import UsageError

ENGINES = ("auto", "pydatalog", "clingo")
# adr-changes values (and the server's govern.adrChangePolicy) -> the policy they name.
# "human-or-signed" is the older spelling of "humans".
ADR_CHANGES = {"humans": "humans", "human-or-signed": "humans", "signed": "signed", "owners": "owners",
               "anyone": "anyone"}


@dataclass(frozen=True)
class Config:
    adr_dir: str = "adr"
    # Import roots (directories holding top-level packages). Empty: discovered.
    roots: tuple[str, ...] = ()
    # Directories without __init__.py are packages (Python 3); false: grimp's view.
    namespace_packages: bool = True
    # false: imports under `if TYPE_CHECKING:` are not followed by the import rules
    # (forbid-import, layers, independent) that do not set `type-checking` themselves.
    type_checking_imports: bool = True
    engine: str = "auto"
    # engine = "auto": pyDatalog below this many relevant facts, clingo from it on (0: always
    # clingo, the faster at every size measured: docs/engine.md).
    engine_threshold: int = 0
    max_blob_size: int = 1_000_000
    allowed_signers: str = ".govern/allowed_signers"
    # Extra regular expressions (matched against author e-mail/name and trailers) per actor kind.
    agent_patterns: tuple[str, ...] = ()
    bot_patterns: tuple[str, ...] = ()
    # Who may change adr/: "humans" (default), "signed", "owners" or "anyone" (docs/hooks.md).
    adr_changes: str = "humans"
    # Server accounts (pusher names, exact) that are coding agents: their pushes are agent changes.
    agent_pushers: tuple[str, ...] = ()
    hook_budget: float = 4.0
    fail_open: bool = False
    # Governed refs of the hook: "PATTERN MODE" entries (mode block|warn|off), before the defaults.
    refs: tuple[str, ...] = ()
    # Non-fast-forward updates and deletions of refs in mode block (refused unless true).
    allow_rewrites: bool = False
    # The keys the table set explicitly (not a key itself): policy origins (govern.hook.policy).
    explicit: frozenset = field(default=frozenset(), compare=False, repr=False)

    def rule_defaults(self) -> dict[str, object]:
        """Rule keys whose default `[tool.govern]` changes (only the changed ones, so that the
        compiled rules, and the ADR cache key, of a repository without them stay the same)."""
        return {} if self.type_checking_imports else {"type-checking": False}


_KEYS = {f.name.replace("_", "-"): f for f in fields(Config) if f.name != "explicit"}


def parse_config(pyproject: bytes | None, path: str = "pyproject.toml") -> Config:
    """Read `[tool.govern]` from pyproject.toml bytes (None: no file, all defaults)."""
    if not pyproject:
        return Config()
    try:
        data = tomllib.loads(pyproject.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise UsageError(f"{path}: invalid TOML: {err}") from None
    section = data.get("tool", {}).get("govern", {})
    if not isinstance(section, dict):
        raise UsageError(f"{path}: [tool.govern] must be a table")
    values = {}
    for key, value in section.items():
        spec = _KEYS.get(key)
        if spec is None:
            raise UsageError(f"{path}: [tool.govern]: unknown key {key!r} (known: {', '.join(sorted(_KEYS))})")
        values[spec.name] = _coerce(path, key, spec.type, value)
    config = Config(**values, explicit=frozenset(section))
    if config.engine not in ENGINES:
        raise UsageError(f"{path}: [tool.govern] engine must be one of {', '.join(ENGINES)}")
    if config.adr_changes not in ADR_CHANGES:
        raise UsageError(f"{path}: [tool.govern] adr-changes must be one of {', '.join(ADR_CHANGES)}")
    return replace(config, adr_changes=ADR_CHANGES[config.adr_changes])


def _coerce(path: str, key: str, kind: str, value: object) -> object:
    expected = {"str": str, "int": int, "float": (int, float), "bool": bool}
    if kind.startswith("tuple"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UsageError(f"{path}: [tool.govern] {key} must be a list of strings")
        return tuple(value)
    want = expected.get(kind)
    if want is not None and (not isinstance(value, want) or (kind != "bool" and isinstance(value, bool))):
        raise UsageError(f"{path}: [tool.govern] {key} must be of type {kind}")
    return float(value) if kind == "float" else value

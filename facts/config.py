"""What the extractors need to know; govern builds it from `[tool.govern]`."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FactsConfig:
    """Extraction settings.

    roots: import roots (directories holding top-level packages, "" or "." = the
        repository root); empty means discover them (the root and every `src/`).
    namespace_packages: directories without `__init__.py` are packages (Python 3); False:
        only directories with one are (grimp's view); other files are named by their path.
    max_blob_size: files larger than this many bytes are not read; they get an
        `unreadable(Path, Reason)` fact instead.
    allowed_signers: path, inside the governed tree, of the ssh allowed-signers file.
    agent_patterns / bot_patterns: extra regular expressions, matched against the
        author ("Name <email>") and every trailer ("Key: Value"), that mark a commit
        as made by a coding agent / a bot.
    """

    roots: tuple[str, ...] = ()
    namespace_packages: bool = True
    max_blob_size: int = 1_000_000
    allowed_signers: str = ".govern/allowed_signers"
    agent_patterns: tuple[str, ...] = ()
    bot_patterns: tuple[str, ...] = ()

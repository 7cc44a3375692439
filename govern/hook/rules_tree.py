"""The tree the rules come from, listing only the files rules are read from.

Everything a push reads from its rules' tree (the old tip) is `pyproject.toml`, the files
under `adr-dir`, the allowed-signers file and CODEOWNERS (approvers, see
govern.verdict.inputs.rules_owner_facts): `read_config`, `load_adr_tree`, the legacy
check (govern.hook.legacy) and signature verification (facts.change) each pick those paths
out of `entries()`. Listing the whole tree for them (`git ls-tree -r -l`, which also reads
every blob's size) cost ~0.1 s at 10,000 files; `git ls-tree` of those paths gives the same
entries for them. The paths come from the `[tool.govern]` of the same commit; when that
could differ from what the readers see (pyproject.toml not a regular file) or a path is not
plain, the whole tree is listed as before.
"""
from __future__ import annotations

import os

from govern.facts.tree import REGULAR, CommitTree, Entry, list_blobs
from govern.config import Config
from govern.verdict.inputs import CODEOWNERS

PYPROJECT = "pyproject.toml"


class RulesTree(CommitTree):
    """CommitTree(repo, rev) whose entries() holds only pyproject.toml, `config.adr_dir`'s
    files, `config.allowed_signers` and CODEOWNERS (`config`: the `[tool.govern]` of `rev` itself)."""

    def __init__(self, repo: str | os.PathLike, rev: str, config: Config) -> None:
        super().__init__(repo, rev)
        self._adr_dir = config.adr_dir.strip("/")
        self._signers = config.allowed_signers

    def _list(self) -> list[Entry]:
        if not (_plain(self._adr_dir) and _plain(self._signers)):
            return super()._list()
        prefix = self._adr_dir + "/"
        entries = []
        for entry in list_blobs(self.repo, self.tree, (PYPROJECT, prefix, self._signers, *CODEOWNERS)):
            if entry.path == PYPROJECT and entry.mode not in REGULAR:
                return super()._list()  # its config (read by path) may not be what readers see
            if entry.mode in REGULAR and (entry.path in (PYPROJECT, self._signers, *CODEOWNERS)
                                          or entry.path.startswith(prefix)):
                entries.append(entry)
        return sorted(entries)


def _plain(path: str) -> bool:
    """A relative path git names the same way (no empty, `.` or `..` component)."""
    return all(part not in ("", ".", "..") for part in path.split("/"))

"""The options several commands share, spelled once: -C/--repo, -f/--format, --adr-dir,
--engine, and how a command finds the repository it works on from any subdirectory."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from govern.errors import UsageError

if TYPE_CHECKING:
    from govern.config import Config

REPO_OPTION = typer.Option(Path("."), "--repo", "-C", metavar="PATH", show_default=False,
                           help="Run as if govern was started in PATH (default: the current directory).")
ENGINE_OPTION = typer.Option(None, "--engine", metavar="ENGINE",
                             help="auto, pydatalog or clingo (default: the engine key of [tool.govern]).")
ADR_DIR_OPTION = typer.Option(None, "--adr-dir", metavar="DIR",
                              help="The ADR directory, relative to the repository root "
                                   "(default: the adr-dir key of [tool.govern], else adr).")


def format_option(formats: tuple[str, ...], default: str = "text") -> typer.Option:
    return typer.Option(default, "--format", "-f", metavar="FORMAT", help=f"Output format: {', '.join(formats)}.")


def check_format(value: str, formats: tuple[str, ...]) -> str:
    if value not in formats:
        raise UsageError(f"unknown format {value!r} (known: {', '.join(formats)})")
    return value


def project_root(path: Path) -> Path:
    """The top of the git working tree containing `path`, else `path` itself (a directory that
    is not in git yet: `govern init` may run before `git init`)."""
    from govern.facts.gitio import GitFailure, run_git

    if not path.is_dir():
        raise UsageError(f"{path}: no such directory")
    try:
        top = run_git(path, "rev-parse", "--show-toplevel").rstrip(b"\n")
    except (GitFailure, OSError):
        return path.absolute()
    return Path(top.decode("utf-8", "surrogateescape")) if top else path.absolute()


def disk_config(root: Path) -> Config:
    """[tool.govern] of root/pyproject.toml on disk (the defaults without one)."""
    from govern.config import parse_config

    pyproject = root / "pyproject.toml"
    return parse_config(pyproject.read_bytes() if pyproject.is_file() else None)


def adr_dir_of(root: Path, option: str | None) -> str:
    """The ADR directory (repository-relative): --adr-dir, else [tool.govern] adr-dir of root/pyproject.toml."""
    return option or disk_config(root).adr_dir

"""The MCP server (official `mcp` SDK, stdio): govern's tools and the ADRs as resources.

Tools take JSON arguments validated against their schemas (from the signatures below) and
return structured results (plus the same JSON as text for clients without structured
content). A bad argument or an edit that cannot apply is a tool error (`is_error`) with a
one-line reason, never a crash of the server.
"""
from __future__ import annotations

from typing import Any, Optional

from typing_extensions import NotRequired, TypedDict

from govern import __version__
from govern.errors import GovernError

INSTRUCTIONS = (
    "govern enforces the architecture decisions (ADRs) of this repository. Before editing, call "
    "decisions_for with the paths you will touch and read the decisions. Before writing an edit, "
    "call check_change with it: a 'block' verdict lists each broken rule with a fix hint."
)


class Edit(TypedDict):
    """A proposed edit: give `content` (the whole file), or `old_string`/`new_string`
    (an exact replacement; `replace_all` for every occurrence), or `delete`, or `move_to`."""

    path: str
    content: NotRequired[str]
    old_string: NotRequired[str]
    new_string: NotRequired[str]
    replace_all: NotRequired[bool]
    delete: NotRequired[bool]
    move_to: NotRequired[str]


def build(repo: str, warm=None):
    """The MCPServer for the repository at `repo` (its top-level directory); `warm`: the state
    kept between calls (govern.agents.incremental.Warm; a new one if not given)."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    from govern.agents.incremental import Warm
    from govern.mcp import tools

    warm = warm or Warm(repo)  # the working tree's answers, kept between calls
    server = MCPServer(name="govern", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")

    def call(fn, *args, **kwargs) -> dict[str, Any]:
        try:
            return fn(repo, *args, **kwargs)
        except GovernError as err:
            raise ToolError(f"govern: {err}") from None

    @server.tool(structured_output=True)
    def decisions_for(paths: list[str]) -> dict[str, Any]:
        """The accepted decisions (ADRs) and rules that apply to these paths (repository-relative
        or absolute), with each ADR's text: read them before writing."""
        return call(tools.decisions_for, paths)

    @server.tool(structured_output=True)
    def check_change(edits: Optional[list[Edit]] = None, patch: Optional[str] = None,
                     proofs: bool = False) -> dict[str, Any]:
        """Judge a proposed change without writing it: `edits` (applied in order) and/or `patch`
        (a unified diff or an apply_patch text) on top of the working tree. Only what the change
        adds blocks; the result has "verdict": "allow" or "block" and a fix hint per finding
        (`proofs`: include each finding's proof tree)."""
        return call(tools.check_change, [dict(e) for e in edits] if edits is not None else None, patch, proofs, warm)

    @server.tool(structured_output=True)
    def check(staged: bool = False, rev: Optional[str] = None, proofs: bool = False) -> dict[str, Any]:
        """The verdict of the working tree (or the index with `staged`, or the commit `rev`)."""
        return call(tools.check, staged, rev, proofs)

    @server.tool(structured_output=True)
    def why(rev: str) -> dict[str, Any]:
        """The verdict recorded for a commit (its git note) and which rules allowed or blocked it."""
        return call(tools.why, rev)

    @server.tool(structured_output=True)
    def query(goal: str) -> dict[str, Any]:
        """Ask an ad-hoc question over the facts and rules, e.g. imports(M, "stripe")."""
        return call(tools.query, goal)

    @server.resource("govern://adr/{adr_id}", name="adr", mime_type="text/markdown",
                     description="An ADR of this repository, by id (e.g. ADR-0001).")
    def adr(adr_id: str) -> str:
        try:
            return tools.adr_text(repo, adr_id)
        except GovernError as err:
            raise ValueError(str(err)) from None

    _static_adrs(server, repo)
    return server


def _static_adrs(server, repo: str) -> None:
    """Each ADR present at start-up as a listed resource (read fresh from disk on every read)."""
    from mcp.server.mcpserver.resources import FunctionResource

    from govern.mcp import tools

    try:
        listed = tools.adr_list(repo)
    except GovernError:
        return  # a bad ADR: the template still serves, and every tool reports the error
    for item in listed:
        server.add_resource(FunctionResource(
            uri=f"govern://adr/{item['id']}", name=item["id"], title=item["title"], mime_type="text/markdown",
            description=f"{item['title']} ({item['status']}; {item['path']})",
            fn=lambda adr_id=item["id"]: tools.adr_text(repo, adr_id)))


def main(repo: str) -> int:
    """Serve on stdin/stdout until the client closes the connection; meanwhile answer the
    repository's one-shot hooks from the same warm state (govern.agents.relay)."""
    from govern.agents.incremental import Warm
    from govern.agents.relay import Relay

    warm = Warm(repo)
    relay = Relay(repo, warm)
    relay.start()
    try:
        build(repo, warm).run("stdio")
    finally:
        relay.stop()
    return 0

"""A running `govern mcp` answers its repository's one-shot hooks (govern.agents.relay):
the same answers the hook gives alone, and the hook judges alone whenever the relay cannot
be trusted or used."""
from __future__ import annotations

import os
import socket

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from govern.agents import relay
from govern.agents.hook import run
from tests.e2e.agents_support import agent_repo, hook, payload
from tests.e2e.hooks_support import GOVERN

CASES = ("clean", "forbidden_import", "layer_violation", "protected_path", "malformed")


def serving(repo, scenario):
    """Run `scenario()` (sync, in a thread) while a `govern mcp` serves `repo`."""
    async def main():
        params = StdioServerParameters(command=GOVERN[0], args=["mcp"], cwd=str(repo), env=dict(os.environ))
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as client:
                await client.initialize()
                await client.list_tools()  # the server is up, and so is its relay
                return await anyio.to_thread.run_sync(scenario)
    return anyio.run(main)


@pytest.fixture
def repo(tmp_path):
    return agent_repo(tmp_path)


@pytest.mark.parametrize("harness", ["claude-code", "cursor"])
def test_the_server_gives_the_answers_the_hook_gives_alone(harness, repo):
    sock = relay.socket_path(relay.git_dir(str(repo)))
    alone = {case: run(harness, payload(harness, case, repo)) for case in CASES}

    def scenario():
        asked = {case: relay.ask(harness, payload(harness, case, repo)) for case in CASES}
        processes = {case: hook(harness, payload(harness, case, repo), repo) for case in CASES}
        return asked, processes, os.path.exists(sock)

    asked, processes, listening = serving(repo, scenario)
    assert listening and not os.path.exists(sock)  # removed when the server stops
    for case in CASES:
        expected = (alone[case].exit_code, alone[case].stdout, alone[case].stderr)
        if case != "malformed":  # not JSON: the hook cannot tell its repository, it judges alone
            assert asked[case] == expected, case
        done = processes[case]
        assert (done.returncode, done.stdout.decode(), done.stderr.decode()) == expected, case


def test_a_stale_or_foreign_socket_is_not_trusted(repo):
    data = payload("claude-code", "forbidden_import", repo)
    sock = relay.socket_path(relay.git_dir(str(repo)))
    os.makedirs(os.path.dirname(sock), exist_ok=True)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(sock)  # bound, never listening: a server that died
    stale.close()
    assert relay.ask("claude-code", data) is None
    done = hook("claude-code", data, repo)
    assert done.returncode == 0 and b'"deny"' in done.stdout  # judged alone
    os.chmod(sock, 0o666)  # usable by anyone: never trusted, never replaced by a server
    assert relay.ask("claude-code", data) is None
    assert not relay.Relay(str(repo), None).start()
    os.chmod(sock, 0o600)
    os.chmod(os.path.dirname(sock), 0o755)  # a folder others may enter: not trusted as it is
    assert relay.ask("claude-code", data) is None


def test_a_repository_deeper_than_a_socket_address_still_relays(tmp_path):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    repo = agent_repo(deep)
    sock = relay.socket_path(relay.git_dir(str(repo)))
    assert len(os.fsencode(sock)) > 108  # longer than sun_path: bound and reached from its folder
    from govern.agents.incremental import Warm

    server = relay.Relay(str(repo), Warm(str(repo)))
    assert server.start()
    try:
        here = os.getcwd()
        data = payload("claude-code", "forbidden_import", repo)
        asked = relay.ask("claude-code", data)
        assert os.getcwd() == here
    finally:
        server.stop()
    expected = run("claude-code", data)
    assert asked == (expected.exit_code, expected.stdout, expected.stderr)
    assert not os.path.exists(sock)

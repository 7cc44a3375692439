"""`govern agent install`: merged settings (every other setting kept), idempotent, --dry-run, AGENTS.md block."""
from __future__ import annotations

import json
import tomllib

from tests.e2e.agents_support import agent_repo
from tests.e2e.hooks_support import govern

USER_CLAUDE = {"permissions": {"allow": ["Bash(ls)"]}, "model": "opus",
               "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "./audit.sh"}]}],
                         "PostToolUse": [{"matcher": "Write", "hooks": [{"type": "command", "command": "ruff format"}]}]}}
USER_CURSOR = {"version": 1, "hooks": {"afterFileEdit": [{"command": "./format.sh"}],
                                       "stop": [{"command": "./notify.sh"}]}}
USER_GEMINI = {"theme": "GitHub", "mcpServers": {"docs": {"command": "docs-mcp"}}}
USER_CODEX = 'model = "gpt-5-codex"\n\n[mcp_servers.docs]\ncommand = "docs-mcp"\n'


def test_install_keeps_every_other_setting_and_is_idempotent(tmp_path):
    repo = agent_repo(tmp_path)
    (repo / ".claude").mkdir()
    (repo / ".claude/settings.json").write_text(json.dumps(USER_CLAUDE))
    (repo / ".cursor").mkdir()
    (repo / ".cursor/hooks.json").write_text(json.dumps(USER_CURSOR))
    (repo / ".gemini").mkdir()
    (repo / ".gemini/settings.json").write_text(json.dumps(USER_GEMINI))
    (repo / ".codex").mkdir()
    (repo / ".codex/config.toml").write_text(USER_CODEX)
    (repo / "AGENTS.md").write_text("# Notes for agents\n\nRun the tests.\n")
    (repo / "CLAUDE.md").write_text("# Claude\n")

    first = govern("agent", "install", "claude-code", "codex", "gemini", "cursor", cwd=repo)
    assert first.returncode == 0, first.stderr
    claude = json.loads((repo / ".claude/settings.json").read_text())
    assert claude["permissions"] == USER_CLAUDE["permissions"] and claude["model"] == "opus"
    assert claude["hooks"]["PreToolUse"][0] == USER_CLAUDE["hooks"]["PreToolUse"][0]
    assert claude["hooks"]["PreToolUse"][1] == {"matcher": "Write|Edit|MultiEdit", "hooks": [
        {"type": "command", "command": "govern agent-hook claude-code"}]}
    assert claude["hooks"]["PostToolUse"] == USER_CLAUDE["hooks"]["PostToolUse"]
    assert claude["hooks"]["Stop"] == [{"hooks": [{"type": "command", "command": "govern agent-hook claude-code"}]}]
    assert json.loads((repo / ".mcp.json").read_text()) == {"mcpServers": {"govern": {"command": "govern", "args": ["mcp"]}}}
    cursor = json.loads((repo / ".cursor/hooks.json").read_text())
    assert cursor["hooks"]["afterFileEdit"] == USER_CURSOR["hooks"]["afterFileEdit"]
    assert cursor["hooks"]["stop"] == [{"command": "./notify.sh"}, {"command": "govern agent-hook cursor"}]
    assert cursor["hooks"]["preToolUse"][0]["matcher"] == "Write|StrReplace|Edit|MultiEdit|Delete"
    gemini = json.loads((repo / ".gemini/settings.json").read_text())
    assert gemini["theme"] == "GitHub" and set(gemini["mcpServers"]) == {"docs", "govern"}
    assert gemini["hooks"]["BeforeTool"][0]["matcher"] == "^(write_file|replace)$"
    codex = tomllib.loads((repo / ".codex/config.toml").read_text())
    assert codex["model"] == "gpt-5-codex" and set(codex["mcp_servers"]) == {"docs", "govern"}
    agents = (repo / "AGENTS.md").read_text()
    assert agents.startswith("# Notes for agents\n\nRun the tests.\n\n<!-- govern:decisions:start")
    assert "- ADR-0001: Only the billing service talks to Stripe (adr/0001-only-billing-talks-to-stripe.md); " \
           "rules: stripe-only-in-billing\n" in agents
    assert "<!-- govern:decisions:start" in (repo / "CLAUDE.md").read_text()

    snapshot = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git/" not in str(p)}
    second = govern("agent", "install", "claude-code", "codex", "gemini", "cursor", cwd=repo)
    assert second.returncode == 0 and "wrote" not in second.stdout
    assert {p: p.read_bytes() for p in snapshot} == snapshot


def test_dry_run_shows_a_diff_and_writes_nothing(tmp_path):
    repo = agent_repo(tmp_path)
    result = govern("agent", "install", "cursor", "--dry-run", cwd=repo)
    assert result.returncode == 0
    assert "--- /dev/null\n+++ b/.cursor/hooks.json\n" in result.stdout and "+    \"preToolUse\": [" in result.stdout
    assert not (repo / ".cursor").exists() and not (repo / "AGENTS.md").exists()


def test_the_block_is_refreshed_and_claude_md_only_when_present(tmp_path):
    repo = agent_repo(tmp_path)
    assert govern("agent", "install", "claude-code", cwd=repo).returncode == 0
    assert not (repo / "CLAUDE.md").exists()
    (repo / "AGENTS.md").write_text((repo / "AGENTS.md").read_text() + "\nMy own notes.\n")
    adr = repo / "adr/0004-layers.md"
    adr.write_text(adr.read_text().replace("title: Layers", "title: Layers, high to low"))
    assert govern("agent", "install", "claude-code", cwd=repo).returncode == 0
    agents = (repo / "AGENTS.md").read_text()
    assert "- ADR-0004: Layers, high to low (adr/0004-layers.md); rules: app-layers\n" in agents
    assert agents.count("<!-- govern:decisions:start") == 1 and agents.endswith("My own notes.\n")


def test_broken_inputs_are_usage_errors(tmp_path):
    repo = agent_repo(tmp_path)
    (repo / ".claude").mkdir()
    (repo / ".claude/settings.json").write_text("{not json")
    result = govern("agent", "install", "claude-code", cwd=repo)
    assert result.returncode == 2 and ".claude/settings.json: not valid JSON" in result.stderr
    (repo / ".claude/settings.json").write_text('{"hooks": []}')
    assert govern("agent", "install", "claude-code", cwd=repo).returncode == 2
    (repo / ".claude/settings.json").unlink()
    (repo / "AGENTS.md").write_text("<!-- govern:decisions:end -->\n")
    result = govern("agent", "install", "claude-code", cwd=repo)
    assert result.returncode == 2 and "markers are broken" in result.stderr
    assert govern("agent", "install", "vim", cwd=repo).returncode == 2

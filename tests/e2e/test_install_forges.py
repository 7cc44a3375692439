"""docs/install.md, tried: a forge that dispatches its own hooks to `<hook>.d/` directories (Gitea's
layout; GitLab's custom_hooks/<hook>.d works the same way) runs govern's shims from there."""
from __future__ import annotations

from tests.conftest import write
from tests.e2e.hooks_support import NO_STRIPE_ADR, commit, govern, push, server

# What a forge's own hooks/pre-receive does: run every script of pre-receive.d with the same stdin.
DISPATCHER = """#!/bin/sh
# a forge's dispatcher (the forge owns this file)
data=$(cat)
for hook in "$(dirname "$0")/{hook}.d"/*; do
    printf '%s\\n' "$data" | "$hook" || exit 1
done
"""


def test_install_into_a_forge_dispatch_directory(tmp_path):
    bare, work = server(tmp_path, {"adr/0001-stripe.md": NO_STRIPE_ADR, "app/__init__.py": ""}, install=False)
    for hook in ("pre-receive", "post-receive"):
        write(bare / "hooks", {hook: DISPATCHER.replace("{hook}", hook)})
        (bare / "hooks" / hook).chmod(0o755)
    done = govern("hook", "install", "--server", str(bare), "--dispatch", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"wrote {bare / 'hooks' / 'pre-receive.d' / 'govern'}" in done.stdout
    # the forge's own scripts are untouched; govern's shims sit in the dispatch directory
    assert "a forge's dispatcher" in (bare / "hooks" / "pre-receive").read_text()
    shim = (bare / "hooks" / "pre-receive.d" / "govern").read_text()
    assert "hook pre-receive" in shim and shim.split("exec ", 1)[1].startswith("/")  # an absolute govern

    commit(work, {"app/pay.py": "import stripe\n"})
    refused = push(work)
    assert refused.returncode != 0 and "stripe-only-in-billing" in refused.stderr

    commit(work, {"app/pay.py": "import json\n"})
    clean = commit(work, {"app/ok.py": ""})
    assert push(work).returncode == 0
    from tests.e2e.hooks_support import note
    assert note(bare, clean) is not None  # post-receive.d/govern wrote the verdict note

"""`govern facts` end to end, and extraction inside a real pre-receive quarantine."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import git, write


def govern(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govern", *args], cwd=repo, capture_output=True, text=True)


FILES = {
    "pyproject.toml": '[project]\nname = "app"\ndependencies = ["requests"]\n\n[tool.govern]\nroots = ["src"]\n',
    "src/app/__init__.py": "",
    "src/app/a.py": "from app import b\n",
    "src/app/b.py": "import requests\n",
}


def test_text_output_one_fact_per_line_with_sources(make_repo):
    repo = make_repo(FILES)
    result = govern(repo, "facts", "--relation", "imports")
    assert result.returncode == 0, result.stderr
    blob = git(repo, "rev-parse", "HEAD:src/app/a.py").strip()[:7]
    assert result.stdout.splitlines() == [
        f'imports("app.a", "app.b")  python src/app/a.py:1 <{blob}>',
        f'imports("app.b", "requests")  python src/app/b.py:1 <{git(repo, "rev-parse", "HEAD:src/app/b.py").strip()[:7]}>',
    ]


def test_json_output_and_roots_from_config(make_repo):
    repo = make_repo(FILES)
    rows = json.loads(govern(repo, "facts", "--format", "json").stdout)
    assert {"relation": "module", "args": ["app.a", "src/app/a.py"]} in [{k: r[k] for k in ("relation", "args")} for r in rows]
    declares = next(r for r in rows if r["relation"] == "declares")
    assert declares["source"] == {"extractor": "manifests", "path": "pyproject.toml", "line": 3,
                                  "blob": git(repo, "rev-parse", "HEAD:pyproject.toml").strip()}
    keys = [(r["relation"], r["args"]) for r in rows]
    assert keys == sorted(keys)


def test_working_tree_staged_and_rev(make_repo):
    repo = make_repo(FILES)
    write(repo, {"src/app/b.py": "import httpx\n", "src/app/c.py": "import stripe\n"})
    git(repo, "add", "src/app/c.py")
    imports = lambda *a: {tuple(r["args"]) for r in json.loads(govern(repo, "facts", "-r", "imports", "--format", "json", *a).stdout)}
    assert imports() == {("app.a", "app.b"), ("app.b", "httpx"), ("app.c", "stripe")}
    assert imports("--staged") == {("app.a", "app.b"), ("app.b", "requests"), ("app.c", "stripe")}
    assert imports("--rev", "HEAD") == {("app.a", "app.b"), ("app.b", "requests")}


def test_change_facts_with_rev(make_repo):
    repo = make_repo(FILES)
    write(repo, {"src/app/b.py": "import httpx\n"})
    git(repo, "commit", "-q", "-am", "Switch\n\nCo-authored-by: Cursor <cursoragent@cursor.com>")
    out = govern(repo, "facts", "--rev", "HEAD", "-r", "changed", "-r", "actor", "-r", "trailer").stdout.splitlines()
    head = git(repo, "rev-parse", "HEAD").strip()
    assert out == [f'actor("agent")  change {head}', 'changed("src/app/b.py", "M")  change src/app/b.py',
                   f'trailer("Co-authored-by", "Cursor <cursoragent@cursor.com>")  change {head}']


def test_hostile_names_stay_one_line_each(make_repo):
    repo = make_repo({"new\nline.py": "import os\n", "sp ace.py": "import sys\n"})
    raw = os.fsdecode(b"bad\xff.txt")
    (repo / raw).write_bytes(b"x")
    out = govern(repo, "facts", "-r", "file")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0].startswith('file("bad\\udcff.txt")  files "bad\\udcff.txt" <')
    assert len(out.stdout.splitlines()) == 3
    assert json.loads(govern(repo, "facts", "-r", "file", "--format", "json").stdout)[1]["args"] == ["new\nline.py"]


def test_usage_errors_exit_2_without_traceback(make_repo):
    repo = make_repo(FILES)
    for args in (["-r", "nope"], ["--rev", "no-such-rev"], ["--rev", "--output=x"], ["--rev", "HEAD", "--staged"], ["--format", "xml"]):
        result = govern(repo, "facts", *args)
        assert result.returncode == 2 and "Traceback" not in result.stderr, (args, result.stderr)


HOOK = """#!{python}
import os, sys, json
from govern.facts.api import Wanted, extract, change_facts, TREE_RELATIONS
from govern.facts.cache import Cache
from govern.facts.config import FactsConfig
from govern.facts.tree import CommitTree
assert os.environ.get("GIT_QUARANTINE_PATH"), "not in a quarantine"
old, new, ref = sys.stdin.read().split()
cache = Cache.for_repo(".")
facts = extract(CommitTree(".", new), FactsConfig(), Wanted(TREE_RELATIONS), cache=cache)
facts += change_facts(".", new, FactsConfig(), dict(os.environ))
with open({out!r}, "w") as handle:
    json.dump({{"facts": [[f.relation, list(f.args)] for f in facts], "misses": cache.stats.misses}}, handle)
sys.exit(1)  # reject: the objects stay in the quarantine and vanish
"""


def test_pre_receive_quarantine_reads_pushed_objects_and_writes_cache(make_repo, tmp_path):
    repo = make_repo(FILES)
    server = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", str(server))
    out = tmp_path / "hook-output.json"
    hook = server / "hooks" / "pre-receive"
    hook.write_text(HOOK.format(python=sys.executable, out=str(out)))
    hook.chmod(0o755)
    push = subprocess.run(["git", "push", str(server), "main"], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, "GL_USERNAME": "pushing-user"})
    assert push.returncode != 0 and "pre-receive hook declined" in push.stderr, push.stderr
    result = json.loads(out.read_text())
    assert ["imports", ["app.b", "requests"]] in result["facts"]
    assert ["changed", ["src/app/a.py", "A"]] in result["facts"]
    assert ["pusher", ["pushing-user"]] in result["facts"]
    assert result["misses"] > 0
    assert any(p.is_file() for p in (server / "govern" / "cache").rglob("*"))  # the git dir stayed writable
    assert git(server, "rev-list", "--all") == ""  # and the pushed objects were not kept

"""`govern init --from-importlinter`: the [tool.govern] keys it writes (grimp's modules, type-only
imports), every option translated or reported (exit 2), hostile configurations; and the
`[tool.govern] type-checking-imports` default the translation relies on."""
from __future__ import annotations

import json
import time
import tomllib

from tests.conftest import git
from tests.e2e.check_support import check_json, govern

FORBIDDEN = """\
[importlinter]
root_packages = app
{session}

[importlinter:contract:no-db]
name = API does not touch the database
type = forbidden
source_modules = app.api
forbidden_modules = app.db
{options}
"""

CODE = {
    "app/__init__.py": "",
    "app/api/__init__.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import app.db\n",
    "app/db/__init__.py": "",
}


def translate(make_repo, config: str, pyproject: str | None = None, *args: str):
    files = {**CODE, ".importlinter": config} | ({"pyproject.toml": pyproject} if pyproject is not None else {})
    repo = make_repo(files)
    return repo, govern(repo, "init", "--from-importlinter", *args)


def settings(repo) -> dict:
    return tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["govern"]


def test_translation_writes_grimps_view_of_packages_and_type_only_imports(make_repo):
    repo, run = translate(make_repo, FORBIDDEN.format(session="exclude_type_checking_imports = True", options=""))
    assert run.returncode == 0, run.stderr
    assert "wrote pyproject.toml: [tool.govern] namespace-packages = false\n" in run.stdout
    assert "wrote pyproject.toml: [tool.govern] type-checking-imports = false\n" in run.stdout
    assert settings(repo) == {"namespace-packages": False, "type-checking-imports": False}
    assert "type-checking" not in (repo / "adr/0001-api-does-not-touch-the-database.md").read_text()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "adrs")
    code, data = check_json(repo)
    assert (code, data["violations"]) == (0, [])  # the only import is type-only


def test_translation_keeps_an_existing_table_and_says_type_checking_per_rule_when_it_differs(make_repo):
    pyproject = "[project]\nname = 'x'\n\n[tool.govern]  # ours\ntype-checking-imports = false\n"
    repo, run = translate(make_repo, FORBIDDEN.format(session="", options=""), pyproject)
    assert run.returncode == 0, run.stderr
    text = (repo / "pyproject.toml").read_text()
    assert text.startswith("[project]\nname = 'x'\n\n[tool.govern]  # ours\nnamespace-packages = false\n")
    assert settings(repo) == {"namespace-packages": False, "type-checking-imports": False}
    # import-linter counts type-only imports here: the rule says so against the table's default
    assert "type-checking: true" in (repo / "adr/0001-api-does-not-touch-the-database.md").read_text()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "adrs")
    code, data = check_json(repo)
    assert code == 1 and [(v["subject"], v["target"]) for v in data["violations"]] == [("app/api/__init__.py", "app.db")]


def test_namespace_packages_true_is_not_translatable(make_repo):
    repo, run = translate(make_repo, FORBIDDEN.format(session="", options=""), "[tool.govern]\nnamespace-packages = true\n")
    assert run.returncode == 2
    assert "not translated: pyproject.toml: [tool.govern] namespace-packages = true" in run.stderr
    assert not (repo / "adr").exists()
    assert "Traceback" not in run.stderr


def test_unreadable_pyproject_is_a_usage_error(make_repo):
    repo, run = translate(make_repo, FORBIDDEN.format(session="", options=""), "[tool.govern\nx = 1\n")
    assert run.returncode == 2 and "pyproject.toml: invalid TOML" in run.stderr and "Traceback" not in run.stderr
    assert not (repo / "adr").exists()


def test_every_bad_option_value_is_reported(make_repo):
    options = "as_packages = maybe\nallow_indirect_imports = yes\nunmatched_ignore_imports_alerting = loud\n" \
              "ignore_imports = app.api -> app.db"
    repo, run = translate(make_repo, FORBIDDEN.format(session="include_external_packages = 1", options=options))
    assert run.returncode == 2
    for line in ("session option 'include_external_packages': could not parse a boolean from '1'",
                 "option 'as_packages': could not parse a boolean from 'maybe'",
                 "option 'allow_indirect_imports': could not parse a boolean from 'yes'",
                 "option 'unmatched_ignore_imports_alerting': 'loud' is not one of error, warn, none"):
        assert line in run.stderr, run.stderr
    assert not (repo / "adr").exists() and not (repo / "pyproject.toml").exists()


def test_config_files_that_are_not_ini_or_toml_exit_2_with_one_line(make_repo):
    for name, text in ((".importlinter", "[importlinter\nroot_packages = app\n"),
                       (".importlinter", "root_packages = app\n"),
                       ("pyproject.toml", "[tool.importlinter]\nroot_packages = [\n"),
                       ("setup.cfg", b"[importlinter]\nroot_packages = \xff\n")):
        repo = make_repo({**CODE, name: text})
        run = govern(repo, "init", "--from-importlinter", name)
        assert run.returncode == 2, (name, text, run.stderr)
        assert run.stderr.startswith("govern: ") and "Traceback" not in run.stderr, run.stderr
        assert not (repo / "adr").exists()


def test_hostile_module_names_are_reported_not_matched(make_repo):
    hostile = ["app.(a|b)+", "app.[x]", "app..db", "app.*.**", "app.db$", "app. api", ".app", "app.ü-x"]
    config = FORBIDDEN.format(session="", options="").replace("forbidden_modules = app.db",
                                                             "forbidden_modules =\n    " + "\n    ".join(hostile))
    repo, run = translate(make_repo, config)
    assert run.returncode == 2
    for name in hostile:
        assert f"forbidden module {name!r} is not a module expression" in run.stderr, run.stderr


def test_huge_wildcard_patterns_do_not_backtrack(make_repo):
    deep = "app." + ".".join(["*", "x"] * 3000) + ".y"  # alternating: a valid, very long pattern
    ignored = f"{deep} -> {deep}"
    config = FORBIDDEN.format(session="", options=f"ignore_imports = {ignored}\nunmatched_ignore_imports_alerting = none")
    code = {**CODE, "app/" + "/".join(["q", "x"] * 30) + "/y.py": "import app.db\n"}
    repo = make_repo({**code, ".importlinter": config})
    started = time.monotonic()
    run = govern(repo, "init", "--from-importlinter")
    assert run.returncode == 0, run.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "adrs")
    result = govern(repo, "check", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    assert time.monotonic() - started < 120  # a backtracking matcher would never finish
    assert json.loads(result.stdout)["verdict"] in ("allow", "block")


TYPE_ONLY_ADR = """---
title: API does not touch the database
status: accepted
rules:
  - id: no-db
    forbid-import:
      from-modules: [app.api]
      to: [app.db]
{extra}---
"""


def test_tool_govern_type_checking_default_applies_unless_a_rule_says_otherwise(make_repo):
    for table, extra, blocked in (("", "", True), ("type-checking-imports = false\n", "", False),
                                  ("type-checking-imports = false\n", "      type-checking: true\n", True),
                                  ("", "      type-checking: false\n", False)):
        repo = make_repo({**CODE, "pyproject.toml": "[tool.govern]\n" + table,
                          "adr/0001-no-db.md": TYPE_ONLY_ADR.format(extra=extra)})
        code, data = check_json(repo)
        assert (code == 1) == blocked, (table, extra, data)
        compiled = govern(repo, "adr", "compile", "no-db").stdout
        assert ("type_only_import(S, D)" in compiled) == (not blocked), compiled


def test_type_checking_default_must_be_a_boolean(make_repo):
    repo = make_repo({**CODE, "pyproject.toml": "[tool.govern]\ntype-checking-imports = \"no\"\n",
                      "adr/0001-no-db.md": TYPE_ONLY_ADR.format(extra="")})
    run = govern(repo, "check")
    assert run.returncode == 2 and "type-checking-imports must be of type bool" in run.stderr


BAD_SHAPES = """\
[importlinter]
root_packages = app

[importlinter:contract:lay]
name = Exhaustive without containers
type = layers
layers =
    app.api
    app.db
exhaustive = True

[importlinter:contract:ign]
name = Bad ignored imports
type = independence
modules =
    app.api
    app.db
ignore_imports =
    app.api => app.db
    app. -> app.db

[importlinter:contract:ok]
name = Fine
type = forbidden
source_modules = app.api
forbidden_modules = app.db
"""


def test_a_translation_that_would_not_load_is_reported_never_written(make_repo):
    """Whatever the translator writes is loaded first: a contract lint-imports rejects (exhaustive
    without containers) or a malformed ignored import is reported (exit 2; with --partial the
    others are written), never written as an ADR that `govern check` cannot load."""
    repo, run = translate(make_repo, BAD_SHAPES)
    assert run.returncode == 2 and not (repo / "adr").exists()
    assert run.stderr.splitlines()[:2] == [
        "not translated: .importlinter: contract lay: its rule does not load: rule lay: exhaustive needs containers",
        "not translated: .importlinter: contract ign: its rule does not load: rule ign: ignored import "
        "'app.api => app.db': write 'importer -> imported'",
    ], run.stderr
    repo, run = translate(make_repo, BAD_SHAPES, None, "--partial")
    assert run.returncode == 0 and [p.name for p in sorted((repo / "adr").iterdir())] == ["0001-fine.md"], run.stdout
    assert govern(repo, "adr", "lint").returncode == 0


def test_external_forbidden_modules_need_include_external_packages(make_repo):
    config = FORBIDDEN.format(session="", options="").replace("forbidden_modules = app.db", "forbidden_modules = requests")
    repo, run = translate(make_repo, config)
    assert run.returncode == 2 and "forbidden module 'requests' is outside the root packages and " \
                                   "include_external_packages is not True" in run.stderr
    repo, run = translate(make_repo, config.replace("root_packages = app", "root_packages = app\ninclude_external_packages = True"))
    assert run.returncode == 0, run.stderr

"""`govern init` and `govern adr new|list|lint|compile` through the real CLI, in real tmp repos."""
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]
GOOD = "---\ntitle: Good\nstatus: accepted\nrules:\n  - id: good\n    require-owner: {paths: src/**}\n---\n"


def govern(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govern", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_init_is_idempotent_and_never_clobbers(make_repo):
    repo = make_repo()
    first = govern(repo, "init")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["created adr/0001-record-architecture-decisions.md",
                                         "created pyproject.toml with [tool.govern]"]
    snapshot = {p: p.read_bytes() for p in [repo / "pyproject.toml", repo / "adr/0001-record-architecture-decisions.md"]}
    again = govern(repo, "init")
    assert (again.returncode, again.stdout) == (0, "already initialised: nothing to do\n")
    assert all(p.read_bytes() == data for p, data in snapshot.items())
    assert govern(repo, "adr", "lint").stdout == "1 ADR, 0 rules OK\n"


def test_init_appends_to_an_existing_pyproject_and_honours_adr_dir(make_repo):
    repo = make_repo({"pyproject.toml": '[project]\nname = "x"'})
    assert govern(repo, "init").returncode == 0
    assert (repo / "pyproject.toml").read_text() == '[project]\nname = "x"\n\n[tool.govern]\nadr-dir = "adr"\n'
    other = make_repo({"pyproject.toml": '[tool.govern]\nadr-dir = "docs/decisions"\n'})
    assert govern(other, "init").stdout == "created docs/decisions/0001-record-architecture-decisions.md\n"
    assert govern(other, "adr", "new", "Next one").stdout == "docs/decisions/0002-next-one.md\n"


def test_new_numbers_and_kebab_names(make_repo):
    repo = make_repo({"adr/0001-a.md": GOOD, "adr/0009-b.md": GOOD.replace("good", "other")})
    result = govern(repo, "adr", "new", 'Use Postgres: "yes" / no?')
    assert (result.returncode, result.stdout) == (0, "adr/0010-use-postgres-yes-no.md\n")
    text = (repo / "adr/0010-use-postgres-yes-no.md").read_text()
    assert text.startswith('---\ntitle: "Use Postgres: \\"yes\\" / no?"\nstatus: proposed\n')
    assert govern(repo, "adr", "lint").stdout == "3 ADRs, 2 rules OK\n"


def test_list_is_plain_aligned_text_off_a_tty(make_repo):
    repo = make_repo({
        "adr/0001-a.md": GOOD.replace("paths: src/**}", "paths: src/**}\n    expires: 2027-01-31"),
        "adr/0002-b.md": "---\ntitle: Replaces A\nstatus: accepted\nsupersedes: ADR-0001\n---\n",
    })
    result = govern(repo, "adr", "list")
    assert result.returncode == 0
    assert result.stdout == (
        "ID        STATUS                  RULES  EXPIRES     TITLE\n"
        "ADR-0001  superseded by ADR-0002  1      2027-01-31  Good\n"
        "ADR-0002  accepted                0      -           Replaces A\n"
    )


def test_compile_prints_headed_namespaced_datalog(make_repo):
    repo = make_repo({"decisions/0003-g.md": GOOD})
    result = govern(repo, "adr", "compile", "--adr-dir", "decisions")
    assert result.stdout == (
        "% ADR-0003 rule good (decisions/0003-g.md:5)\n"
        "adr_0003__owned_good(F) :- owner(F, _1).\n"
        'violation("good", F, "", "has no CODEOWNERS owner") :-\n'
        '    glob(F, "src/**"),\n'
        '    not adr_0003__owned_good(F).\n'
    )
    assert govern(repo, "adr", "compile", "good", "--adr-dir", "decisions").stdout == result.stdout
    missing = govern(repo, "adr", "compile", "nope", "--adr-dir", "decisions")
    assert (missing.returncode, missing.stderr) == (2, "govern: no ADR or rule 'nope'\n")


def test_missing_adr_dir_is_a_usage_error(make_repo):
    result = govern(make_repo(), "adr", "lint")
    assert result.returncode == 2 and "ADR directory 'adr' not found" in result.stderr


def test_the_projects_own_adrs_lint_clean():
    result = govern(ROOT, "adr", "lint")
    assert result.returncode == 0, result.stderr
    adrs, rules = result.stdout.split(" ADRs, ")
    assert int(adrs) >= 4 and int(rules.split()[0]) >= 3


def adr_with_block(block: str, rule_id: str = "custom") -> str:
    return f"---\ntitle: Custom\nstatus: accepted\nrules:\n  - id: {rule_id}\n    datalog: true\n---\n# Custom\n\n```datalog\n{block}\n```\n"


BOMB = "\n".join(['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'] +
                 [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)])

HOSTILE = {
    "python-in-datalog": (adr_with_block("__import__('os').system('touch PWNED')"), ":11:1: syntax error"),
    "python-yaml-tag": ("---\ntitle: X\nstatus: accepted\nx: !!python/object/apply:os.system ['touch PWNED']\n---\n",
                        ":4:4: invalid YAML: could not determine a constructor for the tag"),
    "alias-bomb": (f"---\ntitle: X\nstatus: accepted\n{BOMB}\n---\n", ":8:5: invalid YAML: document expands to more than"),
    "unknown-kind": ("---\ntitle: X\nstatus: accepted\nrules:\n  - id: x\n    forbid-everything: {}\n---\n",
                     ":6:5: rules[0]: unknown rule kind or key 'forbid-everything'"),
    "unsafe-variable": (adr_with_block('violation("custom", F, M) :- file(F).'), ":11:1: unsafe variable M in the head"),
    "unknown-predicate": (adr_with_block('violation("custom", F, "m") :- fiel(F).'), ":11:32: unknown predicate fiel/1"),
    "wrong-arity": (adr_with_block('violation("custom", F, "m") :- imports(F).'), ":11:32: wrong arity: imports takes 2"),
    "recursion-through-not": (adr_with_block('violation("custom", F, "m") :- p(F).\np(F) :- file(F), not q(F).\nq(F) :- p(F).'),
                              ":12:18: recursion through negation"),
    "undeclared-rule-id": (adr_with_block('violation("other", F, "m") :- file(F).\nviolation("custom", F, "m") :- file(F).'),
                           ":11:1: violation of undeclared rule 'other'"),
    "derives-vocabulary": (adr_with_block('violation("custom", F, "m") :- file(F).\nowner(F, "me") :- file(F).'),
                           ":12:1: rule derives vocabulary relation owner/2"),
    "invalid-yaml": ("---\ntitle: X\nstatus: accepted\nrules: [\n---\n", ":5:1: invalid YAML"),
    "duplicate-rule-id": (GOOD.replace("Good", "Again"), ":5:5: duplicate rule id 'good' (also in adr/0001-good.md:5)"),
    "unknown-front-matter-key": ("---\ntitle: X\nstatus: accepted\nowner: me\n---\n", ":4:1: front matter: unknown key 'owner'"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_adrs_exit_2_with_a_located_message(make_repo, case):
    text, expected = HOSTILE[case]
    repo = make_repo({"adr/0001-good.md": GOOD, "adr/0002-bad.md": text})
    # Every command that loads ADRs fails the same way; lint for each case, all of them for one.
    commands = (["adr", "lint"], ["adr", "compile"], ["adr", "list"]) if case == "python-in-datalog" else (["adr", "lint"],)
    for command in commands:
        result = govern(repo, *command)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "adr/0002-bad.md" + expected in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (repo / "PWNED").exists()

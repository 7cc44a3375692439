"""Loading ADR files: front matter, MADR spellings, datalog blocks, locations, hostile YAML."""
import subprocess
import sys

import pytest

from govern.facts.tree import MemoryTree
from govern.adr import blob_id, load_adr_dir, load_adr_tree, load_adrs
from govern.adr.safe_yaml import MAX_NODES
from govern.errors import AdrError

RULE = "rules:\n  - id: r\n    require-owner: {paths: x}\n"


def load_one(text: str, path: str = "adr/0007-t.md"):
    return load_adrs([(path, text.encode(), "blob")])


def errors(text: str | bytes, path: str = "adr/0007-t.md") -> list[str]:
    data = text if isinstance(text, bytes) else text.encode()
    with pytest.raises(AdrError) as err:
        load_adrs([(path, data, "blob")])
    return [str(d) for d in err.value.diagnostics]


def test_madr4_spellings_and_defaults():
    [_, adr] = load_adrs([
        ("adr/0007-use-x.md", b"---\ntitle: Use X\nstatus: superseded by ADR-0001\ndate: 2026-03-01\n"
                              b"decision-makers: [alice]\ndeciders: bob\nenforcement: off\n---\n# Use X\n", "b7"),
        ("adr/0001-first.md", b"---\nid: ADR-0001\ntitle: First\nstatus: accepted\n---\n", "b1"),
    ])
    assert (adr.id, adr.title, adr.status, adr.superseded_by) == ("ADR-0007", "Use X", "superseded", "ADR-0001")
    assert (str(adr.date), adr.deciders, adr.enforcement, adr.blob, adr.rules) == ("2026-03-01", ("bob", "alice"), "off", "b7", ())


def test_files_without_front_matter_are_not_adrs():
    assert len(load_adrs([("adr/README.md", b"# Decisions\n", "b")])) == 0


def test_datalog_blocks_keep_file_lines():
    text = ("---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n    datalog: true\n---\n# T\n\n"
            "```python\nviolation(no, parse)\n```\n\n~~~datalog\n% first\n\nviolation(\"r\", F, \"m\") :- h(F).\n~~~\n"
            "text\n\n```Datalog extra\nh(F) :- file(F).\n```\n")
    [spec] = load_one(text).rules()
    assert [(r.origin.line, r.origin.text) for r in spec.rules] == [
        (17, 'violation("r", F, "m") :- h(F).'), (22, "h(F) :- file(F)."),
    ]


def test_crlf_and_bom_keep_line_numbers():
    text = "\ufeff---\r\ntitle: T\r\nstatus: accepted\r\nbogus: 1\r\n---\r\n"
    assert errors(text.encode()) == [
        "adr/0007-t.md:4:1: front matter: unknown key 'bogus' (known: consulted, date, deciders, decision-makers, "
        "enforcement, id, informed, rules, status, superseded-by, supersedes, tags, title)"
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("---\ntitle: T\nstatus: [\n---\n", "adr/0007-t.md:4:1: invalid YAML: expected the node content"),
        ("---\ntitle: T\nstatus: accepted\nx: !!python/object/apply:os.system ['touch PWNED']\n---\n",
         "adr/0007-t.md:4:4: invalid YAML: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
        ("---\ntitle: T\nstatus: accepted\nx: !!python/name:os.system\n---\n", "adr/0007-t.md:4:4: invalid YAML: could not determine a constructor"),
        ("---\ntitle: T\nstatus: accepted\nx: &a [*a]\n---\n", "adr/0007-t.md:4:8: invalid YAML: recursive alias"),
        ("---\ntitle: T\nstatus: done\n---\n", "adr/0007-t.md:3:1: status: \"done\" is not a status (proposed, accepted"),
        ("---\ntitle: T\n---\n", "adr/0007-t.md:1:1: front matter: 'status' is a required property"),
        ("---\ntitle: T\nstatus: accepted\ntitle: U\n---\n", "adr/0007-t.md:4:1: duplicate key 'title'"),
        ("---\ntitle: T\nstatus: accepted\ndate: 2026-02-30\n---\n", "adr/0007-t.md:4:1: '2026-02-30' is not a valid date"),
        ("---\ntitle: T\nstatus: accepted\n" + RULE.replace("    require", "    severity: fatal\n    require") + "---\n",
         "adr/0007-t.md:6:5: rules[0].severity: \"fatal\" is not one of block, warn"),
        ("---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n    forbid-imports: {from: a, to: b}\n---\n",
         "adr/0007-t.md:6:5: rules[0]: unknown rule kind or key 'forbid-imports'"),
        ("---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n    forbid-import: {from: a, to: b, oops: 1}\n---\n",
         "adr/0007-t.md:6:37: rules[0].forbid-import: unknown key 'oops' (known: allow-within-target, except, except-modules, from, from-modules, ignore-imports, skip-overlapping, to, transitive, type-checking, unmatched-ignores, within)"),
        ("---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n    forbid-import: {from: a, to: b}\n    layers: {layers: [a, b]}\n---\n",
         "adr/0007-t.md:5:5: rule r: exactly one rule kind expected, found forbid-import, layers"),
        ("---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n    forbid-import: {from: a}\n---\n",
         "adr/0007-t.md:6:5: rules[0].forbid-import: 'to' is a required property"),
        ("---\ntitle: T\nstatus: accepted\nrules: yes\n---\n", "adr/0007-t.md:4:1: rules: \"yes\" is not of type array"),
        ("---\n- a list\n---\n", "adr/0007-t.md:1:1: front matter must be a mapping"),
        ("---\ntitle: T\nstatus: accepted\n", "adr/0007-t.md:1:1: front matter is not closed by a '---' line"),
        (b"---\ntitle: \xff\n---\n", "adr/0007-t.md:1:1: not UTF-8: invalid start byte at byte 11"),
    ],
)
def test_bad_front_matter_is_located(text, expected):
    found = errors(text)
    assert any(f.startswith(expected) for f in found), found


def test_yaml_python_tag_executes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    errors("---\ntitle: T\nstatus: accepted\nx: !!python/object/apply:os.system ['touch PWNED']\n---\n")
    assert not (tmp_path / "PWNED").exists()


def test_billion_laughs_fails_fast():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    found = errors("---\ntitle: T\nstatus: accepted\n" + "\n".join(lines) + "\n---\n")
    assert found == [f"adr/0007-t.md:8:5: invalid YAML: document expands to more than {MAX_NODES} nodes (alias bomb?)"]


def test_many_aliases_and_deep_nesting_are_bounded():
    aliases = "---\ntitle: T\nstatus: accepted\nx: &x 1\ny: [" + ", ".join(["*x"] * 200) + "]\n---\n"
    assert "more than 100 aliases" in errors(aliases)[0]
    assert "nesting deeper than 50" in errors("---\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n")[0]


def test_id_required_without_number_and_unique():
    assert errors("---\ntitle: T\nstatus: accepted\n---\n", "adr/intro.md") == [
        "adr/intro.md:1:1: no ADR id: name the file NNNN-title.md or set `id:`"]
    with pytest.raises(AdrError, match="duplicate ADR id ADR-0007"):
        load_adrs([("adr/0007-a.md", b"---\ntitle: A\nstatus: accepted\n---\n", "a"),
                   ("adr/0007-b.md", b"---\ntitle: B\nstatus: accepted\n---\n", "b")])
    with pytest.raises(AdrError, match="unknown ADR ADR-0009"):
        load_one("---\ntitle: A\nstatus: accepted\nsupersedes: [ADR-0009]\n---\n")


def test_all_diagnostics_of_all_adrs_sorted():
    with pytest.raises(AdrError) as err:
        load_adrs([("adr/0002-b.md", b"---\ntitle: B\nstatus: nope\n---\n", "b"),
                   ("adr/0001-a.md", b"---\ntitle: A\nstatus: [\n---\n", "a")])
    assert [(d.path, d.line) for d in err.value.diagnostics] == [("adr/0001-a.md", 4), ("adr/0002-b.md", 3)]


def test_blob_id_is_git_hash_object(tmp_path):
    data = b"---\ntitle: T\nstatus: accepted\n---\n"
    (tmp_path / "f").write_bytes(data)
    expected = subprocess.run(["git", "hash-object", str(tmp_path / "f")], capture_output=True, text=True, check=True).stdout.strip()
    assert blob_id(data) == expected


def test_load_adr_dir_and_tree_agree(tmp_path):
    files = {"adr/0001-a.md": b"---\ntitle: A\nstatus: accepted\n" + RULE.encode() + b"---\n",
             "adr/README.md": b"# index\n", "adr/sub/0002-b.md": b"---\ntitle: B\nstatus: [\n---\n"}
    for path, data in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    from_dir = load_adr_dir(tmp_path / "adr")
    from_tree = load_adr_tree(MemoryTree(files), "adr")
    assert [a.id for a in from_dir] == [a.id for a in from_tree] == ["ADR-0001"]
    assert from_dir.get("ADR-0001").blob == from_tree.get("ADR-0001").blob == blob_id(files["adr/0001-a.md"])
    assert from_tree.get("ADR-0001").path == "adr/0001-a.md"


def test_oversized_file_is_rejected_unread():
    from govern.adr.loader import MAX_ADR_BYTES

    huge = b"---\ntitle: T\nstatus: accepted\n---\n" + b"x" * MAX_ADR_BYTES
    assert errors(huge) == [f"adr/0007-t.md:1:1: ADR file larger than {MAX_ADR_BYTES} bytes"]


def test_an_adr_cannot_supersede_itself():
    assert errors("---\ntitle: T\nstatus: accepted\nsupersedes: ADR-0007\n---\n") == [
        "adr/0007-t.md:1:1: ADR-0007 cannot supersede itself"]


def test_a_bad_kind_block_reports_only_its_own_errors():
    found = errors("---\ntitle: T\nstatus: accepted\nrules:\n  - {id: r, layers: {layers: [a, b], containers: [x.*.**]}}\n---\n")
    assert found == ["adr/0007-t.md:5:51: rule r: module pattern 'x.*.**': dotted names where '*' is one segment and '**' "
                     "one or more (no two wildcards in a row)"]


def test_hostile_strings_in_kind_blocks_stay_data():
    text = ('---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n    require-owner: {paths: "a\\"b\\\\c\\nd\\r%"}\n'
            '    message: "x\\") :- file(X). evil(\\""\n---\n')
    [spec] = load_one(text).rules()
    assert [r.head.pred for r in spec.rules] == ["adr_0007__owned_r", "violation"]
    assert spec.rules[1].head.args[3].value == 'x") :- file(X). evil("'
    assert spec.rules[1].body[0].atom.args[1].value == 'a"b\\c\nd\r%'


def test_load_adr_tree_from_a_real_commit(make_repo):
    from govern.facts.tree import CommitTree

    files = {"adr/0001-a.md": "---\ntitle: A\nstatus: accepted\n" + RULE + "---\n", "adr/README.md": "# index\n"}
    repo = make_repo(files)
    adrs = load_adr_tree(CommitTree(repo, "HEAD"), "adr")
    assert [(a.id, a.path, a.blob) for a in adrs] == [("ADR-0001", "adr/0001-a.md", blob_id(files["adr/0001-a.md"].encode()))]
    assert [s.id for s in adrs.rules()] == ["r"]


def test_a_tree_without_adr_files_loads_as_an_empty_list_of_files_would():
    """No `*.md` under the ADR directory: the set load_adrs([]) gives, and (an optimisation) no
    ADR parser imported for it."""
    assert load_adr_tree(MemoryTree({"adr/notes.txt": b"x", "src/a.md": b"---\n"}), "adr") == load_adrs([])
    code = ("from govern.adr import load_adr_tree\nfrom govern.facts.tree import MemoryTree\nimport sys\n"
            "load_adr_tree(MemoryTree({'README.md': b'hi'}), 'adr')\nprint('govern.adr.loader' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"

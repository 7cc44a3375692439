"""The checking passes, one by one, on ```datalog blocks of in-memory ADRs."""
import pytest

from govern.adr import load_adrs
from govern.errors import AdrError
from govern.rules.checks import PASSES, adr_slug

HEAD = "---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n    datalog: true\n---\n```datalog\n"


def load(block: str, *more: tuple[str, str]):
    files = [("adr/0007-t.md", (HEAD + block + "\n```\n").encode(), "b")]
    files += [(path, text.encode(), "b") for path, text in more]
    return load_adrs(files)


def problems(block: str, *more) -> list[str]:
    with pytest.raises(AdrError) as err:
        load(block, *more)
    return [str(d) for d in err.value.diagnostics]


def test_named_passes():
    assert list(PASSES) == ["names", "predicates", "read-only", "outputs", "safety", "stratification"]


def test_a_valid_block_with_private_helpers_and_recursion():
    adrs = load('violation("r", F, "m") :- module(M, F), dep(M, D), not ok(D).\n'
                'dep(A, B) :- imports(A, B).\ndep(A, C) :- dep(A, B), imports(B, C).\n'
                'ok("json").')
    [spec] = adrs.rules()
    preds = sorted({r.head.pred for r in spec.rules})
    assert preds == ["adr_0007__dep", "adr_0007__ok", "violation"]
    assert spec.rules[0].body[1].atom.pred == "adr_0007__dep"
    assert [r.origin.rule for r in spec.rules] == ["r", "", "", ""]
    assert spec.scope == "tree" and spec.kind == "datalog"
    assert spec.text.startswith('violation("r", F, "m") :- module(M, F), dep(M, D), not ok(D).\n')


def test_change_scope_from_a_helper():
    [spec] = load('violation("r", P, "m") :- touched(P).\ntouched(P) :- changed(P, "A").').rules()
    assert spec.scope == "change"


@pytest.mark.parametrize(
    "block, expected",
    [
        ('violation("r", F, "m") :- file(F), nope(F).', "9:36: unknown predicate nope/1"),
        ('violation("r", F, "m") :- module(F).', "9:27: wrong arity: module takes 2 arguments"),
        ('violation("r", F, "m") :- file(F), h(F, F).\nh(X) :- file(X).', "9:36: wrong arity: h is defined with 1"),
        ('violation("r", F) :- file(F).', "9:1: violation takes 3 arguments (RuleId, Subject, Message) or 4 (RuleId, Subject, Target, Message), not 2"),
        ('violation("r", F, "m") :- file(F), violation("x", F, "m").', "9:36: violation is an output"),
        ('imports(F, "x") :- file(F).\nviolation("r", F, "m") :- file(F).', "9:1: rule derives vocabulary relation imports/2"),
        ('violation("r", F, M) :- file(F).', "9:1: unsafe variable M in the head"),
        ('violation("r", F, "m") :- file(F), not owner(F, O).', "9:36: unsafe variable O in a negated literal"),
        ('violation("r", F, "m") :- file(F), not owner(F, _).', "9:36: unsafe anonymous variable '_' in a negated literal"),
        ('violation("r", F, "m") :- file(F), X > 3.', "9:36: unsafe variable X in a comparison"),
        ('violation("r", F, "m") :- file(F), not p(F).\np(F) :- file(F), not q(F).\nq(F) :- p(F).',
         "10:18: recursion through negation: p depends on 'not q'"),
        ('violation("other", F, "m") :- file(F).', "9:1: violation of undeclared rule 'other'"),
        ('violation(R, F, "m") :- file(F), file(R).', "9:1: the first argument of violation must be a constant"),
        ('violation("r", F, "m") :- file(F).\nexempt("ghost", "a", "b").', "10:1: exempt names unknown rule 'ghost'"),
        ('violation("r", F, "m") :- my__p(F).\nmy__p(F) :- file(F).', "9:27: predicate name 'my__p' must not contain '__'"),
        ('violation("r", F, "m") :- module(M, F), reaches_in("r", P, M, "x").',
         "9:41: the part P of reaches_in must be a constant or occur in a positive literal of another relation"),
        ('violation("r", F, "m") :- module(M, F), reaches_in(G, "p", M, "x"), file(G).',
         "9:41: the graph of reaches_in must be a constant string"),
        ('violation("r", F, "m") :- module(M, F), reaches_in("r", "p", M, "x").\nignore_import_in("other", "p", S, D) :- imports(S, D).',
         "10:1: ignore_import_in names the graph 'other': it must be a rule id of this ADR"),
    ],
)
def test_each_check_reports_file_line_col(block, expected):
    found = problems(block)
    assert any(p.startswith("adr/0007-t.md:" + expected.split(": ")[0] + ": ") and expected.split(": ", 1)[1] in p
               for p in found), found


def test_declared_datalog_rule_without_clauses():
    assert problems('exempt("r", "a.py", "x").') == [
        'adr/0007-t.md:5:5: rule r is declared `datalog: true` but no ```datalog block derives violation("r", …)'
    ]


def test_exempt_may_name_a_rule_of_another_adr_and_gets_its_own_spec():
    other = ("adr/0002-o.md", "---\ntitle: O\nstatus: accepted\nrules:\n  - id: o\n    require-owner: {paths: x}\n---\n")
    adrs = load('violation("r", F, "m") :- file(F).\nexempt("o", "x/a.py", "legacy") :- file("x/a.py").', other)
    spec = adrs.rule("ADR-0007:exempt:o")
    assert spec.kind == "exempt" and spec.line == 10
    assert [r.origin.rule for r in spec.rules] == ["o"]


def test_duplicate_rule_ids_across_adrs():
    other = ("adr/0002-o.md", "---\ntitle: O\nstatus: accepted\nrules:\n  - id: r\n    require-owner: {paths: x}\n---\n")
    assert 'adr/0007-t.md:5:5: duplicate rule id \'r\' (also in adr/0002-o.md:5)' in problems('violation("r", F, "m") :- file(F).', other)


def test_private_predicates_of_two_adrs_do_not_meet():
    other = ("adr/0002-o.md", HEAD.replace("id: r", "id: o") + 'violation("o", F, "m") :- h(F).\nh(F) :- file(F).\n```\n')
    adrs = load('violation("r", F, "m") :- h(F).\nh(F) :- glob(F, "x").', other)
    heads = sorted({r.head.pred for s in adrs.rules() for r in s.rules} - {"violation"})
    assert heads == ["adr_0002__h", "adr_0007__h"]
    assert adr_slug("ADR-0007") == "adr_0007"


def test_block_helper_may_not_reuse_a_kind_helper_name():
    text = ("---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n    datalog: true\n  - id: o\n"
            "    require-owner: {paths: x}\n---\n```datalog\n"
            'violation("r", F, "m") :- owned_o(F).\nowned_o(F) :- file(F).\n```\n')
    with pytest.raises(AdrError, match="already generated by rule o"):
        load_adrs([("adr/0007-t.md", text.encode(), "b")])


def test_unused_helper_is_reported_not_dropped():
    assert problems('violation("r", F, "m") :- file(F).\nlonely(F) :- file(F).') == [
        "adr/0007-t.md:10:1: lonely is not used by any violation or exempt rule of this ADR"
    ]


def test_each_spec_carries_only_the_helpers_it_uses():
    other = ("adr/0002-o.md", "---\ntitle: O\nstatus: accepted\nrules:\n  - id: o\n    require-owner: {paths: x}\n---\n")
    adrs = load('violation("r", F, "m") :- a(F).\na(F) :- b(F).\nb(F) :- file(F).\n'
                'exempt("o", F, "why") :- c(F).\nc(F) :- glob(F, "x/**").', other)
    assert [r.head.pred for r in adrs.rule("r").rules] == ["violation", "adr_0007__a", "adr_0007__b"]
    assert [r.head.pred for r in adrs.rule("ADR-0007:exempt:o").rules] == ["exempt", "adr_0007__c"]


def test_exemptions_are_grouped_per_rule_and_follow_its_scope():
    other = ("adr/0002-o.md", "---\ntitle: O\nstatus: accepted\nrules:\n  - id: o\n    protect: {paths: x}\n"
             "  - id: t\n    require-owner: {paths: x}\n---\n")
    adrs = load('violation("r", F, "m") :- file(F).\nexempt("o", "x", "ok") :- file("x").\nexempt("t", "x", "ok") :- file("x").', other)
    assert [(s.id, s.kind, s.scope) for s in adrs.get("ADR-0007").rules] == [
        ("r", "datalog", "tree"), ("ADR-0007:exempt:o", "exempt", "change"), ("ADR-0007:exempt:t", "exempt", "tree")]


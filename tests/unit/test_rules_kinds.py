"""Every rule kind compiles to the exact rule-language text below (golden), then passes the checks."""
import pytest

from govern.adr import load_adrs
from govern.errors import AdrError
from govern.rules.kinds import KINDS
from govern.adr.schema import rule_kinds


def compile_rule(block: str, extra: str = "    message: M\n", header: str = ""):
    text = f"---\ntitle: T\nstatus: accepted\n{header}rules:\n  - id: r\n    {block}\n{extra}---\n"
    [adr] = load_adrs([("adr/0007-t.md", text.encode(), "b")])
    [spec] = adr.rules
    return spec


GOLDEN = {
    "acyclic-siblings": (
        'acyclic-siblings:\n      ancestors: [app]\n      depth: 1\n      skip-descendants: ["app.*.legacy"]\n'
        '      ignore-imports: ["app.a -> app.b"]',
        'visit0_r(P) :- module_match(P, "app").\n'
        'visit1_r(C) :- visit0_r(P), in_child(_, P, C), not module_match(C, "app.*.legacy").\n'
        'checked_r(P) :- visit0_r(P).\nchecked_r(P) :- visit1_r(P).\n'
        'violation("r", F, "", R) :- module(M, F), in_child(M, P, _), checked_r(P), unreadable(F, R).\n'
        'ignored_r(S, D) :- imports(S, D), module_match(S, "app.a"), module_match(D, "app.b").\n'
        'ignore_import("r", S, D) :- ignored_r(S, D).\n'
        'out_of_r(S, D, P, A) :- imports(S, D), not ignore_import("r", S, D), in_child(S, P, A), checked_r(P).\n'
        'edge_r(P, A, B) :- out_of_r(S, D, P, A), in_child(D, P, B), A != B.\n'
        'depends_r(P, A, B) :- edge_r(P, A, B).\n'
        'depends_r(P, A, C) :- depends_r(P, A, B), edge_r(P, B, C).\n'
        'violation("r", F, D, "M") :- out_of_r(S, D, P, A), in_child(D, P, B), A != B, depends_r(P, B, A), module(S, F).\n',
    ),
    "no-growth": (
        'no-growth:\n      metric: dependents\n      of: [app.core]\n      may-grow-by: 2',
        'now_of_r(M) :- under(M, "app.core").\n'
        'now_r(S, T) :- module(M, S), imports(M, T), under(T, "app.core"), not now_of_r(M).\n'
        'was_of_r(M) :- base_under(M, "app.core").\n'
        'was_r(S, T) :- base_module(M, S), base_imports(M, T), base_under(T, "app.core"), not was_of_r(M).\n'
        'total_r(N) :- N = count { S, T : now_r(S, T) }.\nstep_r(1, S, T, "now") :- now_r(S, T).\n'
        'step_r(-1, S, T, "was") :- was_r(S, T).\n'
        'growth_r(G) :- base_tree(_), G = sum { W, S, T, K : step_r(W, S, T, K) }.\n'
        'violation("r", S, T, "M") :- now_r(S, T), not was_r(S, T), growth_r(G), G > 2.\n',
    ),
    "no-growth-max": (
        'no-growth:\n      metric: dependencies\n      in: ["pyproject.toml"]\n      groups: [runtime]\n      max: 3',
        'now_r(S, T) :- glob(S, "pyproject.toml"), declares(S, T), declares_group(S, T, G), group_match(G, "runtime").\n'
        'was_r(S, T) :- base_glob(S, "pyproject.toml"), base_declares(S, T), base_declares_group(S, T, G), '
        'base_group_match(G, "runtime").\n'
        'total_r(N) :- N = count { S, T : now_r(S, T) }.\nstep_r(1, S, T, "now") :- now_r(S, T).\n'
        'step_r(-1, S, T, "was") :- was_r(S, T).\n'
        'growth_r(G) :- base_tree(_), G = sum { W, S, T, K : step_r(W, S, T, K) }.\n'
        'violation("r", S, T, "M") :- now_r(S, T), total_r(N), N > 3.\n',
    ),
    "forbid-import": (
        'forbid-import:\n      from: ["app/**"]\n      to: ["stripe", "stripe.*"]\n      except: ["app/billing/**"]',
        'violation("r", F, "", R) :- glob(F, "app/**"), not glob(F, "app/billing/**"), unreadable(F, R).\n'
        'violation("r", F, D, "M") :- glob(F, "app/**"), not glob(F, "app/billing/**"), module(M, F), imports(M, D), under(D, "stripe").\n',
    ),
    "forbid-import-transitive": (
        'forbid-import:\n      from: ["app/**", "lib/**"]\n      to: ["requests.adapters", "boto3.*"]\n'
        '      except: ["app/a.py", "app/b.py"]\n      transitive: true',
        'from_r(F) :- glob(F, "app/**").\n'
        'from_r(F) :- glob(F, "lib/**").\n'
        'except_r(F) :- glob(F, "app/a.py").\n'
        'except_r(F) :- glob(F, "app/b.py").\n'
        'violation("r", F, "", R) :- from_r(F), not except_r(F), unreadable(F, R).\n'
        'violation("r", F, D, "M") :- from_r(F), not except_r(F), module(M, F), reaches(M, D), under(D, "requests.adapters").\n'
        'violation("r", F, D, "M") :- from_r(F), not except_r(F), module(M, F), reaches(M, D), under(D, "boto3"), D != "boto3".\n',
    ),
    "layers": (
        "layers:\n      layers: [app.api, [app.billing, app.shipping], app.domain]\n      optional: [app.api, app.billing, app.shipping, app.domain]",
        'layer_r(M, 0, "app.api", "") :- under(M, "app.api").\n'
        'layer_r(M, 1, "app.billing", "") :- under(M, "app.billing").\n'
        'layer_r(M, 1, "app.shipping", "") :- under(M, "app.shipping").\n'
        'layer_r(M, 2, "app.domain", "") :- under(M, "app.domain").\n'
        'violation("r", F, "", R) :- module(M, F), layer_r(M, _, _, _), unreadable(F, R).\n'
        'violation("r", F, D, "M") :- module(M, F), layer_r(M, Low, _, C), imports(M, D), layer_r(D, High, _, C), Low > High.\n'
        'violation("r", F, D, "M") :- module(M, F), layer_r(M, R, A, C), imports(M, D), layer_r(D, R, B, C), A != B.\n',
    ),
    "layers-containers": (
        "layers:\n      layers: [api, domain]\n      containers: [svc_a, svc_b]\n      transitive: true\n      optional: [api, domain]",
        'layer_r(M, 0, "api", "svc_a") :- under(M, "svc_a.api").\n'
        'layer_r(M, 0, "api", "svc_b") :- under(M, "svc_b.api").\n'
        'layer_r(M, 1, "domain", "svc_a") :- under(M, "svc_a.domain").\n'
        'layer_r(M, 1, "domain", "svc_b") :- under(M, "svc_b.domain").\n'
        'violation("r", F, "", R) :- module(M, F), layer_r(M, _, _, _), unreadable(F, R).\n'
        'violation("r", F, T, "M") :- module(M, F), layer_r(M, Low, _, C), reaches(M, D), layer_r(D, High, T, C), Low > High.\n',
    ),
    'layers-required': (
        'layers:\n      layers: [app.api, app.domain]',
        'layer_r(M, 0, "app.api", "") :- under(M, "app.api").\n'
        'layer_r(M, 1, "app.domain", "") :- under(M, "app.domain").\n'
        'violation("r", F, "", R) :- module(M, F), layer_r(M, _, _, _), unreadable(F, R).\n'
        'violation("r", F, D, "M") :- module(M, F), layer_r(M, Low, _, C), imports(M, D), layer_r(D, High, _, C), Low > High.\n'
        'present_r(C, N) :- layer_r(_, _, N, C).\n'
        'violation("r", "app.api", "", "layer app.api matches no module (mark it optional if it may be absent)") :- rule("r", _, _), not present_r("", "app.api").\n'
        'violation("r", "app.domain", "", "layer app.domain matches no module (mark it optional if it may be absent)") :- rule("r", _, _), not present_r("", "app.domain").\n',
    ),
    'layers-unmediated': (
        'layers:\n      layers: [api, {modules: [a, b], independent: false}, domain]\n      containers: [svc]\n      transitive: true\n      chains: unmediated\n      optional: [api, a, b, domain]\n      exhaustive: true\n      exhaustive-ignores: [tests]',
        'layer_r(M, 0, "api", "svc") :- under(M, "svc.api").\n'
        'layer_r(M, 1, "a", "svc") :- under(M, "svc.a").\n'
        'layer_r(M, 1, "b", "svc") :- under(M, "svc.b").\n'
        'layer_r(M, 2, "domain", "svc") :- under(M, "svc.domain").\n'
        'violation("r", F, "", R) :- module(M, F), layer_r(M, _, _, _), unreadable(F, R).\n'
        'container_r(P) :- layer_r(_, _, _, P).\n'
        'ignore_import_in("r/api", P, S, D) :- container_r(P), layer_r(S, _, N, P), N != "api", imports(S, D).\n'
        'violation("r", F, T, "M") :- module(M, F), layer_r(M, Low, "api", C), reaches_in("r/api", C, M, D), layer_r(D, High, T, C), Low > High.\n'
        'ignore_import_in("r/a", P, S, D) :- container_r(P), layer_r(S, _, N, P), N != "a", imports(S, D).\n'
        'violation("r", F, T, "M") :- module(M, F), layer_r(M, Low, "a", C), reaches_in("r/a", C, M, D), layer_r(D, High, T, C), Low > High.\n'
        'ignore_import_in("r/b", P, S, D) :- container_r(P), layer_r(S, _, N, P), N != "b", imports(S, D).\n'
        'violation("r", F, T, "M") :- module(M, F), layer_r(M, Low, "b", C), reaches_in("r/b", C, M, D), layer_r(D, High, T, C), Low > High.\n'
        'ignore_import_in("r/domain", P, S, D) :- container_r(P), layer_r(S, _, N, P), N != "domain", imports(S, D).\n'
        'violation("r", F, T, "M") :- module(M, F), layer_r(M, Low, "domain", C), reaches_in("r/domain", C, M, D), layer_r(D, High, T, C), Low > High.\n'
        'declared_r(M) :- under(M, "svc.api").\n'
        'declared_r(M) :- under(M, "svc.a").\n'
        'declared_r(M) :- under(M, "svc.b").\n'
        'declared_r(M) :- under(M, "svc.domain").\n'
        'declared_r(M) :- under(M, "svc.tests").\n'
        'violation("r", F, M, "svc holds a module in no layer (the layers are exhaustive)") :- module(M, F), under(M, "svc"), M != "svc", not declared_r(M).\n',
    ),
    'forbid-import-modules': (
        'forbid-import:\n      from-modules: [app, "app.*"]\n      except-modules: [app.ok]\n      to: ["x", "x.*", "y.*.z"]\n      ignore-imports: ["app.* -> x.**"]\n      type-checking: false\n      within: [app]\n      transitive: true',
        'ignored_r(S, D) :- imports(S, D), module_match(S, "app.*"), module_match(D, "x.**").\n'
        'ignored_r(S, D) :- type_only_import(S, D).\n'
        'ignore_import("r", S, D) :- ignored_r(S, D).\n'
        'ignore_import("r", S, D) :- imports(S, D), not under(S, "app").\n'
        'violation("r", F, "", R) :- module(M, F), under(M, "app"), not under(M, "app.ok"), unreadable(F, R).\n'
        'violation("r", F, D, "M") :- module(M, F), under(M, "app"), not under(M, "app.ok"), reaches_except("r", M, D), under(D, "x").\n'
        'violation("r", F, D, "M") :- module(M, F), under(M, "app"), not under(M, "app.ok"), reaches_except("r", M, D), module_match(D, "y.*.z").\n'
        'violation("r", F, D, "M") :- module(M, F), under(M, "app"), not under(M, "app.ok"), reaches_except("r", M, D), module_match(D, "y.*.z.**").\n',
    ),
    'independent-unmediated': (
        'independent:\n      modules: [a, b, c]\n      transitive: true\n      chains: unmediated',
        'independent_r(M, "a") :- under(M, "a").\n'
        'independent_r(M, "b") :- under(M, "b").\n'
        'independent_r(M, "c") :- under(M, "c").\n'
        'violation("r", F, "", R) :- module(M, F), independent_r(M, _), unreadable(F, R).\n'
        'part_r(P) :- independent_r(_, P).\n'
        'ignore_import_in("r", P, S, D) :- part_r(P), independent_r(S, N), N != P, imports(S, D).\n'
        'violation("r", F, B, "M") :- module(M, F), independent_r(M, P), reaches_in("r", P, M, D), independent_r(D, B), B != P.\n',
    ),

    "independent": (
        "independent:\n      modules: [app.billing, app.shipping]",
        'independent_r(M, "app.billing") :- under(M, "app.billing").\n'
        'independent_r(M, "app.shipping") :- under(M, "app.shipping").\n'
        'violation("r", F, "", R) :- module(M, F), independent_r(M, _), unreadable(F, R).\n'
        'violation("r", F, D, "M") :- module(M, F), independent_r(M, A), imports(M, D), independent_r(D, B), A != B.\n',
    ),
    "forbid-dependency": (
        'forbid-dependency:\n      packages: [Django, "flask-*"]\n      in: ["services/**/pyproject.toml"]',
        'violation("r", P, "django", "M") :- declares(P, "django"), glob(P, "services/**/pyproject.toml").\n'
        'violation("r", P, D, "M") :- declares(P, D), dist_match(D, "flask-*"), glob(P, "services/**/pyproject.toml").\n',
    ),
    "allow-dependencies": (
        'allow-dependencies:\n      packages: [requests, "types-*"]',
        'allowed_r("requests").\n'
        'allowed_r(D) :- declares(_, D), dist_match(D, "types-*").\n'
        'violation("r", P, D, "M") :- declares(P, D), not allowed_r(D).\n',
    ),
    "protect": (
        'protect:\n      paths: ["adr/**", "CODEOWNERS"]\n      actors: [agent, "bot@example.com"]\n'
        '      unless-approved-by: [owners, "@alice"]',
        'paths_r(P) :- glob(P, "adr/**").\n'
        'paths_r(P) :- glob(P, "CODEOWNERS").\n'
        'approved_r(P) :- rules_owner(P, O), signed_by(O).\n'
        'approved_r(P) :- rules_owner(P, O), pusher(O).\n'
        'approved_r(P) :- changed(P, _), signed_by("alice").\n'
        'approved_r(P) :- changed(P, _), pusher("alice").\n'
        'violation("r", P, "", "M") :- changed(P, _), paths_r(P), actor("agent"), not approved_r(P).\n'
        'violation("r", P, "", "M") :- changed(P, _), paths_r(P), author("bot@example.com"), not approved_r(P).\n',
    ),
    "protect-anyone": (
        'protect:\n      paths: "migrations/**"',
        'violation("r", P, "", "M") :- changed(P, _), glob(P, "migrations/**").\n',
    ),
    "require-owner": (
        'require-owner:\n      paths: ["src/**"]',
        'owned_r(F) :- owner(F, _).\n'
        'violation("r", F, "", "M") :- glob(F, "src/**"), not owned_r(F).\n',
    ),
}


def _kind(name: str) -> str:
    for suffix in ("-transitive", "-containers", "-anyone", "-required", "-unmediated", "-modules", "-max"):
        name = name.split(suffix)[0]
    return name


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_kind_compiles_to_golden_text(name):
    block, expected = GOLDEN[name]
    spec = compile_rule(block)
    assert spec.text == expected
    assert spec.kind == _kind(name)
    # Private helpers are namespaced in the compiled rules; violation is not.
    for rule in spec.rules:
        assert rule.head.pred in ("violation", "ignore_import", "ignore_import_in") or rule.head.pred.startswith("adr_0007__")
        assert rule.origin.line == 5 and rule.origin.adr == "ADR-0007"
        assert rule.origin.rule == ("r" if rule.head.pred == "violation" else rule.origin.rule and "")


def test_registry_matches_schema_and_every_kind_is_tested():
    assert sorted(KINDS) == rule_kinds()
    tested = {_kind(spec) for spec in GOLDEN} | {"datalog"}
    assert tested == set(KINDS)


def test_scope_severity_message_and_expiry():
    protect = compile_rule('protect:\n      paths: "adr/**"', extra="    expires: 2027-01-01\n", header="enforcement: warn\n")
    assert (protect.scope, protect.severity, str(protect.expires)) == ("change", "warn", "2027-01-01")
    assert protect.message == "changes to adr/** are protected"
    imports = compile_rule('forbid-import: {from: "a/**", to: b}', extra="    severity: warn\n")
    assert (imports.scope, imports.severity, imports.message) == ("tree", "warn", "must not import b")


def test_helpers_are_unique_per_rule():
    text = ("---\ntitle: T\nstatus: accepted\nrules:\n"
            "  - id: one\n    require-owner: {paths: a}\n  - id: two\n    require-owner: {paths: b}\n---\n")
    [adr] = load_adrs([("adr/0003-t.md", text.encode(), "b")])
    heads = {r.head.pred for spec in adr.rules for r in spec.rules} - {"violation"}
    assert heads == {"adr_0003__owned_one", "adr_0003__owned_two"}


@pytest.mark.parametrize(
    "block, line, col, fragment",
    [
        ('forbid-import:\n      from: "a/**"\n      to: ["ok", "a.b*"]', 8, 18, "module pattern 'a.b*'"),
        ('forbid-import:\n      from: "a/**"\n      to: "a.*.**"', 8, 7, "module pattern 'a.*.**'"),
        ('forbid-import:\n      from: "a/**"\n      to: a\n      ignore-imports: ["a.b"]', 9, 24, "ignored import 'a.b'"),
        ('layers:\n      layers: [a, "b.*.**"]', 7, 19, "module pattern 'b.*.**'"),
        ('independent:\n      modules: [a, "b c"]', 7, 20, "module prefix 'b c'"),
        ('forbid-dependency:\n      packages: ["bad name"]', 7, 18, "distribution 'bad name'"),
        ('protect:\n      paths: x\n      actors: [robot]', 8, 16, "actor 'robot'"),
        ('layers:\n      layers: [app, [app.api, b]]', 7, 22, "module prefix 'app.api' overlaps 'app'"),
        ('independent:\n      modules: [a, b, a]', 7, 23, "module prefix 'a' overlaps 'a'"),
    ],
)
def test_kind_errors_are_located_at_the_value(block, line, col, fragment):
    with pytest.raises(AdrError) as err:
        compile_rule(block)
    [diag] = err.value.diagnostics
    assert (diag.line, diag.col) == (line, col), str(diag)
    assert fragment in diag.message and diag.message.startswith("rule r:")

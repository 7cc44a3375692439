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
    "forbid-import": (
        'forbid-import:\n      from: ["app/**"]\n      to: ["stripe", "stripe.*"]\n      except: ["app/billing/**"]',
        'violation("r", F, D, "M") :- glob(F, "app/**"), not glob(F, "app/billing/**"), module(M, F), imports(M, D), under(D, "stripe").\n',
    ),
    "forbid-import-transitive": (
        'forbid-import:\n      from: ["app/**", "lib/**"]\n      to: ["requests.adapters", "boto3.*"]\n'
        '      except: ["app/a.py", "app/b.py"]\n      transitive: true',
        'from_r(F) :- glob(F, "app/**").\n'
        'from_r(F) :- glob(F, "lib/**").\n'
        'except_r(F) :- glob(F, "app/a.py").\n'
        'except_r(F) :- glob(F, "app/b.py").\n'
        'violation("r", F, "requests.adapters", "M") :- from_r(F), not except_r(F), module(M, F), reaches(M, "requests.adapters").\n'
        'violation("r", F, D, "M") :- from_r(F), not except_r(F), module(M, F), reaches(M, D), under(D, "boto3"), D != "boto3".\n',
    ),
    "layers": (
        "layers:\n      layers: [app.api, [app.billing, app.shipping], app.domain]",
        'layer_r(M, 0, "app.api", "") :- under(M, "app.api").\n'
        'layer_r(M, 1, "app.billing", "") :- under(M, "app.billing").\n'
        'layer_r(M, 1, "app.shipping", "") :- under(M, "app.shipping").\n'
        'layer_r(M, 2, "app.domain", "") :- under(M, "app.domain").\n'
        'violation("r", F, D, "M") :- module(M, F), layer_r(M, Low, _, C), imports(M, D), layer_r(D, High, _, C), Low > High.\n'
        'violation("r", F, D, "M") :- module(M, F), layer_r(M, R, A, C), imports(M, D), layer_r(D, R, B, C), A != B.\n',
    ),
    "layers-containers": (
        "layers:\n      layers: [api, domain]\n      containers: [svc_a, svc_b]\n      transitive: true",
        'layer_r(M, 0, "api", "svc_a") :- under(M, "svc_a.api").\n'
        'layer_r(M, 0, "api", "svc_b") :- under(M, "svc_b.api").\n'
        'layer_r(M, 1, "domain", "svc_a") :- under(M, "svc_a.domain").\n'
        'layer_r(M, 1, "domain", "svc_b") :- under(M, "svc_b.domain").\n'
        'violation("r", F, D, "M") :- module(M, F), layer_r(M, Low, _, C), reaches(M, D), layer_r(D, High, _, C), Low > High.\n',
    ),
    "independent": (
        "independent:\n      modules: [app.billing, app.shipping]",
        'independent_r(M, "app.billing") :- under(M, "app.billing").\n'
        'independent_r(M, "app.shipping") :- under(M, "app.shipping").\n'
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
        'approved_r(P) :- owner(P, O), signed_by(O).\n'
        'approved_r(P) :- owner(P, O), pusher(O).\n'
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


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_kind_compiles_to_golden_text(name):
    block, expected = GOLDEN[name]
    spec = compile_rule(block)
    assert spec.text == expected
    assert spec.kind == name.split("-transitive")[0].split("-containers")[0].split("-anyone")[0]
    # Private helpers are namespaced in the compiled rules; violation is not.
    for rule in spec.rules:
        assert rule.head.pred == "violation" or rule.head.pred.startswith("adr_0007__")
        assert rule.origin.line == 5 and rule.origin.adr == "ADR-0007"
        assert rule.origin.rule == ("r" if rule.head.pred == "violation" else "")


def test_registry_matches_schema_and_every_kind_is_tested():
    assert sorted(KINDS) == rule_kinds()
    tested = {spec.split("-transitive")[0].split("-containers")[0].split("-anyone")[0] for spec in GOLDEN} | {"datalog"}
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
        ('forbid-import:\n      from: "a/**"\n      to: ["ok", "a.*.b"]', 8, 18, "module pattern 'a.*.b'"),
        ('forbid-import:\n      from: "a/**"\n      to: "*"', 8, 7, "module pattern '*'"),
        ('layers:\n      layers: [a, "b.*"]', 7, 19, "module prefix 'b.*'"),
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

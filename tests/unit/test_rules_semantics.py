"""Compiled kinds mean what docs/rule-language.md says: evaluated on small fact sets by every engine."""
import pytest

from govern.adr import load_adrs
from govern.datalog.engine import get_engine

ENGINES = ["naive", "pydatalog", "clingo"]


def violations(rule_yaml: str, facts: dict[str, set[tuple]], engine: str) -> list[tuple]:
    text = f"---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n    {rule_yaml}\n    message: m\n---\n"
    [spec] = load_adrs([("adr/0001-t.md", text.encode(), "b")]).rules()
    answers = get_engine(engine).evaluate(spec.rules, facts, ["violation"])
    return sorted(subject for _, subject, _, _ in answers["violation"])


def targets(rule_yaml: str, facts: dict[str, set[tuple]], engine: str) -> list[tuple]:
    text = f"---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n    {rule_yaml}\n    message: m\n---\n"
    [spec] = load_adrs([("adr/0001-t.md", text.encode(), "b")]).rules()
    answers = get_engine(engine).evaluate(spec.rules, facts, ["violation"])
    return sorted((subject, target) for _, subject, target, _ in answers["violation"])


def modules(*pairs: str) -> set[tuple]:
    return {(m, m.replace(".", "/") + ".py") for m in pairs}


def under(mods, prefixes) -> set[tuple]:
    return {(m, p) for m in mods for p in prefixes if m == p or m.startswith(p + ".")}


@pytest.mark.parametrize("engine", ENGINES)
def test_forbid_import_with_except(engine):
    mods = ["app.a", "app.billing.pay", "lib.x"]
    imports = {("app.a", "stripe.api"), ("app.billing.pay", "stripe"), ("lib.x", "stripe"), ("app.a", "stripey")}
    files = [m.replace(".", "/") + ".py" for m in mods]
    facts = {
        "module": modules(*mods), "imports": imports,
        "glob": {(f, "app/**") for f in files if f.startswith("app/")} | {("app/billing/pay.py", "app/billing/**")},
        "under": under(["stripe.api", "stripe", "stripey"], ["stripe"]),
    }
    block = 'forbid-import: {from: ["app/**"], to: ["stripe", "stripe.*"], except: ["app/billing/**"]}'
    assert violations(block, facts, engine) == ["app/a.py"]


@pytest.mark.parametrize("engine", ENGINES)
def test_layers_with_siblings(engine):
    mods = ["app.api.v", "app.billing.b", "app.shipping.s", "app.domain.d"]
    imports = {("app.api.v", "app.domain.d"), ("app.domain.d", "app.api.v"),  # down ok, up bad
               ("app.billing.b", "app.shipping.s"), ("app.billing.b", "app.domain.d")}  # sibling bad, down ok
    prefixes = ["app.api", "app.billing", "app.shipping", "app.domain"]
    facts = {"module": modules(*mods), "imports": imports, "under": under(mods, prefixes)}
    block = "layers: {layers: [app.api, [app.billing, app.shipping], app.domain]}"
    assert violations(block, facts, engine) == ["app/billing/b.py", "app/domain/d.py"]


@pytest.mark.parametrize("engine", ENGINES)
def test_allow_dependencies(engine):
    facts = {"declares": {("pyproject.toml", "requests"), ("pyproject.toml", "types-pyyaml"), ("req.txt", "django")},
             "dist_match": {("types-pyyaml", "types-*")}}
    assert violations('allow-dependencies: {packages: [requests, "types-*"]}', facts, engine) == ["req.txt"]


@pytest.mark.parametrize("engine", ENGINES)
def test_protect_needs_an_authenticated_approval(engine):
    base = {"changed": {("adr/0001.md", "M"), ("src/a.py", "M")}, "actor": {("agent",)},
            "glob": {("adr/0001.md", "adr/**")}, "rules_owner": {("adr/0001.md", "alice")},
            "trailer": {("Approved-by", "alice")}}
    block = 'protect: {paths: "adr/**", actors: [agent], unless-approved-by: [owners]}'
    assert violations(block, base, engine) == ["adr/0001.md"]  # a trailer is not an approval
    assert violations(block, {**base, "signed_by": {("alice",)}}, engine) == []
    assert violations(block, {**base, "pusher": {("alice",)}}, engine) == []
    assert violations(block, {**base, "pusher": {("mallory",)}}, engine) == ["adr/0001.md"]
    assert violations(block, {**base, "actor": {("human",)}}, engine) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_require_owner(engine):
    facts = {"glob": {("src/a.py", "src/**"), ("src/b.py", "src/**")}, "owner": {("src/a.py", "team")}}
    assert violations('require-owner: {paths: "src/**"}', facts, engine) == ["src/b.py"]


@pytest.mark.parametrize("engine", ENGINES)
def test_independent_and_containers(engine):
    mods = ["svc.orders.api", "svc.orders.domain", "svc.users.api", "svc.users.domain"]
    imports = {("svc.orders.domain", "svc.orders.api"), ("svc.users.api", "svc.orders.domain"), ("svc.users.api", "svc.users.domain")}
    prefixes = ["svc.orders.api", "svc.orders.domain", "svc.users.api", "svc.users.domain", "svc.orders", "svc.users"]
    facts = {"module": modules(*mods), "imports": imports, "under": under(mods, prefixes)}
    # Inside one container, domain must not import api; across containers layers say nothing.
    layered = "layers: {layers: [api, domain], containers: [svc.orders, svc.users]}"
    assert violations(layered, facts, engine) == ["svc/orders/domain.py"]
    assert violations("independent: {modules: [svc.orders, svc.users]}", facts, engine) == ["svc/users/api.py"]


@pytest.mark.parametrize("engine", ENGINES)
def test_forbid_dependency_in_some_manifests(engine):
    facts = {"declares": {("a/pyproject.toml", "django"), ("b/requirements.txt", "django"), ("a/pyproject.toml", "flask-x")},
             "dist_match": {("flask-x", "flask-*")}, "glob": {("a/pyproject.toml", "*/pyproject.toml")}}
    block = 'forbid-dependency: {packages: [Django, "flask-*"], in: ["*/pyproject.toml"]}'
    # One finding per declared distribution: (subject, target) is each finding's identity.
    assert targets(block, facts, engine) == [("a/pyproject.toml", "django"), ("a/pyproject.toml", "flask-x")]

"""Packed notes: the verdict JSON (format 2) with its findings and proof table written compactly.

A note of a repository with heavy legacy debt holds one proof per violation: 15,000 violations
and 68,000 distinct proof nodes at 10,000 modules, 64 MB as nested JSON, still ~35 MB as a
table of nodes keyed by their 64-hex ids. Packed, every key of the verdict but `violations`,
`exemptions` and `proofs` stays as it is (`jq .verdict` works on a note) and those three
become one `packed` object (docs/json-format.md, "Verdict notes"):

* `names`: the predicates, extractors and operators; `values`: every other string or integer,
  sorted (integers first), a string sharing a prefix of 4 or more characters with the one
  before written `[n, suffix]` (module names and paths share long prefixes);
* `clauses`: each rule clause once (its origin, text, head predicate and variables) with how
  its instances' bindings and conclusion follow from their children (`from`: [child, argument]
  per variable, `head`: ["v", variable] or ["c", constant] per argument), learnt from the
  instances themselves: a rule node is then its clause and its children;
* `nodes`: every proof node once, children before parents, a child named by how many nodes
  back it is; ids are not stored (they are content hashes, recomputed when read);
* `violations`: a violation whose every field follows from its proof (rule, subject, target and
  message from the conclusion, ADR and severity from `rules`, title from `adrs`, location from
  the proof as the judge computes it) is its root node's index, `~index` when legacy; an
  exemption `[exempt root, violation root]` (`~` on the first when legacy); anything else is the
  finding's object with node indexes for proofs.

The encoder checks each node and finding by decoding it: what would not come back exactly is
written out in full (a node as its table object, `[7, {...}]`). The same verdict gives the same
bytes (every table is sorted or in the findings' order). Reading walks the lists once; nothing
recurses.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from govern.datalog.proof import canonical, flat_id

VERSION = 1
FACT, BARE_FACT, RULE, ABSENCE, COMPARISON, REACHES, AGGREGATE, VERBATIM = range(8)
_SHARED = 4  # a string sharing at least this many leading characters with the previous is [n, suffix]
_NO_FILE = {"path": "", "line": 0, "blob": ""}


def pack(verdict: Mapping[str, Any]) -> dict[str, Any]:
    """The note object of a verdict JSON (Verdict.to_json())."""
    table = verdict.get("proofs") or {}
    order = _post_order(table, _roots(verdict))
    index = {nid: i for i, nid in enumerate(order)}
    flats = [table[nid] for nid in order]
    clauses = _clauses(flats, table)
    interned = _Interner()
    candidates = [_encode(i, flat, index, clauses, interned) for i, flat in enumerate(flats)]
    interned.freeze()
    decoder = _Decoder(interned.names, interned.values, interned.files, interned.shapes,
                       clauses.ordered, verdict)
    nodes = []
    for i, (candidate, flat) in enumerate(zip(candidates, flats)):
        want = ({k: v for k, v in flat.items() if k != "children"}, [index[c] for c in flat["children"]])
        packed = next((p for p in map(interned.resolve, candidate) if _decodes(decoder, p, i, want)), None)
        if packed is None:  # written out in full: its table object
            packed = [interned.verbatim, {**want[0], "children": [_ref(i, c) for c in want[1]]}]
        decoder.node(packed, i)
        nodes.append(packed)
    violations = [_finding(f, index, order, decoder, False) for f in verdict.get("violations") or []]
    exemptions = [_finding(f, index, order, decoder, True) for f in verdict.get("exemptions") or []]
    head = {k: v for k, v in verdict.items() if k not in ("violations", "exemptions", "proofs")}
    if isinstance(head.get("change"), Mapping):  # its allowances' proofs are nodes too
        head["change"] = _allowed(head["change"], lambda p: index[p] if isinstance(p, str) else p)
    return head | {"packed": {"version": VERSION, "names": interned.names, "values": _front_coded(interned.values),
                              "files": interned.files, "shapes": interned.shapes,
                              "clauses": clauses.ordered, "nodes": nodes,
                              "violations": violations, "exemptions": exemptions}}


def unpack(note: Mapping[str, Any]) -> dict[str, Any]:
    """The verdict JSON (format 2) a packed note holds; ValueError/KeyError/TypeError/IndexError
    on a malformed one (the caller reports it)."""
    packed = note["packed"]
    if not isinstance(packed, Mapping) or packed.get("version") != VERSION:
        raise ValueError(f"packed note version {packed.get('version') if isinstance(packed, Mapping) else packed!r} "
                         f"is not {VERSION} (a newer govern wrote it?)")
    head = {k: v for k, v in note.items() if k != "packed"}
    decoder = _Decoder(list(packed["names"]), _unfront(packed["values"]), list(packed["files"]),
                       list(packed["shapes"]), list(packed["clauses"]), head)
    for i, node in enumerate(packed["nodes"]):
        decoder.node(node, i)
    ids = decoder.ids()
    violations = [decoder.finding(f, False, ids) for f in packed["violations"]]
    exemptions = [decoder.finding(f, True, ids) for f in packed["exemptions"]]
    proofs = {ids[i]: decoder.flat(i, ids) for i in range(len(ids))}
    if isinstance(head.get("change"), Mapping):
        head["change"] = _allowed(head["change"], lambda p: ids[decoder._index(p)] if type(p) is int else p)
    return head | {"violations": violations, "exemptions": exemptions, "proofs": proofs}


# --- encoding -------------------------------------------------------------------------------------------

def _decodes(decoder: "_Decoder", packed: list, i: int, want: tuple) -> bool:
    try:
        return decoder.decode(packed, i) == want
    except (KeyError, TypeError, ValueError, IndexError):
        return False


def _allowed(change: Mapping[str, Any], proof) -> dict:
    """The `change` record with each allowance's proof mapped by `proof` (id <-> node index)."""
    allowed = change.get("allowed")
    if not isinstance(allowed, list):
        return dict(change)
    return {**change, "allowed": [dict(a, proof=proof(a.get("proof"))) if isinstance(a, Mapping) else a
                                  for a in allowed]}


def _roots(verdict: Mapping[str, Any]) -> list[str]:
    change = verdict.get("change")
    out = [a["proof"] for a in (change.get("allowed") or []) if isinstance(a.get("proof"), str)] \
        if isinstance(change, Mapping) else []
    for key, fields in (("violations", ("proof",)), ("exemptions", ("proof", "violation_proof"))):
        for finding in verdict.get(key) or []:
            out += [finding[f] for f in fields if isinstance(finding.get(f), str)]
    return out


def _post_order(table: Mapping[str, Any], roots: Iterable[str]) -> list[str]:
    """Node ids reachable from the roots, each after its children (explicit stack)."""
    order, placed, stack = [], set(), [(root, False) for root in reversed(list(roots))]
    while stack:
        nid, leaving = stack.pop()
        if leaving:
            if nid not in placed:
                placed.add(nid)
                order.append(nid)
        elif nid not in placed:
            stack.append((nid, True))
            stack += [(child, False) for child in reversed(table[nid]["children"])]
    return order


class _Interner:
    """Names and values met while encoding; references are placeholders until `freeze` sorts them."""

    def __init__(self) -> None:
        self.names: list = []
        self.values: list = []
        self.files: list = []
        self.shapes: list = []
        self._names: dict = {}
        self._values: dict = {}
        self._files: dict = {}
        self._shapes: dict = {(VERBATIM,): (VERBATIM,)}

    def name(self, text: Any) -> tuple:
        if not isinstance(text, str):
            raise _Unpackable
        return ("n", self._names.setdefault(text, text))

    def value(self, value: Any) -> tuple:
        """A value (an integer or a string; anything else cannot be packed)."""
        if type(value) not in (int, str):
            raise _Unpackable
        return ("v", self._values.setdefault((type(value) is str, value), value))

    def shape(self, kind: int, *parts: Any) -> tuple:
        """A node's kind with the names (or clause) every node of that shape shares."""
        for part in parts:
            if not isinstance(part, int):
                self.name(part)
        return ("s", self._shapes.setdefault((kind, *parts), (kind, *parts)))

    def file(self, path: Any, blob: Any) -> tuple:
        self.value(path), self.value(blob)
        return ("f", self._files.setdefault((path, blob), (path, blob)))

    def freeze(self) -> None:
        self.names = sorted(self._names)
        self.values = [v for _, v in sorted(self._values)]
        self._name_at = {n: i for i, n in enumerate(self.names)}
        self._value_at = {(type(v) is str, v): i for i, v in enumerate(self.values)}
        self.files = sorted([self._value_at[(True, p)], self._value_at[(True, b)]] for p, b in self._files)
        self._file_at = {(self.values[p], self.values[b]): i for i, (p, b) in enumerate(self.files)}
        resolved = {key: [key[0], *(x if isinstance(x, int) else self._name_at[x] for x in key[1:])]
                    for key in self._shapes}
        self.shapes = sorted(resolved.values())
        self._shape_at = {key: self.shapes.index(shape) for key, shape in resolved.items()}
        self.verbatim = self._shape_at[(VERBATIM,)]

    def resolve(self, item: Any) -> Any:
        if isinstance(item, tuple):
            if item[0] == "f":
                return self._file_at[item[1]]
            if item[0] == "s":
                return self._shape_at[item[1]]
            return self._name_at[item[1]] if item[0] == "n" else self._value_at[(type(item[1]) is str, item[1])]
        if isinstance(item, list):
            return [self.resolve(x) for x in item]
        if isinstance(item, dict):
            return {k: self.resolve(v) for k, v in item.items()}
        return item


class _Unpackable(Exception):
    """A value the packed forms cannot hold: the node is written out in full."""


class _Clauses:
    """Clause entries (sorted) and, per rule node, its entry's index."""

    def __init__(self) -> None:
        self.ordered: list[dict] = []
        self.of: dict[int, int] = {}


def _clause_key(flat: Mapping[str, Any]) -> tuple:
    conclusion = flat.get("conclusion") or {}
    return (_canon(flat.get("rule")), conclusion.get("pred"), len(conclusion.get("args") or ()),
            tuple(sorted(flat.get("bindings") or {})), len(flat["children"]))


def _clauses(flats: list, table: Mapping[str, Any]) -> _Clauses:
    """One entry per clause (and shape), its binding and head templates learnt from every instance."""
    groups: dict[tuple, list[int]] = {}
    for i, flat in enumerate(flats):
        if flat.get("kind") == "rule" and isinstance(flat.get("rule"), Mapping) and "conclusion" in flat:
            groups.setdefault(_clause_key(flat), []).append(i)
    out = _Clauses()
    entries = []
    for key, members in groups.items():
        instances = [flats[i] for i in members]
        kids = [[table[c] for c in flat["children"]] for flat in instances]
        first = instances[0]
        names = list(key[3])
        sources = [_source_of(name, instances, kids) for name in names]
        head = [_term_of([f["conclusion"]["args"][a] for f in instances], names, instances) for a in range(key[2])]
        entry = {"rule": first["rule"], "pred": first["conclusion"]["pred"], "vars": names,
                 "from": sources, "head": None if None in head else head,
                 "derive": [_derived_child(c, names, instances, kids) for c in range(key[4])]}
        entries.append((_canon(entry), entry, members))
    for position, (_, entry, members) in enumerate(sorted(entries, key=lambda e: e[0])):
        out.ordered.append(entry)
        out.of.update((i, position) for i in members)
    return out


def _source_of(name: str, instances: list, kids: list) -> list[int] | None:
    """[child, argument] where every instance's child conclusion holds the variable's value
    (not a comparison or an absence: those may be derived from the bindings)."""
    for c, child in enumerate(kids[0]):
        if child.get("kind") in _DERIVABLE:
            continue
        for a in range(len((child.get("conclusion") or {}).get("args") or ())):
            if all(_same(_arg(k[c], a), flat["bindings"][name]) for flat, k in zip(instances, kids)):
                return [c, a]
    return None


def _term_of(values: list, names: list[str], instances: list) -> list | None:
    """How a value follows in every instance: ["v", variable] or ["c", constant]; None if not."""
    for v, name in enumerate(names):
        if all(_same(value, flat["bindings"][name]) for value, flat in zip(values, instances)):
            return ["v", v]
    if type(values[0]) in (int, str) and all(_same(value, values[0]) for value in values):
        return ["c", values[0]]
    return None


def _derived_child(c: int, names: list[str], instances: list, kids: list) -> list | None:
    """A comparison or an absence child that follows from the bindings in every instance:
    ["comparison", op, left, right] or ["absence", pred, [arg, …]] (terms as _term_of)."""
    children = [k[c] for k in kids]
    kind = children[0].get("kind")
    if kind not in _DERIVABLE or any(set(child) != set(children[0]) for child in children):
        return None
    try:
        if kind == "comparison":
            cmps = [child["comparison"] for child in children]
            if set(cmps[0]) != {"op", "left", "right"} or any(x["op"] != cmps[0]["op"] for x in cmps):
                return None
            terms = [_term_of([x[side] for x in cmps], names, instances) for side in ("left", "right")]
            return None if None in terms else ["comparison", cmps[0]["op"], *terms]
        atoms = [child["conclusion"] for child in children]
        if any(x["pred"] != atoms[0]["pred"] or len(x["args"]) != len(atoms[0]["args"]) for x in atoms):
            return None
        terms = [_term_of([x["args"][a] for x in atoms], names, instances) for a in range(len(atoms[0]["args"]))]
        return None if None in terms else ["absence", atoms[0]["pred"], terms]
    except (KeyError, TypeError, AttributeError):
        return None


_DERIVABLE = ("comparison", "absence")


def _arg(node: Mapping, position: int) -> Any:
    args = (node.get("conclusion") or {}).get("args") or ()
    return args[position] if position < len(args) else _MISSING


_MISSING = object()


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _encode(i: int, flat: Mapping, index: Mapping[str, int], clauses: _Clauses, v: _Interner) -> list[list]:
    """Packed forms of a node, shortest first (placeholders for shapes, values and files); the
    first that decodes exactly is written."""
    try:
        kids = [_ref(i, index[c]) for c in flat["children"]]
        kind, conclusion = flat.get("kind"), flat.get("conclusion") or {}
        pred, args = conclusion.get("pred"), [v.value(a) for a in conclusion.get("args") or ()]
        if kind == "fact":
            source = flat.get("source") or {}
            if {k: source.get(k) for k in _NO_FILE} == _NO_FILE:
                return [[v.shape(BARE_FACT, pred, source.get("extractor"))] + args]
            return [[v.shape(FACT, pred, source.get("extractor")), v.file(source.get("path"), source.get("blob")),
                     source.get("line")] + args]
        if kind == "rule":
            entry = clauses.ordered[clauses.of[i]]
            bindings = flat.get("bindings") or {}
            explicit = [v.value(bindings[n]) for n, s in zip(entry["vars"], entry["from"]) if s is None]
            kids = [ref for ref, derived in zip(kids, entry["derive"]) if derived is None]
            return [[v.shape(RULE, clauses.of[i]), kids] + explicit + (args if entry["head"] is None else [])]
        if kind == "absence":
            return [[v.shape(ABSENCE, pred)] + args]
        if kind == "comparison":
            c = flat["comparison"]
            return [[v.shape(COMPARISON, c["op"]), v.value(c["left"]), v.value(c["right"])]]
        if kind == "reaches":  # the chain's ends (and graph) usually follow from its steps
            return [[v.shape(REACHES, pred), kids], [v.shape(REACHES, pred), kids] + args]
        if kind == "aggregate":
            g = flat["aggregate"]
            return [[v.shape(AGGREGATE, pred, g["op"]), v.value(g["value"]), g["count"], v.value(g["digest"]), kids]
                    + args]
    except (_Unpackable, KeyError, TypeError, IndexError):
        pass
    return []


def _ref(parent: int, child: int) -> int:
    """A child named by its distance back (>= 1) or, when shorter to write, ~its index (< 0)."""
    distance, absolute = parent - child, ~child
    return absolute if len(str(absolute)) < len(str(distance)) else distance


def _finding(finding: Mapping[str, Any], index: Mapping[str, int], order: list[str], decoder: "_Decoder",
             exemption: bool) -> Any:
    """A finding's packed form: derived from its proof(s) when that gives it back exactly."""
    proof, lifted = finding.get("proof"), finding.get("violation_proof")
    if isinstance(proof, str) and (not exemption or isinstance(lifted, str)):
        root = index[proof] if finding.get("new") is not False else ~index[proof]
        packed = [root, index[lifted]] if exemption else root
        try:
            if decoder.derived(packed, exemption, order) == dict(finding):
                return packed
        except (KeyError, TypeError, ValueError, IndexError):
            pass
    out = dict(finding)
    for key in ("proof", "violation_proof"):
        if isinstance(out.get(key), str):
            out[key] = index[out[key]]
    return out


def _front_coded(values: list) -> list:
    out, previous = [], None
    for value in values:
        if isinstance(value, str) and previous is not None:
            n = _common(previous, value)
            out.append([n, value[n:]] if n >= _SHARED else value)
        else:
            out.append(value)
        previous = value if isinstance(value, str) else None
    return out


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _canon(data: Any) -> str:
    return canonical(data)


# --- decoding -------------------------------------------------------------------------------------------

def _unfront(items: list) -> list:
    out: list = []
    previous = ""
    for item in items:
        if isinstance(item, list):
            n, suffix = item
            if not (isinstance(n, int) and isinstance(suffix, str)) or n > len(previous):
                raise ValueError(f"bad packed value {item!r}")
            item = previous[:n] + suffix
        elif type(item) not in (int, str):
            raise ValueError(f"bad packed value {item!r}")
        out.append(item)
        previous = item if isinstance(item, str) else ""
    return out


class _Decoder:
    """Rebuilds nodes in order (children first), each as (content, children indexes)."""

    def __init__(self, names: list, values: list, files: list, shapes: list, clauses: list,
                 head: Mapping[str, Any]) -> None:
        self.names, self.values, self.files, self.shapes, self.clauses = names, values, files, shapes, clauses
        self.nodes: list[tuple[dict, list[int]]] = []
        self.rules = {}
        for r in head.get("rules") or []:
            if isinstance(r, Mapping) and r.get("kind") != "exempt":
                self.rules.setdefault(r.get("id"), []).append(r)
        self._known: dict[str, int] = {}
        self.titles = {a.get("id"): a.get("title") for a in head.get("adrs") or [] if isinstance(a, Mapping)}

    def node(self, packed: Any, i: int) -> None:
        """Decode node `i` (every node before it is decoded) and keep it."""
        self.nodes.append(self.decode(packed, i))
        content = self.nodes[-1][0]
        if content.get("kind") in _DERIVABLE:  # a rule node may name it by its content
            self._known.setdefault(_content_key(content), i)

    def _kids(self, refs: Any, i: int) -> list[int]:
        """Children before node `i`: r > 0 is r nodes back, r < 0 the node ~r."""
        if not isinstance(refs, list) or not all(type(r) is int and r != 0 and -i <= r <= i for r in refs):
            raise ValueError(f"node {i}: bad child references")
        return [i - r if r > 0 else ~r for r in refs]

    def decode(self, p: Any, i: int) -> tuple[dict, list[int]]:
        """Node `i` as (its content, its children's indexes)."""
        val = lambda x: _at(self.values, x)  # noqa: E731
        if not isinstance(p, list) or not p:
            raise ValueError(f"node {i} is not a packed node")
        kind, *parts = _at(self.shapes, p[0])
        names = [_at(self.names, x) for x in parts]
        if kind == FACT:
            path, blob = _at(self.files, p[1])
            return ({"kind": "fact", "conclusion": _atom(names[0], map(val, p[3:])),
                     "source": {"extractor": names[1], "path": val(path), "line": p[2], "blob": val(blob)}}, [])
        if kind == BARE_FACT:
            return ({"kind": "fact", "conclusion": _atom(names[0], map(val, p[1:])),
                     "source": {"extractor": names[1], **_NO_FILE}}, [])
        if kind == RULE:
            return self._rule(_at(self.clauses, parts[0]), p, i)
        if kind == ABSENCE:
            return {"kind": "absence", "conclusion": _atom(names[0], map(val, p[1:]))}, []
        if kind == COMPARISON:
            return {"kind": "comparison", "comparison": {"op": names[0], "left": val(p[1]), "right": val(p[2])}}, []
        if kind == REACHES:
            kids = self._kids(p[1], i)
            args = list(map(val, p[2:])) if len(p) > 2 else self._chain_ends(kids)
            return {"kind": "reaches", "conclusion": _atom(names[0], args)}, kids
        if kind == AGGREGATE:
            return ({"kind": "aggregate", "conclusion": _atom(names[0], map(val, p[5:])),
                     "aggregate": {"op": names[1], "value": val(p[1]), "count": p[2], "digest": val(p[3])}},
                    self._kids(p[4], i))
        if kind == VERBATIM and isinstance(p[1], Mapping):
            content = {k: v for k, v in p[1].items() if k != "children"}
            return content, self._kids(p[1].get("children"), i)
        raise ValueError(f"node {i}: unknown packed kind {kind!r}")

    def _chain_ends(self, kids: list[int]) -> list:
        """reaches(S, D) of a chain of imports facts; reaches_except(G, S, D) (reaches_in(G, P,
        S, D)) when each step is followed by the absence of ignore_import(G, …) (ignore_import_in(G, P, …))."""
        steps = [self.nodes[k][0] for k in kids]
        facts = [s["conclusion"]["args"] for s in steps if s["kind"] == "fact"]
        graphs = [list(s["conclusion"]["args"][:-2]) for s in steps if s["kind"] == "absence"]
        return (graphs[0] if graphs else []) + [facts[0][0], facts[-1][1]]

    def _rule(self, entry: Mapping[str, Any], p: list, i: int) -> tuple[dict, list[int]]:
        given = iter(self._kids(p[1], i))
        derive = entry["derive"]
        kids = [None if how else next(given) for how in derive]
        if next(given, None) is not None:
            raise ValueError(f"node {i}: more children than its clause has")
        explicit = iter(p[2:])
        names = entry["vars"]
        bindings = {}
        for name, source in zip(names, entry["from"]):
            if source is None:
                bindings[name] = _at(self.values, next(explicit))
            else:
                child, arg = source
                bindings[name] = self.nodes[kids[child]][0]["conclusion"]["args"][arg]

        def term(t: list) -> Any:
            return bindings[names[t[1]]] if t[0] == "v" else t[1]

        for c, how in enumerate(derive):
            if how:
                content = ({"kind": "comparison", "comparison": {"op": how[1], "left": term(how[2]), "right": term(how[3])}}
                           if how[0] == "comparison" else
                           {"kind": "absence", "conclusion": _atom(how[1], map(term, how[2]))})
                kids[c] = self._known[_content_key(content)]
        if entry["head"] is None:
            args = [_at(self.values, x) for x in explicit]
        else:
            args = [term(t) for t in entry["head"]]
            if next(explicit, None) is not None:
                raise ValueError(f"node {i}: extra values")
        content = {"kind": "rule", "conclusion": {"pred": entry["pred"], "args": args}, "rule": entry["rule"]}
        if bindings:
            content["bindings"] = bindings
        return content, kids

    def ids(self) -> list[str]:
        ids: list[str] = []
        for content, kids in self.nodes:
            ids.append(flat_id({**content, "children": [ids[k] for k in kids]}))
        return ids

    def flat(self, i: int, ids: list[str]) -> dict:
        content, kids = self.nodes[i]
        return {**content, "children": [ids[k] for k in kids]}

    def finding(self, packed: Any, exemption: bool, ids: list[str]) -> dict:
        if isinstance(packed, Mapping):
            out = dict(packed)
            for key in ("proof", "violation_proof"):
                if type(out.get(key)) is int:
                    out[key] = ids[self._index(out[key])]
            return out
        return self.derived(packed, exemption, ids)

    def _index(self, i: Any) -> int:
        if type(i) is not int or not 0 <= i < len(self.nodes):
            raise ValueError(f"no proof node {i}")
        return i

    def derived(self, packed: Any, exemption: bool, ids: list[str]) -> dict:
        """The finding a packed reference stands for (`ids`: each node's id)."""
        root, lifted = (packed if exemption else (packed, None))
        if type(root) is not int:
            raise ValueError(f"bad packed finding {packed!r}")
        new = root >= 0
        root = self._index(root if new else ~root)
        violation = self._index(lifted) if exemption else root
        conclusion = self.nodes[violation][0]["conclusion"]
        if conclusion["pred"] != "violation" or len(conclusion["args"]) != 4:
            raise ValueError("not a violation")
        rule, subject, target, message = conclusion["args"]
        # Its rule in the note's header (a note whose header was edited may lack it: the finding
        # is then read without ADR and severity, and `why --verify` reports both).
        specs = self.rules.get(rule) if isinstance(rule, str) else None
        spec = specs[0] if specs and len(specs) == 1 else {}
        out = {"rule": rule, "adr": spec.get("adr"), "adr_title": self.titles.get(spec.get("adr"), ""),
               "subject": subject,
               "target": target, "location": self._location(violation, subject), "message": message,
               "severity": spec.get("severity"), "new": new}
        if exemption:
            exempt = self.nodes[root][0]["conclusion"]
            if exempt["pred"] != "exempt" or len(exempt["args"]) != 4:
                raise ValueError("not an exemption")
            out["reason"] = exempt["args"][3]
        return out | {"proof": ids[root], **({"violation_proof": ids[violation]} if exemption else {})}

    def _location(self, root: int, subject: Any) -> str:
        """As govern.verdict.proofwalk.subject_location: the first fact, pre-order, read from the
        subject file at a line."""
        stack, seen = [root], set()
        while stack:
            i = stack.pop()
            if i in seen:
                continue
            seen.add(i)
            content, kids = self.nodes[i]
            source = content.get("source")
            if content.get("kind") == "fact" and isinstance(source, Mapping) and source.get("path"):
                line = int(source.get("line") or 0)
                if source["path"] == subject and line:
                    return f"{source['path']}:{line}"
            stack += reversed(kids)
        return subject


def _content_key(content: Mapping[str, Any]) -> tuple:
    """A comparison's or an absence's content as a key (type-exact: 1 is not "1")."""
    if content["kind"] == "comparison":
        c = content["comparison"]
        return ("comparison", c["op"], type(c["left"]).__name__, c["left"], type(c["right"]).__name__, c["right"])
    atom = content["conclusion"]
    return ("absence", atom["pred"], *((type(a).__name__, a) for a in atom["args"]))


def _at(items: list, i: Any) -> Any:
    if type(i) is not int or not 0 <= i < len(items):
        raise ValueError(f"bad packed reference {i!r}")
    return items[i]


def _atom(pred: str, args: Iterable) -> dict:
    return {"pred": pred, "args": list(args)}

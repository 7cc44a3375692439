"""YAML for hostile front matter: safe tags only, bounded aliases, depth and expansion.

PyYAML's SafeLoader refuses python/* tags, but it happily builds a "billion laughs"
document whose aliases expand exponentially once anything walks the data. This
loader counts alias events and the expanded size of every node while composing, so
a bomb fails after a few hundred nodes instead of hanging the schema validation.
It also resolves YAML 1.1 oddities the way people read them: `off`/`no`/`yes` stay
strings (`enforcement: off`), and dates stay strings (the schema checks them).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import frontmatter
import yaml
from yaml.composer import ComposerError
from yaml.nodes import MappingNode, SequenceNode

MAX_ALIASES = 100
MAX_NODES = 20_000  # expanded (aliases counted at their full size)
MAX_DEPTH = 50


class YamlProblem(Exception):
    """Bad YAML: 1-based line and column in the parsed text, one-line message."""

    def __init__(self, line: int, col: int, message: str):
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


class BoundedSafeLoader(yaml.SafeLoader):
    """SafeLoader + limits on aliases, nesting and expanded size; no timestamps; booleans true/false only."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str):
        super().__init__(stream)
        self.aliases = 0
        self.depth = 0
        self.sizes: dict[int, int] = {}

    def compose_node(self, parent, index):
        mark = self.peek_event().start_mark
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise ComposerError(None, None, f"more than {MAX_ALIASES} aliases", mark)
            target = self.anchors.get(self.peek_event().anchor)
            if target is not None and id(target) not in self.sizes:  # an alias to an unfinished ancestor
                raise ComposerError(None, None, "recursive alias", mark)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ComposerError(None, None, f"nesting deeper than {MAX_DEPTH}", mark)
        node = super().compose_node(parent, index)
        self.depth -= 1
        self._account(node, mark)
        return node

    def _account(self, node, mark) -> None:
        """Memoise the expanded size of `node` (children are always finished before their parent)."""
        if id(node) in self.sizes:
            return
        if isinstance(node, SequenceNode):
            children = node.value
        elif isinstance(node, MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = []
        size = 1 + sum(self.sizes[id(c)] for c in children)
        if size > MAX_NODES:
            raise ComposerError(None, None, f"document expands to more than {MAX_NODES} nodes (alias bomb?)", mark)
        self.sizes[id(node)] = size


BoundedSafeLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass(frozen=True)
class Loaded:
    data: object
    positions: dict[tuple, tuple[int, int]]  # path → (line, col) of the key / item, 1-based
    duplicates: list[tuple[int, int, str]]


def load_yaml(text: str) -> Loaded:
    """Parse one YAML document; raise YamlProblem with the position of the first error."""
    loader = BoundedSafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(line, col, f"invalid YAML: {err.problem or err.context}") from None
    except yaml.YAMLError as err:
        raise YamlProblem(1, 1, f"invalid YAML: {err}") from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps us far from the limit
        raise YamlProblem(1, 1, "invalid YAML: nesting too deep") from None
    finally:
        loader.dispose()
    positions: dict[tuple, tuple[int, int]] = {}
    duplicates: list[tuple[int, int, str]] = []
    if node is not None:
        _walk(node, (), positions, duplicates)
    return Loaded(data, positions, duplicates)


def _walk(node, path: tuple, positions: dict, duplicates: list) -> None:
    """Record where every mapping key and sequence item starts; flag duplicate keys."""
    if isinstance(node, MappingNode):
        seen = set()
        for key, value in node.value:
            name = key.value if isinstance(key.value, str) else repr(key.value)
            where = (key.start_mark.line + 1, key.start_mark.column + 1)
            if name in seen:
                duplicates.append((*where, f"duplicate key {name!r}"))
            seen.add(name)
            positions.setdefault(path + (name,), where)
            _walk(value, path + (name,), positions, duplicates)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            positions.setdefault(path + (i,), (item.start_mark.line + 1, item.start_mark.column + 1))
            _walk(item, path + (i,), positions, duplicates)


class SafeYAMLHandler(frontmatter.YAMLHandler):
    """python-frontmatter handler: `---` lines only (no `\\s*` spanning lines), bounded safe YAML."""

    FM_BOUNDARY = re.compile(r"^-{3,}[ \t]*$", re.MULTILINE)

    def load(self, fm: str, **kwargs) -> object:
        return load_yaml(fm).data

"""A directed graph (the import graph) and the two searches `reaches` needs.

Nodes are numbered in value order and adjacency lists are sorted, so every
search visits nodes in the same order on every run.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from govern.datalog.model import Value, sort_rows, sort_values

Pair = tuple[Value, Value]


class Graph:
    def __init__(self, edges: Iterable[Pair]) -> None:
        # Edges in value order make every adjacency list come out sorted as it is filled:
        # a node's successors ascend for a fixed source, its predecessors ascend with the source.
        edges = sort_rows(edges)
        self.kept_only = False  # only the edges some sources reach (FactStore.keep_reachable)
        sources, targets = [a for a, _ in edges], [b for _, b in edges]
        self.nodes: list[Value] = sort_values(set(sources) | set(targets))
        self.index = index = {n: i for i, n in enumerate(self.nodes)}
        self.succ: list[list[int]] = [[] for _ in self.nodes]
        self.pred: list[list[int]] = [[] for _ in self.nodes]
        succ, pred = self.succ, self.pred
        for i, j in zip(map(index.__getitem__, sources), map(index.__getitem__, targets)):
            succ[i].append(j)
            pred[j].append(i)

    def shortest_path(self, src: int, dst: int) -> list[int]:
        """The nodes of a shortest path src -> dst of at least one edge ([] when there is
        none; src == dst: the shortest cycle through src). Bidirectional BFS, whole levels,
        adjacency in node order: the same path every run."""
        if src == dst:
            best: list[int] = []
            for nxt in self.succ[src]:
                rest = [src] if nxt == src else self.shortest_path(nxt, src)
                if rest and (not best or len(rest) + 1 < len(best)):
                    best = [src, *rest]
            return best
        before: dict[int, int | None] = {src: None}  # node -> previous node from src
        after: dict[int, int | None] = {dst: None}  # node -> next node toward dst
        depth: dict[int, int] = {src: 0, dst: 0}  # distance from src (forward) or to dst (backward)
        ahead, behind = [src], [dst]
        while ahead and behind:
            forward = len(ahead) <= len(behind)
            frontier, seen, other = (ahead, before, after) if forward else (behind, after, before)
            adjacency = self.succ if forward else self.pred
            grown, meet = [], None
            for node in frontier:
                for nxt in adjacency[node]:
                    if nxt in seen:
                        continue
                    seen[nxt] = node
                    grown.append(nxt)
                    # Meets in one level can differ in their distance on the other side: keep the nearest.
                    if nxt in other and (meet is None or depth[nxt] < depth[meet]):
                        meet = nxt
                    else:
                        depth.setdefault(nxt, depth[node] + 1)
            if meet is not None:
                return _join(before, after, meet)
            if forward:
                ahead = grown
            else:
                behind = grown
        return []

    def _ids(self, values: set[Value] | None) -> list[int]:
        if values is None:
            return list(range(len(self.nodes)))
        return sorted(self.index[v] for v in values if v in self.index)

    def nearest(self, sources: set[Value] | None, targets: set[Value] | None) -> set[Pair]:
        """For each source reaching some target (in ≥ 1 step), one pair with its nearest target.

        Multi-source BFS backwards from the targets: a node first discovered
        from target t at depth k reaches t in k steps and no target in fewer.
        """
        witness: dict[int, int] = {}
        queue: deque[int] = deque()
        for t in self._ids(targets):
            for u in self.pred[t]:
                if u not in witness:
                    witness[u] = t
                    queue.append(u)
        while queue:
            v = queue.popleft()
            for u in self.pred[v]:
                if u not in witness:
                    witness[u] = witness[v]
                    queue.append(u)
        wanted = None if sources is None else set(self._ids(sources))
        return {
            (self.nodes[s], self.nodes[t]) for s, t in witness.items() if wanted is None or s in wanted
        }

    def pairs(self, sources: set[Value] | None, targets: set[Value] | None) -> set[Pair]:
        """Every (source, target) with target reachable from source in ≥ 1 step."""
        target_ids = self._ids(targets)
        bit = {t: 1 << k for k, t in enumerate(target_ids)}
        comp, order = self.components()
        reach = [0] * len(order)
        for c, members in enumerate(order):  # sinks first: successors are done
            bits = 0
            for u in members:
                for v in self.succ[u]:
                    bits |= bit.get(v, 0)
                    if comp[v] != c:
                        bits |= reach[comp[v]]
            reach[c] = bits
        out: set[Pair] = set()
        for s in self._ids(sources):
            bits = reach[comp[s]]
            while bits:
                low = bits & -bits
                out.add((self.nodes[s], self.nodes[target_ids[low.bit_length() - 1]]))
                bits ^= low
        return out

    def components(self) -> tuple[list[int], list[list[int]]]:
        """Strongly connected components (iterative Tarjan), in reverse topological order."""
        n = len(self.nodes)
        index, low, comp = [-1] * n, [0] * n, [-1] * n
        on_stack = [False] * n
        stack: list[int] = []
        order: list[list[int]] = []
        counter = 0
        for root in range(n):
            if index[root] != -1:
                continue
            work = [(root, 0)]
            while work:
                v, i = work.pop()
                if i == 0:
                    index[v] = low[v] = counter
                    counter += 1
                    stack.append(v)
                    on_stack[v] = True
                if i < len(self.succ[v]):
                    work.append((v, i + 1))
                    w = self.succ[v][i]
                    if index[w] == -1:
                        work.append((w, 0))
                    elif on_stack[w]:
                        low[v] = min(low[v], index[w])
                    continue
                if low[v] == index[v]:
                    members = []
                    while True:
                        w = stack.pop()
                        on_stack[w] = False
                        comp[w] = len(order)
                        members.append(w)
                        if w == v:
                            break
                    order.append(members)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
        return comp, order


def _join(before: dict, after: dict, meet: int) -> list[int]:
    path = [meet]
    while before[path[0]] is not None:
        path.insert(0, before[path[0]])
    while after[path[-1]] is not None:
        path.append(after[path[-1]])
    return path

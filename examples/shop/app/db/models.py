"""Storage models (plain dataclasses standing in for an ORM)."""
from dataclasses import dataclass, field
import itertools

_ids = itertools.count(1)


@dataclass
class Order:
    customer: str
    items: list
    id: int = field(default_factory=lambda: next(_ids))

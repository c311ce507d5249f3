"""Things in a file that are not errors but deserve a look, counted with a few examples."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EXAMPLES = 5


@dataclass
class Anomaly:
    """One kind of anomaly: what it is, how often, and the first examples."""

    code: str
    message: str
    count: int = 0
    examples: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "count": self.count,
                "examples": list(self.examples)}


class Anomalies:
    """Collects anomalies by code, keeping the count and the first few examples."""

    def __init__(self) -> None:
        self._items: dict[str, Anomaly] = {}

    def add(self, code: str, message: str, line: int | None, detail: str) -> None:
        item = self._items.setdefault(code, Anomaly(code, message))
        item.count += 1
        if len(item.examples) < EXAMPLES:
            item.examples.append(f"line {line}: {detail}" if line else detail)

    def add_many(self, code: str, message: str, count: int, examples: list[str]) -> None:
        if count <= 0:
            return
        item = self._items.setdefault(code, Anomaly(code, message))
        item.count += count
        room = EXAMPLES - len(item.examples)
        item.examples.extend(examples[:max(room, 0)])

    def items(self) -> list[Anomaly]:
        return list(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    goal: str | None = None

    def formatted(self) -> str:
        return f"{self.value:.3g} {self.unit}".strip()

    def as_dict(self) -> dict:
        return asdict(self)

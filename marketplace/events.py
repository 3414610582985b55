from dataclasses import dataclass
from typing import ClassVar

from core.outbox import Event


@dataclass(frozen=True, kw_only=True)
class CategoryCreated(Event):
    event_type: ClassVar[str] = "CategoryCreated"
    aggregate_type: ClassVar[str] = "Category"
    category_id: int
    code: str

    @property
    def aggregate_id(self) -> str:
        return str(self.category_id)


@dataclass(frozen=True, kw_only=True)
class ProductCreated(Event):
    event_type: ClassVar[str] = "ProductCreated"
    aggregate_type: ClassVar[str] = "Product"
    product_id: int
    category_code: str

    @property
    def aggregate_id(self) -> str:
        return str(self.product_id)


@dataclass(frozen=True, kw_only=True)
class HallChanged(Event):
    """A hall's tags or curation changed: the offers of these suppliers and products moved."""

    event_type: ClassVar[str] = "HallChanged"
    aggregate_type: ClassVar[str] = "Hall"
    hall_id: int
    supplier_ids: list[int]
    product_ids: list[int]

    @property
    def aggregate_id(self) -> str:
        return str(self.hall_id)

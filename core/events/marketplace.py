"""What the catalogue tells the rest of the mall: categories, products, halls and images."""

from dataclasses import dataclass
from typing import ClassVar

from core.outbox import Event


@dataclass(frozen=True, kw_only=True)
class CategoryCreated(Event):
    aggregate_type: ClassVar[str] = "Category"
    category_id: int
    code: str

    @property
    def aggregate_id(self) -> str:
        return str(self.category_id)


@dataclass(frozen=True, kw_only=True)
class ProductCreated(Event):
    aggregate_type: ClassVar[str] = "Product"
    product_id: int
    category_code: str

    @property
    def aggregate_id(self) -> str:
        return str(self.product_id)


@dataclass(frozen=True, kw_only=True)
class HallChanged(Event):
    """A hall's tags or curation changed: the offers of these suppliers and products moved."""

    aggregate_type: ClassVar[str] = "Hall"
    hall_id: int
    supplier_ids: list[int]
    product_ids: list[int]

    @property
    def aggregate_id(self) -> str:
        return str(self.hall_id)


@dataclass(frozen=True, kw_only=True)
class ImageUploaded(Event):
    aggregate_type: ClassVar[str] = "Image"
    image_id: int
    sha256: str
    format: str
    width: int
    height: int
    organisation_id: int | None  # None: a registration document sent before its supplier exists

    @property
    def aggregate_id(self) -> str:
        return str(self.image_id)

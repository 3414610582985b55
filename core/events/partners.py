"""What the partner integration tells the rest of the mall."""

from dataclasses import dataclass, field
from typing import ClassVar

from core.outbox import Event


@dataclass(frozen=True, kw_only=True)
class PartnerCatalogueSynced(Event):
    """A batch changed these offers (the search index re-reads them)."""

    aggregate_type: ClassVar[str] = "Partner"
    partner_id: int
    offer_ids: list[int] = field(default_factory=list)

    @property
    def aggregate_id(self) -> str:
        return str(self.partner_id)

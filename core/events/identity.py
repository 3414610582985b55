"""What identity tells the rest of the mall."""

from dataclasses import dataclass
from typing import ClassVar

from core.outbox import Event


@dataclass(frozen=True, kw_only=True)
class OrganisationRegistered(Event):
    aggregate_type: ClassVar[str] = "Organisation"
    organisation_id: int
    kind: str
    region_code: str

    @property
    def aggregate_id(self) -> str:
        return str(self.organisation_id)

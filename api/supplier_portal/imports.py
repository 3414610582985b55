"""Bulk import of listings from a spreadsheet upload, and the template to fill in."""

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.file_uploads import Upload

from api.context import Info
from api.errors import ErrorCode, UserError
from api.mutations import perform
from api.spreadsheets import read_spreadsheet
from api.spreadsheets import template_download as template_download_route
from core.principal import Actor
from supplier_portal import bulk_import
from supplier_portal.importing.template import listing_template

TEMPLATE_PATH = "/templates/listings.xlsx"
_TEMPLATE_NAME = "挂牌导入模板.xlsx"


@strawberry.type(description="One data row of an imported spreadsheet.")
class ImportRow:
    row: int = strawberry.field(description="The row's number in the spreadsheet (header: 1).")
    outcome: bulk_import.ImportOutcome
    offer_id: relay.GlobalID | None = strawberry.field(
        description="The listing the row created, updated or found (an Offer's ID)."
    )
    code: ErrorCode | None
    column: str | None = strawberry.field(description="The column at fault, by its header.")
    message: str | None = strawberry.field(description="Why the row failed, in Chinese.")

    @classmethod
    def from_result(cls, result: bulk_import.RowResult) -> "ImportRow":
        return cls(
            row=result.row,
            outcome=result.outcome,
            offer_id=None
            if result.offer_id is None
            else relay.GlobalID("Offer", str(result.offer_id)),
            code=None if result.code is None else ErrorCode(result.code),
            column=result.column,
            message=result.message,
        )


@strawberry.type(description="What an import did: counts, and every data row's result.")
class ImportReport:
    created: int
    updated: int
    unchanged: int
    failed: int = strawberry.field(description="Rows refused; nothing of them was stored.")
    rows: list[ImportRow]

    @classmethod
    def from_report(cls, report: bulk_import.ImportReport) -> "ImportReport":
        return cls(
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            failed=report.failed,
            rows=[ImportRow.from_result(r) for r in report.rows],
        )


@strawberry.type
class ImportOffersPayload:
    report: ImportReport | None = strawberry.field(
        description="Null when the file as a whole was refused (see `errors`)."
    )
    errors: list[UserError]


@strawberry.type
class ImportMutation:
    @strawberry.mutation(
        description=(
            "Suppliers and partners create or update listings from an .xlsx or .csv file laid "
            f"out like the template at {TEMPLATE_PATH}, sent as a multipart request (with an "
            "`Apollo-Require-Preflight` or `X-Requested-With` header). A row that fails stores "
            "nothing and is reported; the other rows are kept. A file that cannot be read, or "
            "has wrong columns, stores nothing."
        )
    )
    async def import_offers(self, info: Info, file: Upload) -> ImportOffersPayload:
        ctx = info.context
        upload: object = file  # the scalar lets any JSON value through; check what came

        async def action(session: AsyncSession, actor: Actor) -> bulk_import.ImportReport:
            data, filename = await read_spreadsheet(upload)
            return await bulk_import.import_listings(
                session, data, filename, actor=actor, clock=ctx.clock
            )

        outcome = await perform(info, action)
        return ImportOffersPayload(
            report=ImportReport.from_report(outcome.value) if outcome.value else None,
            errors=outcome.errors,
        )


template_download = template_download_route(
    listing_template, filename="listings.xlsx", display_name=_TEMPLATE_NAME
)

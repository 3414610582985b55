"""Bulk onboarding of organisations and their administrators from a spreadsheet upload, and the
template to fill in."""

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
from identity.onboarding import importer
from identity.onboarding.template import organisation_template

TEMPLATE_PATH = "/templates/organisations.xlsx"
_TEMPLATE_NAME = "单位导入模板.xlsx"


@strawberry.type(description="One data row of an imported organisation spreadsheet.")
class OrganisationImportRow:
    row: int = strawberry.field(description="The row's number in the spreadsheet (header: 1).")
    outcome: importer.OnboardingOutcome
    code: ErrorCode | None
    column: str | None = strawberry.field(description="The column at fault, by its header.")
    message: str | None = strawberry.field(description="Why the row failed, in Chinese.")
    organisation_id: relay.GlobalID | None = strawberry.field(
        description="The organisation the row created."
    )
    invitation_token: str | None = strawberry.field(
        description="The administrator's invitation token (acceptInvitation): shown now and "
        "never again."
    )

    @classmethod
    def from_result(cls, result: importer.RowResult) -> "OrganisationImportRow":
        org_id = result.organisation_id
        return cls(
            row=result.row,
            outcome=result.outcome,
            code=None if result.code is None else ErrorCode(result.code),
            column=result.column,
            message=result.message,
            organisation_id=None if org_id is None else relay.GlobalID("Organisation", str(org_id)),
            invitation_token=result.invitation_token,
        )


@strawberry.type(description="What an organisation import did: counts, and every row's result.")
class OrganisationImportReport:
    created: int
    failed: int = strawberry.field(description="Rows refused; nothing of them was stored.")
    rows: list[OrganisationImportRow]

    @classmethod
    def from_report(cls, report: importer.OnboardingReport) -> "OrganisationImportReport":
        return cls(
            created=report.created,
            failed=report.failed,
            rows=[OrganisationImportRow.from_result(r) for r in report.rows],
        )


@strawberry.type
class ImportOrganisationsPayload:
    report: OrganisationImportReport | None = strawberry.field(
        description="Null when the file as a whole was refused (see `errors`)."
    )
    errors: list[UserError]


@strawberry.type
class OnboardingMutation:
    @strawberry.mutation(
        description=(
            "Operators register organisations with their first administrator from an .xlsx or "
            f".csv file laid out like the template at {TEMPLATE_PATH}, sent as a multipart "
            "request (with an `Apollo-Require-Preflight` or `X-Requested-With` header). One row: "
            "one organisation in the operator's region and an invitation for its administrator. "
            "A row that fails stores nothing and is reported; the other rows are kept. A credit "
            "code already registered is reported, not created again, so re-importing is safe."
        )
    )
    async def import_organisations(self, info: Info, file: Upload) -> ImportOrganisationsPayload:
        ctx = info.context
        upload: object = file  # the scalar lets any JSON value through; check what came

        async def action(session: AsyncSession, actor: Actor) -> importer.OnboardingReport:
            data, filename = await read_spreadsheet(upload)
            return await importer.import_organisations(
                session, data, filename, actor=actor, clock=ctx.clock
            )

        outcome = await perform(info, action)
        return ImportOrganisationsPayload(
            report=OrganisationImportReport.from_report(outcome.value) if outcome.value else None,
            errors=outcome.errors,
        )


template_download = template_download_route(
    organisation_template, filename="organisations.xlsx", display_name=_TEMPLATE_NAME
)

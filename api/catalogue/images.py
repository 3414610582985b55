"""Image uploads over the GraphQL multipart request spec, and the stored files under /media/."""

import asyncio
import os
from pathlib import Path

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from starlette.responses import Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope
from strawberry.file_uploads import Upload

from api.context import Info
from api.errors import UserError
from api.mutations import perform
from core.errors import InvalidInput
from core.principal import Actor
from marketplace import images, models
from marketplace.imaging import storage
from marketplace.imaging.processing import ImageLimits

MEDIA_PATH = "/media"
# A file's name is the hash of its bytes, so it never changes: caches may keep it for a year.
CACHE_CONTROL = "public, max-age=31536000, immutable"


@strawberry.type(description="A picture, stored once under the SHA-256 of its cleaned original.")
class Image:
    sha256: str = strawberry.field(
        description="Hex SHA-256 of the stored original file: the image's identity."
    )
    format: models.ImageFormat
    width: int = strawberry.field(description="Of the original, upright, in pixels.")
    height: int
    url: str = strawberry.field(
        description=(
            "Path (on this server, under /media/) of the original: upright, without metadata, "
            "in its own format. Never changes: cache it for good."
        )
    )
    url800: str = strawberry.field(
        description="Path of a WebP copy at most 800 px on its longest side."
    )
    url200: str = strawberry.field(
        description="Path of a WebP copy at most 200 px on its longest side."
    )

    @classmethod
    def from_model(cls, row: models.Image) -> "Image":
        files = storage.files_of(row.sha256, row.format)
        return cls(
            sha256=row.sha256,
            format=row.format,
            width=row.width,
            height=row.height,
            url=_url(files.original),
            url800=_url(files.variants[800]),
            url200=_url(files.variants[200]),
        )


def _url(relative: str) -> str:
    return f"{MEDIA_PATH}/{relative}"


@strawberry.type
class UploadImagePayload:
    image: Image | None
    errors: list[UserError]


@strawberry.type
class ImageMutation:
    @strawberry.mutation(
        description=(
            "Suppliers, partners and operators upload a JPEG, PNG or WebP picture, sent as a "
            "multipart request (with an `Apollo-Require-Preflight` or `X-Requested-With` header)."
        )
    )
    async def upload_image(self, info: Info, file: Upload) -> UploadImagePayload:
        ctx = info.context
        upload: object = file  # the scalar lets any JSON value through; check what came

        async def action(session: AsyncSession, actor: Actor) -> models.Image:
            data = await read_capped(upload, ctx.settings.max_image_bytes)
            return await images.store_image(
                session,
                data,
                actor=actor,
                clock=ctx.clock,
                media_dir=ctx.settings.media_dir,
                limits=ImageLimits.of(ctx.settings),
            )

        outcome = await perform(info, action)
        return UploadImagePayload(
            image=Image.from_model(outcome.value) if outcome.value else None,
            errors=outcome.errors,
        )


async def read_capped(upload: object, limit: int, *, field: str = "file") -> bytes:
    """One byte past the limit is enough for the domain to refuse the file by its size."""
    if not isinstance(upload, UploadFile):
        raise InvalidInput("请以 multipart 请求上传图片文件", field=field)
    return await upload.read(limit + 1)


class MediaFiles(StaticFiles):
    """The stored image files, with long-lived cache headers."""

    def __init__(self, directory: Path) -> None:
        # The directory appears with the first upload; it need not exist when the app starts.
        super().__init__(directory=directory, check_dir=False)

    async def check_config(self) -> None:
        if self.directory is not None and await asyncio.to_thread(os.path.isdir, self.directory):
            await super().check_config()

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["cache-control"] = CACHE_CONTROL
        response.headers["x-content-type-options"] = "nosniff"
        return response

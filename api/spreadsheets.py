"""Spreadsheet uploads and template downloads, shared by every bulk import."""

import asyncio
from collections.abc import Awaitable, Callable
from functools import cache
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from core.errors import InvalidInput
from core.spreadsheets import MAX_BYTES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def read_spreadsheet(upload: object) -> tuple[bytes, str]:
    """The uploaded file's bytes (one past the limit, enough to refuse it by size) and name."""
    if not isinstance(upload, UploadFile):
        raise InvalidInput("请以 multipart 请求上传 .xlsx 或 .csv 文件", field="file")
    return await upload.read(MAX_BYTES + 1), upload.filename or ""


def template_download(
    build: Callable[[], bytes], *, filename: str, display_name: str
) -> Callable[[Request], Awaitable[Response]]:
    """A route that sends the template `build` makes (once per process) as an attachment."""
    built = cache(build)
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(display_name)}"

    async def download(_: Request) -> Response:
        content = await asyncio.to_thread(built)
        return Response(
            content,
            media_type=XLSX,
            headers={"content-disposition": disposition, "x-content-type-options": "nosniff"},
        )

    return download

"""Uploading images through the GraphQL multipart request spec, and serving them under /media/."""

import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import FrozenClock
from core.db import Database
from core.outbox import OutboxEvent
from core.principal import Role
from core.settings import Settings
from marketplace.models import Image as ImageRow
from tests import factories
from tests.gql import ACCEPT, gql
from tests.marketplace import pictures
from yiwang.app import create_app

UPLOAD = """mutation($file: Upload!) {
  uploadImage(file: $file) {
    image { sha256 format width height url url800 url200 }
    errors { code field message }
  }
}"""
PREFLIGHT = {"x-requested-with": "XMLHttpRequest"}


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    return tmp_path / "media"  # not there yet: the first upload makes it


@pytest.fixture
async def uploads(
    settings: Settings, clock: FrozenClock, db: Database, media_dir: Path
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"media_dir": media_dir}), clock=clock, db=db)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://mall.test") as http:
        yield http


async def _post_file(
    client: httpx.AsyncClient,
    data: bytes,
    *,
    filename: str = "photo.jpg",
    content_type: str = "image/jpeg",
    headers: dict[str, str] | None = None,
    preflight: dict[str, str] = PREFLIGHT,
) -> httpx.Response:
    operations = {"query": UPLOAD, "variables": {"file": None}}
    return await client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (filename, data, content_type)},
        headers={"accept": ACCEPT, **preflight, **(headers or {})},
    )


async def _upload(client: httpx.AsyncClient, data: bytes, **options: Any) -> dict[str, Any]:
    response = await _post_file(client, data, **options)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["uploadImage"]
    return payload


async def _counts(db: Database) -> dict[str, int]:
    async with db.reader() as s:
        return {
            m.__tablename__: int(await s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (ImageRow, AuditEntry, OutboxEvent)
        }


def _stored(media_dir: Path) -> list[str]:
    """Every file and folder under the media directory, which may not exist."""
    return sorted(p.relative_to(media_dir).as_posix() for p in media_dir.rglob("*"))


async def _supplier(db: Database) -> dict[str, str]:
    return factories.bearer(await factories.member(db, Role.SUPPLIER))


async def test_a_supplier_uploads_a_phone_photo_and_it_is_served_clean(
    uploads: httpx.AsyncClient, db: Database, media_dir: Path
) -> None:
    supplier = await factories.member(db, Role.SUPPLIER)
    payload = await _upload(
        uploads,
        pictures.phone_photo(size=(1600, 1200)),
        headers=factories.bearer(supplier),
    )
    assert payload["errors"] == []
    image = payload["image"]
    sha = image["sha256"]
    assert (image["format"], image["width"], image["height"]) == ("JPEG", 1600, 1200)
    folder = f"/media/{sha[:2]}/{sha[2:]}"
    assert (image["url"], image["url800"], image["url200"]) == (
        f"{folder}/original.jpg",
        f"{folder}/800.webp",
        f"{folder}/200.webp",
    )

    original = await uploads.get(image["url"])
    assert original.status_code == 200
    assert original.headers["content-type"] == "image/jpeg"
    assert original.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert original.headers["x-content-type-options"] == "nosniff"
    upright = Image.open(io.BytesIO(original.content))
    assert upright.size == (1600, 1200)
    assert upright.getpixel((10, 10)) == pytest.approx(pictures.MARK, abs=8)
    assert dict(upright.getexif()) == {}
    assert b"HUAWEI" not in original.content

    for url, size in ((image["url800"], (800, 600)), (image["url200"], (200, 150))):
        variant = await uploads.get(url)
        assert variant.headers["content-type"] == "image/webp"
        assert variant.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert Image.open(io.BytesIO(variant.content)).size == size

    async with db.reader() as s:
        row = await s.scalar(select(ImageRow))
        event = await s.scalar(select(OutboxEvent).where(OutboxEvent.event_type == "ImageUploaded"))
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "image.upload"))
    assert row is not None
    assert (row.sha256, row.uploaded_by_organisation_id) == (sha, supplier.organisation.id)
    assert row.byte_size == len(original.content)
    assert event is not None
    assert event.payload["sha256"] == sha
    assert audit is not None
    assert (audit.actor_user_id, audit.target_id) == (supplier.user.id, str(row.id))


@pytest.mark.parametrize(
    ("data", "filename", "content_type", "expected"),
    [
        (pictures.png(), "a.png", "image/png", ("PNG", "original.png")),
        (pictures.webp(), "a.webp", "image/webp", ("WEBP", "original.webp")),
        # The format is what Pillow reads, never the name or the content type.
        (pictures.png(), "a.jpg", "image/jpeg", ("PNG", "original.png")),
    ],
)
async def test_png_and_webp_keep_their_format(
    uploads: httpx.AsyncClient,
    db: Database,
    data: bytes,
    filename: str,
    content_type: str,
    expected: tuple[str, str],
) -> None:
    payload = await _upload(
        uploads,
        data,
        filename=filename,
        content_type=content_type,
        headers=await _supplier(db),
        preflight={"apollo-require-preflight": "true"},
    )
    image = payload["image"]
    assert (image["format"], image["url"].rsplit("/", 1)[1]) == expected
    served = await uploads.get(image["url"])
    assert served.headers["content-type"] == f"image/{expected[0].lower()}"


async def test_the_same_picture_again_is_the_same_image(
    uploads: httpx.AsyncClient, db: Database, media_dir: Path
) -> None:
    headers = await _supplier(db)
    data = pictures.phone_photo()
    first = await _upload(uploads, data, headers=headers)
    stored = _stored(media_dir)
    counts = await _counts(db)
    again = await _upload(uploads, data, filename="copy.jpg", headers=headers)
    assert again == first
    assert _stored(media_dir) == stored
    assert await _counts(db) == counts == {"image": 1, "audit_entry": 1, "outbox_event": 1}


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (pictures.gif(), "a.gif", "IMAGE_FORMAT_UNSUPPORTED"),
        (pictures.random_bytes(), "a.jpg", "IMAGE_NOT_AN_IMAGE"),
        ("这是一个文本文件".encode(), "notes.jpg", "IMAGE_NOT_AN_IMAGE"),
        (pictures.png((100, 100)), "a.png", "IMAGE_TOO_SMALL"),
        (pictures.png_declaring(20_000, 20_000), "bomb.png", "IMAGE_TOO_MANY_PIXELS"),
        (pictures.damaged(pictures.phone_photo()), "a.jpg", "IMAGE_CORRUPT"),
        (bytes(30 * 1024 * 1024), "big.jpg", "IMAGE_TOO_LARGE"),
    ],
    ids=["gif", "random", "text", "100x100", "bomb", "corrupt", "30 MB"],
)
async def test_a_refused_upload_stores_nothing(
    uploads: httpx.AsyncClient,
    db: Database,
    media_dir: Path,
    data: bytes,
    filename: str,
    code: str,
) -> None:
    headers = await _supplier(db)
    before = await _counts(db)
    payload = await _upload(uploads, data, filename=filename, headers=headers)
    assert payload["image"] is None
    [error] = payload["errors"]
    assert (error["code"], error["field"]) == (code, "file")
    assert any("\u4e00" <= c <= "\u9fff" for c in error["message"]), error["message"]
    assert _stored(media_dir) == []
    assert await _counts(db) == before


async def test_only_suppliers_partners_and_operators_upload(
    uploads: httpx.AsyncClient, db: Database, media_dir: Path
) -> None:
    purchaser = factories.bearer(await factories.member(db, Role.PURCHASER))
    refused = await _upload(uploads, pictures.phone_photo(), headers=purchaser)
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    anonymous = await _upload(uploads, pictures.phone_photo())
    assert [e["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert _stored(media_dir) == []
    for role in (Role.PARTNER, Role.OPERATOR):
        member = factories.bearer(await factories.member(db, role))
        assert (await _upload(uploads, pictures.webp(), headers=member))["errors"] == []


async def test_a_multipart_request_without_a_preflight_header_is_refused(
    uploads: httpx.AsyncClient, db: Database, media_dir: Path
) -> None:
    """A cross-site form can post multipart, but cannot add a custom header (CSRF)."""
    for preflight in ({}, {"x-requested-with": " "}):
        response = await _post_file(
            uploads, pictures.phone_photo(), headers=await _supplier(db), preflight=preflight
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        assert "Apollo-Require-Preflight" in response.json()["errors"][0]["message"]
    assert _stored(media_dir) == []
    assert (await _counts(db))["image"] == 0


@pytest.mark.parametrize(
    "form",
    [
        {"operations": json.dumps({"query": UPLOAD}), "map": json.dumps({"1": ["variables.file"]})},
        {"operations": json.dumps({"query": UPLOAD}), "map": json.dumps(["variables.file"])},
        {"operations": json.dumps({"query": UPLOAD}), "map": json.dumps({"0": "variables.file"})},
        {"operations": json.dumps({"query": UPLOAD}), "map": json.dumps({"0": ["query.x"]})},
        {"operations": "{", "map": json.dumps({"0": ["variables.file"]})},
    ],
    ids=["missing file", "map not an object", "paths not a list", "path into a string", "json"],
)
async def test_a_malformed_multipart_request_is_a_bad_request(
    uploads: httpx.AsyncClient, form: dict[str, str]
) -> None:
    response = await uploads.post(
        "/graphql",
        data=form,
        files={"0": ("a.png", pictures.png(), "image/png")},
        headers={"accept": ACCEPT, **PREFLIGHT},
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_a_file_must_come_as_a_file(uploads: httpx.AsyncClient, db: Database) -> None:
    body = await gql(uploads, UPLOAD, {"file": "aGVsbG8="}, headers=await _supplier(db))
    assert body["data"]["uploadImage"]["errors"] == [
        {"code": "INVALID_INPUT", "field": "file", "message": "请以 multipart 请求上传图片文件"}
    ]


async def test_other_post_bodies_are_still_unsupported(uploads: httpx.AsyncClient) -> None:
    response = await uploads.post(
        "/graphql",
        data={"query": "{ __typename }"},  # application/x-www-form-urlencoded
        headers={"accept": ACCEPT, **PREFLIGHT},
    )
    assert response.status_code == 415


@pytest.mark.parametrize(
    "path",
    [
        "/media/../../etc/passwd",
        "/media/%2e%2e/%2e%2e/etc/passwd",
        "/media/..%2f..%2fetc%2fpasswd",
        "/media/ab/",
        "/media/ab/cd/original.jpg",
    ],
)
async def test_media_serves_nothing_but_stored_files(
    uploads: httpx.AsyncClient, db: Database, media_dir: Path, path: str
) -> None:
    assert (await uploads.get(path)).status_code == 404  # before the directory exists
    await _upload(uploads, pictures.png(), headers=await _supplier(db))
    assert _stored(media_dir) != []
    assert (await uploads.get(path)).status_code == 404
    assert (await uploads.post("/media/ab/cd/original.jpg")).status_code == 405

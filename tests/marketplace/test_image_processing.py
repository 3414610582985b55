"""Checking and cleaning uploads with Pillow, on pictures made in the test."""

import hashlib
import io
import stat
from pathlib import Path

import pytest
from PIL import Image, ImageFile
from PIL.PngImagePlugin import PngInfo

from marketplace.errors import ImageError
from marketplace.imaging import storage
from marketplace.imaging.processing import ImageLimits, process_image
from marketplace.models import ImageFormat
from tests.marketplace import pictures

LIMITS = ImageLimits(max_bytes=10 * 1024 * 1024, max_pixels=40_000_000, min_side=200)
METADATA = ("exif", "xmp", "icc_profile", "comment", "Software")


def _opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _refusal(data: bytes, limits: ImageLimits = LIMITS) -> ImageError:
    with pytest.raises(ImageError) as refused:
        process_image(data, limits)
    assert refused.value.field == "file"
    return refused.value


def test_a_phone_photo_is_stored_upright_without_its_exif() -> None:
    processed = process_image(pictures.phone_photo(size=(400, 300)), LIMITS)
    original = _opened(processed.original)
    assert (processed.format, original.format) == (ImageFormat.JPEG, "JPEG")
    assert (processed.width, processed.height) == original.size == (400, 300)
    assert original.getpixel((10, 10)) == pytest.approx(pictures.MARK, abs=8)
    assert dict(original.getexif()) == {}
    assert not set(METADATA) & set(original.info)
    assert b"Exif" not in processed.original
    assert b"Lishui" not in processed.original
    assert b"HUAWEI" not in processed.original


def test_a_png_keeps_its_format_and_transparency_but_not_its_text() -> None:
    info = PngInfo()
    info.add_text("Author", "张三 13800000000")
    data = pictures.encoded(pictures.picture(mode="RGBA"), "PNG", pnginfo=info)
    processed = process_image(data, LIMITS)
    original = _opened(processed.original)
    assert (processed.format, original.format, original.mode) == (ImageFormat.PNG, "PNG", "RGBA")
    assert "Author" not in original.info
    assert b"13800000000" not in processed.original


def test_a_webp_stays_webp() -> None:
    processed = process_image(pictures.webp(), LIMITS)
    assert processed.format is ImageFormat.WEBP
    assert _opened(processed.original).format == "WEBP"


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1600, 1200), {800: (800, 600), 200: (200, 150)}),
        ((900, 3000), {800: (240, 800), 200: (60, 200)}),
        ((300, 250), {800: (300, 250), 200: (200, 167)}),  # never upscaled
    ],
)
def test_the_variants_are_webp_at_most_800_and_200_px(
    size: tuple[int, int], expected: dict[int, tuple[int, int]]
) -> None:
    processed = process_image(pictures.png(size), LIMITS)
    variants = {side: _opened(data) for side, data in processed.variants.items()}
    assert {side: v.size for side, v in variants.items()} == expected
    assert {v.format for v in variants.values()} == {"WEBP"}


def test_the_same_upload_gives_the_same_bytes_and_hash() -> None:
    data = pictures.phone_photo()
    first, again = process_image(data, LIMITS), process_image(data, LIMITS)
    assert first == again
    assert len(first.sha256) == 64


def test_a_multi_picture_jpeg_is_taken_as_its_first_picture() -> None:
    second = pictures.picture().convert("L").convert("RGB")
    data = pictures.encoded(pictures.picture(), "MPO", save_all=True, append_images=[second])
    assert _opened(data).format == "MPO"
    processed = process_image(data, LIMITS)
    assert processed.format is ImageFormat.JPEG
    assert _opened(processed.original).getpixel((10, 10)) == pytest.approx(pictures.MARK, abs=8)


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (pictures.gif(), "IMAGE_FORMAT_UNSUPPORTED", "不支持 GIF 格式"),
        (pictures.encoded(pictures.picture(), "BMP"), "IMAGE_FORMAT_UNSUPPORTED", "BMP"),
        (pictures.random_bytes(), "IMAGE_NOT_AN_IMAGE", "文件不是图片"),
        ("这不是图片, 只是改了扩展名 .jpg".encode(), "IMAGE_NOT_AN_IMAGE", "文件不是图片"),
        (pictures.png((100, 100)), "IMAGE_TOO_SMALL", "不能小于 200 像素 (收到 100×100)"),
        (pictures.png((199, 1000)), "IMAGE_TOO_SMALL", "收到 199×1000"),
        (pictures.damaged(pictures.png()), "IMAGE_CORRUPT", "已损坏"),
        (pictures.damaged(pictures.phone_photo()), "IMAGE_CORRUPT", "已损坏"),
        (pictures.phone_photo()[:-2000], "IMAGE_CORRUPT", "已损坏"),
        (bytes(30 * 1024 * 1024), "IMAGE_TOO_LARGE", "图片不能超过 10 MB"),
    ],
    ids=["gif", "bmp", "random", "text", "100x100", "199 wide", "png", "jpeg", "cut", "30 MB"],
)
def test_bad_uploads_get_a_stable_code_and_a_chinese_message(
    data: bytes, code: str, message: str
) -> None:
    refusal = _refusal(data)
    assert (refusal.code, message in refusal.message) == (code, True), refusal.message


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (20_000, 20_000),  # past twice Pillow's own limit: Pillow raises as it opens
        (10_000, 10_000),  # past Pillow's limit: its warning, made an error
        (8_000, 6_000),  # past only ours
    ],
)
def test_a_decompression_bomb_is_refused_before_its_pixels_are_decoded(
    monkeypatch: pytest.MonkeyPatch, width: int, height: int
) -> None:
    bomb = pictures.png_declaring(width, height)
    assert len(bomb) < 100_000

    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    refusal = _refusal(bomb)
    assert refusal.code == "IMAGE_TOO_MANY_PIXELS"
    assert "图片不能超过 4000 万像素" in refusal.message


def test_the_limits_are_the_given_ones() -> None:
    tight = ImageLimits(max_bytes=5 * 1024 * 1024 // 10, max_pixels=100_000, min_side=50)
    assert _refusal(bytes(600_000), tight).message == "图片不能超过 0.5 MB"
    assert _refusal(pictures.png((400, 300)), tight).code == "IMAGE_TOO_MANY_PIXELS"
    assert process_image(pictures.png((100, 60)), tight).width == 100


def test_the_files_are_written_under_the_hash_once(tmp_path: Path) -> None:
    processed = process_image(pictures.png(), LIMITS)
    sha = processed.sha256
    files = storage.files_of(sha, processed.format)
    assert files.original == f"{sha[:2]}/{sha[2:]}/original.png"
    assert files.variants == {
        800: f"{sha[:2]}/{sha[2:]}/800.webp",
        200: f"{sha[:2]}/{sha[2:]}/200.webp",
    }

    storage.save(tmp_path, processed)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted([files.original, *files.variants.values()])
    original = tmp_path / files.original
    assert original.read_bytes() == processed.original
    assert hashlib.sha256(original.read_bytes()).hexdigest() == sha
    assert stat.S_IMODE(original.stat().st_mode) == 0o644
    before = original.stat().st_mtime_ns
    storage.save(tmp_path, processed)
    assert original.stat().st_mtime_ns == before

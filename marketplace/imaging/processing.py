"""Uploaded bytes in, clean pictures out: Pillow checks and re-encodes, nothing is stored here.

Only the JPEG, PNG and WebP parsers ever run on an upload. The pixel count is checked on the
header, before any pixel is decoded. Every stored file is 8-bit sRGB with nothing but pixels:
EXIF (GPS included), XMP, comments, text chunks and the ICC profile are all dropped.
"""

import hashlib
import io
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from core.settings import Settings
from marketplace.errors import ImageError, ImageErrorCode
from marketplace.models import ImageFormat

VARIANT_SIDES = (800, 200)
_PARSERS = ("JPEG", "PNG", "WEBP")
# Pillow calls a multi-picture JPEG (some cameras write them) "MPO"; its first picture is a JPEG.
_ACCEPTED = {
    "JPEG": ImageFormat.JPEG,
    "MPO": ImageFormat.JPEG,
    "PNG": ImageFormat.PNG,
    "WEBP": ImageFormat.WEBP,
}
_WANTED = "请上传 JPEG、PNG 或 WebP 格式的图片"
_PLAIN_MODES = ("L", "LA", "RGB", "RGBA")
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# What Pillow raises on a file that identifies but does not decode.
_BROKEN = (OSError, SyntaxError, ValueError, EOFError, struct.error)


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int
    max_pixels: int
    min_side: int

    @classmethod
    def of(cls, settings: Settings) -> "ImageLimits":
        return cls(
            max_bytes=settings.max_image_bytes,
            max_pixels=settings.max_image_pixels,
            min_side=settings.min_image_side,
        )


@dataclass(frozen=True)
class ProcessedImage:
    """The cleaned original in its own format, and WebP variants keyed by their longest side."""

    sha256: str
    format: ImageFormat
    width: int
    height: int
    original: bytes
    variants: dict[int, bytes]


def process_image(data: bytes, limits: ImageLimits) -> ProcessedImage:
    """Check an upload and re-encode it; an ImageError means the upload is refused."""
    if len(data) > limits.max_bytes:
        raise _error(
            ImageErrorCode.IMAGE_TOO_LARGE, f"图片不能超过 {_megabytes(limits.max_bytes)} MB"
        )
    with _pillow_warnings(limits):
        image_format, picture = _decode(data, limits)
        clean = _pixels_only(picture)
        original = _encode(clean, image_format)
        variants = _variants(clean)
    return ProcessedImage(
        sha256=hashlib.sha256(original).hexdigest(),
        format=image_format,
        width=clean.width,
        height=clean.height,
        original=original,
        variants=variants,
    )


def _decode(data: bytes, limits: ImageLimits) -> tuple[ImageFormat, Image.Image]:
    """The upright pixels, decoded only once the header passed every check."""
    header = _open(data)
    image_format = _ACCEPTED[str(header.format)]
    _check_size(header.size, limits)
    try:
        header.verify()  # PNG: every chunk's checksum
        # verify() leaves the image unusable: open again, then decode.
        return image_format, ImageOps.exif_transpose(_open(data))
    except _BROKEN as error:
        raise _corrupt() from error


@contextmanager
def _pillow_warnings(limits: ImageLimits) -> Iterator[None]:
    # Pillow's own bomb check (at its MAX_IMAGE_PIXELS, which we leave alone: it is shared by
    # the whole process) is a second net behind `_check_size`, so its warning is an error here.
    # Its UserWarnings are about odd metadata, which is dropped anyway. Before Python 3.14
    # catch_warnings is process-wide, which is why `_check_size` is the guard that counts.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(limits) from None


def _open(data: bytes) -> ImageFile.ImageFile:
    """Reads the header only; no pixel is decoded yet."""
    try:
        return Image.open(io.BytesIO(data), formats=_PARSERS)
    except UnidentifiedImageError:
        raise _unidentified(data) from None
    except _BROKEN as error:
        raise _corrupt() from error


def _unidentified(data: bytes) -> ImageError:
    named = _signature(data[:16])
    if named in _ACCEPTED:
        return _corrupt()  # the signature of a format we take, but its parser refused it
    if named is not None:
        return _error(ImageErrorCode.IMAGE_FORMAT_UNSUPPORTED, f"不支持 {named} 格式, {_WANTED}")
    return _error(ImageErrorCode.IMAGE_NOT_AN_IMAGE, f"文件不是图片, {_WANTED}")


def _signature(prefix: bytes) -> str | None:
    """The format named by Pillow's signature checks on the first bytes; no parser runs."""
    Image.init()
    for name, (_, accept) in Image.OPEN.items():
        if accept is not None and accept(prefix) is True:
            return name
    return None


def _check_size(size: tuple[int, int], limits: ImageLimits) -> None:
    width, height = size
    if width * height > limits.max_pixels:
        raise _too_many_pixels(limits, size)
    if min(width, height) < limits.min_side:
        raise _error(
            ImageErrorCode.IMAGE_TOO_SMALL,
            f"图片的宽和高都不能小于 {limits.min_side} 像素 (收到 {width}×{height})",
        )


def _pixels_only(picture: Image.Image) -> Image.Image:
    """8-bit L, LA, RGB or RGBA in sRGB, with no metadata left for a writer to copy."""
    if picture.mode.startswith("I"):
        # 16-bit greyscale PNG: a plain convert to L would clip every value above 255.
        picture = picture.convert("I").point(lambda value: value / 256).convert("L")
    if icc := picture.info.get("icc_profile"):
        picture = _to_srgb(picture, icc)
    if picture.mode not in _PLAIN_MODES or "transparency" in picture.info:
        picture = picture.convert("RGBA" if picture.has_transparency_data else "RGB")
    picture.info = {}
    return picture


def _to_srgb(picture: Image.Image, icc: bytes) -> Image.Image:
    """Browsers assume sRGB once the profile is gone, so the colours are converted first."""
    mode = "RGBA" if picture.mode in ("RGBA", "LA", "PA") else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(picture, source, _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture  # a broken or mismatched profile: the pixels are taken as they are
    assert converted is not None  # only None when converting in place
    return converted


def _encode(picture: Image.Image, image_format: ImageFormat) -> bytes:
    out = io.BytesIO()
    if image_format is ImageFormat.JPEG:
        picture.save(out, "JPEG", quality=92, optimize=True)  # L or RGB: what JPEG decodes to
    elif image_format is ImageFormat.PNG:
        picture.save(out, "PNG")
    else:
        picture.save(out, "WEBP", quality=90, method=4)
    return out.getvalue()


def _variants(picture: Image.Image) -> dict[int, bytes]:
    """WebP at each of VARIANT_SIDES on the longest side, each made from the one before."""
    variants: dict[int, bytes] = {}
    smaller = picture
    for side in sorted(VARIANT_SIDES, reverse=True):
        smaller = _fitted(smaller, side)
        out = io.BytesIO()
        smaller.save(out, "WEBP", quality=80, method=4)
        variants[side] = out.getvalue()
    return variants


def _fitted(picture: Image.Image, side: int) -> Image.Image:
    """At most `side` pixels on the longest side; never upscaled."""
    scale = side / max(picture.size)
    if scale >= 1:
        return picture
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    return picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _too_many_pixels(limits: ImageLimits, size: tuple[int, int] | None = None) -> ImageError:
    got = f" (收到 {size[0]}×{size[1]})" if size else ""
    return _error(
        ImageErrorCode.IMAGE_TOO_MANY_PIXELS,
        f"图片不能超过 {_pixel_count(limits.max_pixels)}像素{got}",
    )


def _corrupt() -> ImageError:
    return _error(ImageErrorCode.IMAGE_CORRUPT, "图片文件已损坏或不完整, 无法读取")


def _error(code: ImageErrorCode, message: str) -> ImageError:
    return ImageError(code, message, field="file")


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):g}"


def _pixel_count(count: int) -> str:
    return f"{count // 10_000} 万" if count % 10_000 == 0 else f"{count} "

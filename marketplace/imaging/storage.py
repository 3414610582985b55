"""Image files under the hash of their content: each written once, atomically, never changed.

`media_dir/ab/cdef…/original.jpg`, `…/800.webp` and `…/200.webp`, where `abcdef…` is the SHA-256
of the original file's bytes.
"""

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from marketplace.imaging.processing import VARIANT_SIDES, ProcessedImage
from marketplace.models import ImageFormat

_EXTENSIONS = {ImageFormat.JPEG: "jpg", ImageFormat.PNG: "png", ImageFormat.WEBP: "webp"}


@dataclass(frozen=True)
class ImageFiles:
    """One image's files, relative to the media directory, `/`-separated as in a URL."""

    original: str
    variants: dict[int, str]


def files_of(sha256: str, image_format: ImageFormat) -> ImageFiles:
    folder = f"{sha256[:2]}/{sha256[2:]}"
    return ImageFiles(
        original=f"{folder}/original.{_EXTENSIONS[image_format]}",
        variants={side: f"{folder}/{side}.webp" for side in VARIANT_SIDES},
    )


def save(media_dir: Path, image: ProcessedImage) -> None:
    """Write whichever of the image's files are missing; those present hold these very bytes."""
    files = files_of(image.sha256, image.format)
    for side, data in image.variants.items():
        _write_once(media_dir / files.variants[side], data)
    _write_once(media_dir / files.original, image.original)


def _write_once(path: Path, data: bytes) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside its final name, then renamed over it: a reader sees all of it or nothing.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600; a web server in front must read it
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise

"""The CJK font contract PDFs embed: WenQuanYi Micro Hei (Apache-2.0, or GPLv3 with a font
embedding exception), face 0 of its TrueType collection.

Not Noto Sans CJK, although the same wheel has it: fpdf2 embeds a CFF-outline font with a custom
encoding CMap instead of Identity-H, and common PDF text extractors (pypdf among them) then read
the text as garbage, while a TrueType font gives Identity-H, which every reader understands.

It comes from the `mpl_font` 1.1.0 wheel on PyPI, downloaded and checked against pinned hashes;
only the font file is kept. The wheel is not installed: it pulls in matplotlib and ships a
top-level `tests` package. Standard library only, so `tools/fetch_fonts.py` runs before any venv.
"""

import hashlib
import os
import shutil
import tempfile
import urllib.request
import zipfile
from pathlib import Path
from typing import IO

FONT_FILE = "wqy-microhei.ttc"
FONT_SHA256 = "e4bca8df123ce01b104780f576ea1a58b9a5ff1662a91124b6d3180cb6c88212"
FONT_FACE = 0  # WenQuanYi Micro Hei; face 1 is its monospaced twin
_WHEEL_URL = (
    "https://files.pythonhosted.org/packages/2c/f2/"
    "d0c33a535e4d6462d76ddeec751cc12ad1d6b8d3bd2a3b08448c8632e1d7/"
    "mpl_font-1.1.0-py2.py3-none-any.whl"
)
_WHEEL_SHA256 = "b40852bfec10e3edbff00d06be3aae858a00d48843485153ee2e139581469013"
_WHEEL_MEMBER = f"mpl_font/fonts/wqy/{FONT_FILE}"
_CHUNK = 1 << 20


class FontMissing(RuntimeError):
    pass


def font_dir() -> Path:
    return Path(os.environ.get("YIWANG_FONT_DIR", "var/fonts"))


def contract_font_path(directory: Path | None = None) -> Path:
    path = (directory or font_dir()) / FONT_FILE
    if not path.is_file():
        raise FontMissing(f"合同字体未安装: {path} (run `make fonts` to install it)")
    return path


def ensure_contract_font(directory: Path | None = None) -> Path:
    """Install the font unless it is there already, intact; return its path."""
    path = (directory or font_dir()) / FONT_FILE
    if path.is_file() and _sha256_of(path) == FONT_SHA256:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as wheel:
        _download(_WHEEL_URL, wheel)
        wheel.seek(0)
        _check(_sha256(wheel), _WHEEL_SHA256, _WHEEL_URL)
        _extract(wheel, path)
    return path


def _download(url: str, into: IO[bytes]) -> None:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (a pinned https URL)
        shutil.copyfileobj(response, into, _CHUNK)


def _extract(wheel: IO[bytes], path: Path) -> None:
    # Written beside the target and renamed, so a half-written font is never found.
    partial = path.with_name(path.name + ".partial")
    with (
        zipfile.ZipFile(wheel) as archive,
        archive.open(_WHEEL_MEMBER) as font,
        partial.open("wb") as out,
    ):
        digest = _sha256(font, copy_to=out)
    if digest != FONT_SHA256:
        partial.unlink()
    _check(digest, FONT_SHA256, _WHEEL_MEMBER)
    partial.replace(path)


def _check(actual: str, expected: str, what: str) -> None:
    if actual != expected:
        raise FontMissing(f"sha256 mismatch for {what}: got {actual}, expected {expected}")


def _sha256_of(path: Path) -> str:
    with path.open("rb") as f:
        return _sha256(f)


def _sha256(source: IO[bytes], *, copy_to: IO[bytes] | None = None) -> str:
    digest = hashlib.sha256()
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return digest.hexdigest()

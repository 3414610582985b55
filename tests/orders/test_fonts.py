import shutil
from pathlib import Path
from typing import IO

import pytest

from orders import fonts
from orders.fonts import FONT_FILE, FontMissing, ensure_contract_font


def no_download(url: str, into: IO[bytes]) -> None:
    raise AssertionError(f"downloaded {url}")


def junk_download(url: str, into: IO[bytes]) -> None:
    into.write(b"not the wheel")


def test_an_intact_font_is_not_fetched_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(ensure_contract_font(), tmp_path / FONT_FILE)
    monkeypatch.setattr(fonts, "_download", no_download)

    assert ensure_contract_font(tmp_path) == tmp_path / FONT_FILE


def test_a_wheel_with_the_wrong_hash_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / FONT_FILE).write_bytes(b"a damaged font")
    monkeypatch.setattr(fonts, "_download", junk_download)

    with pytest.raises(FontMissing, match="sha256 mismatch"):
        ensure_contract_font(tmp_path)
    assert (tmp_path / FONT_FILE).read_bytes() == b"a damaged font"


def test_the_font_directory_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YIWANG_FONT_DIR", str(tmp_path))

    with pytest.raises(FontMissing, match=str(tmp_path)):
        fonts.contract_font_path()

"""The mall works from a built wheel, not only from the checkout."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
UV = Path(sys.executable).parent / "uv"

pytestmark = pytest.mark.skipif(not UV.exists(), reason="uv is installed by `make` into the venv")


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    finished = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert finished.returncode == 0, f"{args}\n{finished.stdout}\n{finished.stderr}"
    return finished.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the locked dependencies and the wheel built from this checkout."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    # Build from a copy of the tracked files: what git would hand a packager, no caches or venvs.
    files = _run("git", "ls-files", "-z", cwd=REPOSITORY).split("\0")
    for name in filter(None, files):
        if (REPOSITORY / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPOSITORY / name, source / name)
    _run(UV, "build", "--wheel", "--quiet", "--out-dir", work / "dist", source, cwd=work)
    (wheel,) = (work / "dist").glob("yiwang-*.whl")
    venv = work / "venv"
    _run(UV, "venv", "--quiet", "--python", sys.executable, venv, cwd=work)
    python = venv / "bin" / "python"
    lock = REPOSITORY / "requirements.lock"
    _run(UV, "pip", "sync", "--quiet", "--python", python, "--require-hashes", lock, cwd=work)
    _run(UV, "pip", "install", "--quiet", "--python", python, "--no-deps", wheel, cwd=work)
    return venv


def _yiwang(venv: Path, *args: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YIWANG_", "PYTHON"))}
    env["YIWANG_DATABASE_URL"] = f"sqlite+aiosqlite:///{cwd}/wheel.db"
    return _run(venv / "bin" / "yiwang", *args, cwd=cwd, env=env)


def test_an_installed_wheel_migrates_and_exports_the_committed_schema(installed: Path) -> None:
    elsewhere = installed.parent / "elsewhere"  # not the checkout: nothing found by accident
    elsewhere.mkdir()
    _yiwang(installed, "migrate", cwd=elsewhere)
    assert (elsewhere / "wheel.db").stat().st_size > 0
    _yiwang(
        installed, "export-schema", "--check", str(REPOSITORY / "schema.graphql"), cwd=elsewhere
    )
    where = _run(
        installed / "bin" / "python", "-c", "import api, yiwang; print(api.__file__)", cwd=elsewhere
    )
    assert str(installed) in where

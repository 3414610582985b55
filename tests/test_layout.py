"""The repository's top-level packages shadow nothing installed beside them (ADR 25)."""

import importlib.metadata
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_no_installed_distribution_provides_a_module_named_like_ours() -> None:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    ours = config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert "api" in ours
    provided = importlib.metadata.packages_distributions()
    clashes = {name: provided[name] for name in ours if set(provided.get(name, [])) - {"yiwang"}}
    assert clashes == {}

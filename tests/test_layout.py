"""The repository's top-level packages shadow nothing installed beside them (ADR 25)."""

import importlib.metadata

PACKAGES = (
    "yiwang",
    "api",
    "core",
    "identity",
    "marketplace",
    "orders",
    "partners",
    "search",
    "seed",
    "supervision",
    "supplier_portal",
)


def test_no_installed_distribution_provides_a_module_named_like_ours() -> None:
    provided = importlib.metadata.packages_distributions()
    clashes = {
        name: provided[name] for name in PACKAGES if set(provided.get(name, [])) - {"yiwang"}
    }
    assert clashes == {}

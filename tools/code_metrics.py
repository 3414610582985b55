"""Shape figures for a closing note: cross-domain table writes, `type: ignore`s, longest functions.

    .venv/bin/python tools/code_metrics.py [--top 10]

A *write* is `insert(T)`, `update(T)`, `delete(T)` or a constructor call `T(...)` of a mapped
class `T` imported from another top-level package's module (the owner is the package whose module
defines the table). Reads (`select(T)`) are allowed anywhere and not counted.
"""

import argparse
import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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
# Packages that may build rows of any domain: demo data and the composition root.
EXEMPT = {"seed", "yiwang"}
_WRITERS = {"insert", "update", "delete"}


@dataclass(frozen=True)
class Write:
    path: str
    line: int
    table_class: str
    owner: str


def _sources() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _mapped_classes() -> dict[str, dict[str, str]]:
    """module → {class name: owning package} for every class with a `__tablename__`."""
    found: dict[str, dict[str, str]] = {}
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and any(
                isinstance(s, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in s.targets)
                for s in node.body
            ):
                found.setdefault(module, {})[node.name] = module.split(".")[0]
    return found


def cross_domain_writes() -> list[Write]:
    mapped = _mapped_classes()
    writes: list[Write] = []
    for path in _sources():
        package = path.relative_to(ROOT).parts[0]
        if package in EXEMPT:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        foreign: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in mapped:
                for alias in node.names:
                    owner = mapped[node.module].get(alias.name)
                    if owner and owner != package:
                        foreign[alias.asname or alias.name] = owner
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called(node)
            target = None
            if name in _WRITERS and node.args and isinstance(node.args[0], ast.Name):
                target = node.args[0].id
            elif name in foreign:
                target = name
            if target in foreign:
                relative = str(path.relative_to(ROOT))
                writes.append(Write(relative, node.lineno, target, foreign[target]))
    return writes


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def type_ignores() -> int:
    return sum(
        path.read_text(encoding="utf-8").count("type: ignore")
        for package in (*PACKAGES, "tests", "bench", "tools")
        for path in (ROOT / package).rglob("*.py")
    )


def longest_functions(top: int) -> list[tuple[int, str]]:
    sizes: list[tuple[int, str]] = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno:
                where = f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
                sizes.append((node.end_lineno - node.lineno + 1, where))
    return sorted(sizes, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    writes = cross_domain_writes()
    print(f"cross-domain table writes: {len(writes)}")
    for w in writes:
        print(f"  {w.path}:{w.line} writes {w.table_class} (owned by {w.owner})")
    print(f"type: ignore comments: {type_ignores()}")
    print(f"longest functions (lines), top {args.top}:")
    for size, where in longest_functions(args.top):
        print(f"  {size:4d}  {where}")


if __name__ == "__main__":
    main()

"""Shape figures for a closing note: cross-domain table writes, `type: ignore`s, longest functions.

    .venv/bin/python tools/code_metrics.py [--top 10]

A *write* is `insert(T)` (or a dialect's `pg_insert(T)`), `update(T)`, `delete(T)` or a
constructor call `T(...)` of a mapped class `T` imported from another top-level package's module
(the owner is the package whose module defines the table), or an attribute set on a loaded row of
such a class (`offer.status = ...`, `setattr(offer, ...)`) where the row's name is a parameter or
variable annotated `T` or the result of `session.get(T, ...)`. Reads (`select(T)`) are allowed
anywhere and not counted. tests/test_table_ownership.py asserts there are none (ADR 27).
"""

import argparse
import ast
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The packages the wheel ships, as pyproject.toml lists them.
PACKAGES: tuple[str, ...] = tuple(
    tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"][
        "targets"
    ]["wheel"]["packages"]
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
        if package not in EXEMPT:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            relative = str(path.relative_to(ROOT))
            writes += writes_in(tree, package, mapped, relative)
    return writes


def writes_in(
    tree: ast.Module, package: str, mapped: dict[str, dict[str, str]], path: str
) -> list[Write]:
    """The writes in one module of `package` to tables another package owns."""
    foreign: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in mapped:
            for alias in node.names:
                owner = mapped[node.module].get(alias.name)
                if owner and owner != package:
                    foreign[alias.asname or alias.name] = owner
    found = [
        Write(path, line, name, foreign[name])
        for line, name in _statements(tree)
        if name in foreign
    ]
    functions = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)]
    returning = {f.name: table for f in functions if (table := _annotated(f.returns, set(foreign)))}
    for function in functions:
        rows = _bound_rows(function, set(foreign), returning)
        found += [
            Write(path, line, rows[name], foreign[rows[name]])
            for line, name in _attribute_writes(function)
            if name in rows
        ]
    return sorted(set(found), key=lambda w: (w.line, w.table_class))


def _statements(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """`insert(T)` (also a dialect's `pg_insert(T)`), `update(T)`, `delete(T)` and `T(...)`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (name := _called(node)):
            if _is_writer(name) and node.args and isinstance(node.args[0], ast.Name):
                yield node.lineno, node.args[0].id
            else:
                yield node.lineno, name


def _is_writer(name: str) -> bool:
    return name.strip("_").rsplit("_", 1)[-1] in _WRITERS


def _bound_rows(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    classes: set[str],
    returning: dict[str, str],
) -> dict[str, str]:
    """Names in `function` that hold a loaded row of one of `classes`: a parameter or variable
    annotated `T` (or `T | None`), the result of `session.get(T, ...)`, of
    `session.scalar(select(T)...)` or of a function of the same module annotated to return `T`."""
    rows: dict[str, str] = {}
    arguments = function.args
    for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        if (table := _annotated(argument.annotation, classes)) is not None:
            rows[argument.arg] = table
    for node in ast.walk(function):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if (table := _annotated(node.annotation, classes)) is not None:
                rows[node.target.id] = table
        elif isinstance(node, ast.Assign) and (table := _got(node.value, classes, returning)):
            rows.update({t.id: table for t in node.targets if isinstance(t, ast.Name)})
    return rows


def _annotated(annotation: ast.expr | None, classes: set[str]) -> str | None:
    if isinstance(annotation, ast.Name) and annotation.id in classes:
        return annotation.id
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _annotated(annotation.left, classes) or _annotated(annotation.right, classes)
    return None


def _got(value: ast.expr, classes: set[str], returning: dict[str, str]) -> str | None:
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return None
    name = _called(value)
    if name in returning:
        return returning[name]
    first = value.args[0] if value.args else None
    if name == "scalar":
        first = _selected(first)
    elif name != "get":
        return None
    return first.id if isinstance(first, ast.Name) and first.id in classes else None


def _selected(query: ast.expr | None) -> ast.expr | None:
    """`T` of `select(T).where(...)...`."""
    while isinstance(query, ast.Call):
        if _called(query) == "select":
            return query.args[0] if len(query.args) == 1 else None
        query = query.func.value if isinstance(query.func, ast.Attribute) else None
    return None


def _attribute_writes(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
) -> Iterator[tuple[int, str]]:
    """`x.column = ...`, `x.a, x.b = ...`, `x.column += ...` and `setattr(x, ...)`: (line, x)."""
    for node in ast.walk(function):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            for target in node.targets:
                targets += target.elts if isinstance(target, ast.Tuple) else [target]
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Call) and _called(node) == "setattr" and node.args:
            targets = [
                ast.Attribute(value=node.args[0], attr="", ctx=ast.Store(), lineno=node.lineno)
            ]
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                yield target.lineno, target.value.id


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

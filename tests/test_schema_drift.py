from pathlib import Path

from strawberry.printer import print_schema

from api.schema import build_schema
from core.settings import Settings

COMMITTED = Path(__file__).resolve().parents[1] / "schema.graphql"


def test_the_committed_schema_matches_the_code() -> None:
    printed = print_schema(build_schema(Settings(debug=True))) + "\n"
    assert COMMITTED.read_text(encoding="utf-8") == printed, (
        "run `make schema` and commit schema.graphql"
    )


def test_money_is_never_a_float_in_the_api() -> None:
    sdl = COMMITTED.read_text(encoding="utf-8")
    assert "Float" not in sdl

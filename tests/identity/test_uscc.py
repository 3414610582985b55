import pytest

from identity import regions, uscc

# The example code commonly used to illustrate GB 32100-2015 (its check character is 3).
REAL = ["91350100M000100Y43"]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_are_valid(code: str) -> None:
    assert uscc.is_valid(code)


def test_a_wrong_check_character_is_caught() -> None:
    code = REAL[0]
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    assert not uscc.is_valid(wrong)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "91350100M000100Y4",
        "91350100M000100Y433",
        "91350100M000100I43",
        "91ABCDEFM000100Y43",
        "９１350100M000100Y43",
    ],
)
def test_malformed_codes_are_invalid(code: str) -> None:
    assert not uscc.is_valid(code)


def test_lower_case_is_normalised() -> None:
    assert uscc.is_valid(REAL[0].lower())


def test_complete_appends_the_check_character() -> None:
    assert uscc.complete(REAL[0][:17]) == REAL[0]


def test_region_subtrees() -> None:
    assert regions.subtree_prefix("330000") == "33"
    assert regions.subtree_prefix("331100") == "3311"
    assert regions.in_subtree("331102", "331100")
    assert not regions.in_subtree("320402", "330000")
    assert regions.parent_code("331102") == "331100"
    assert regions.parent_code("331100") == "330000"
    assert regions.parent_code("330000") is None

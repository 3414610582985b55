import pytest

from search.analysis import (
    SynonymSet,
    edits1,
    index_tokens,
    normalize,
    parse_query,
    pinyin_tokens,
    query_tokens,
    synonym_lookup_keys,
    vocabulary_lookups,
    with_vocabulary,
    within_one_edit,
    word_pinyin,
)


def test_normalize_folds_width_and_case() -> None:
    assert normalize("ＴｈｉｎｋＣｅｎｔｒｅ　Ｍ７４０ｔ") == "thinkcentre m740t"


def test_index_tokens_add_the_short_words_inside_long_ones() -> None:
    tokens = index_tokens("联想(Lenovo) ThinkCentre M740t 便携式计算机")
    assert {"联想", "lenovo", "thinkcentre", "m740t", "便携式", "计算机", "计算"} <= set(tokens)
    assert len(tokens) == len(set(tokens))


def test_query_tokens_keep_the_typed_order_and_whole_words() -> None:
    assert query_tokens("便携式计算机 ThinkPad") == ["便携式", "计算机", "thinkpad"]


def test_a_model_with_separators_is_indexed_split_and_joined() -> None:
    assert {"lj", "2605d", "lj2605d"} <= set(index_tokens("LJ-2605D"))
    assert query_tokens("LJ-2605D") == ["lj", "2605d"]


def test_tokens_hold_letters_and_digits_only() -> None:
    tokens = index_tokens('"联想" AND (M740t*) NEAR/2 ^ - : . / _x_ 🙂')
    assert all(t.isalnum() for t in tokens)


def test_pinyin_full_and_initials() -> None:
    assert word_pinyin("联想") == ("lianxiang", "lx")
    assert {"lianxiang", "lx", "taishi", "jisuanji", "jsj"} <= set(pinyin_tokens("联想台式计算机"))
    assert pinyin_tokens("ThinkCentre") == []


def test_synonym_spans_become_one_clause_with_alternatives() -> None:
    synonyms = SynonymSet([("笔记本", "便携式计算机"), ("电脑", "计算机")])
    parsed = parse_query("笔记本 联想", synonyms)
    first, second = parsed.clauses
    assert [[t.text for t in alt] for alt in first] == [["笔记本"], ["便携式", "计算机"]]
    assert [[t.text for t in alt] for alt in second] == [["联想"]]


def test_a_synonym_typed_as_two_tokens_still_matches() -> None:
    synonyms = SynonymSet([("便携式计算机", "笔记本")])
    (clause,) = parse_query("便携式 计算机", synonyms).clauses
    assert [[t.text for t in alt] for alt in clause] == [["便携式", "计算机"], ["笔记本"]]


def test_synonym_lookup_keys_cover_every_run() -> None:
    assert synonym_lookup_keys("便携式计算机 x") == {
        "便携式",
        "计算机",
        "x",
        "便携式计算机",
        "计算机x",
        "便携式计算机x",
    }


def test_the_last_latin_word_is_a_prefix() -> None:
    parsed = parse_query("联想 m74", SynonymSet())
    assert [t.prefix for t in parsed.terms()] == [False, True]
    assert [t.prefix for t in parse_query("m7 联想", SynonymSet()).terms()] == [False, False]


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("m740t", "m74ot", True),
        ("m740t", "m740", True),
        ("m740t", "m7400t", True),
        ("thinkcentre", "thnikcentre", True),
        ("m740t", "m470t", True),  # adjacent digits swapped
        ("m740t", "m407t", False),
        ("m740t", "m74", False),
    ],
)
def test_within_one_edit(a: str, b: str, near: bool) -> None:
    assert within_one_edit(a, b) is near
    assert (b in edits1(a)) is near


def test_typos_only_for_long_latin_words_missing_from_the_vocabulary() -> None:
    parsed = parse_query("联想 m74ot m7", SynonymSet())
    assert vocabulary_lookups(parsed) == edits1("m74ot") | {"m74ot"}
    fixed = with_vocabulary(parsed, {"m740t", "m740s"})
    assert [t.variants for t in fixed.terms()] == [(), ("m740t",), ()]


def test_a_known_word_is_taken_as_typed() -> None:
    parsed = parse_query("m740t", SynonymSet())
    (known,) = with_vocabulary(parsed, {"m740t", "m740s"}).terms()
    assert (known.prefix, known.variants) == (False, ())
    (partial,) = with_vocabulary(parse_query("m740", SynonymSet()), {"m740t"}).terms()
    assert (partial.prefix, partial.variants) == (True, ())

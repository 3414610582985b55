from search.highlight import highlight


def test_whole_latin_words_and_chinese_words_anywhere() -> None:
    marked = highlight("联想 ThinkCentre M740t 台式计算机", {"m740t", "计算机"}, set())
    assert marked == "联想 ThinkCentre <em>M740t</em> 台式<em>计算机</em>"


def test_a_latin_word_inside_a_longer_one_is_not_marked() -> None:
    assert highlight("M740t", {"m740"}, set()) == "M740t"


def test_a_prefix_marks_the_start_of_a_word() -> None:
    assert highlight("ThinkPad E14", set(), {"thin"}) == "<em>Thin</em>kPad E14"


def test_full_width_text_is_marked_as_written() -> None:
    assert (
        highlight("ＬＪ－２６０５Ｄ 打印机", {"lj2605d"}, set())
        == "<em>ＬＪ－２６０５Ｄ</em> 打印机"
    )


def test_pinyin_marks_the_chinese_word() -> None:
    assert highlight("联想台式机", {"lx"}, set()) == "<em>联想</em>台式机"


def test_everything_else_is_escaped() -> None:
    assert highlight('<script>"x"</script> & 联想', {"联想"}, set()) == (
        "&lt;script&gt;&quot;x&quot;&lt;/script&gt; &amp; <em>联想</em>"
    )


def test_adjacent_matches_merge() -> None:
    assert highlight("台式计算机", {"台式", "计算机"}, set()) == "<em>台式计算机</em>"

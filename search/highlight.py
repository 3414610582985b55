"""Highlights: the words of a title that matched, wrapped in <em>…</em>, the rest HTML-escaped.

Matching runs on the normalised title (full-width → half-width, lower case) and maps back to
the characters as written, so a full-width "ＭＸ" shows as typed with the match marked. A
pinyin query ("lianxiang", "lx") marks the Chinese word it spells (联想).
"""

import html
import re
from collections.abc import Iterator

from search.analysis import han_words, is_latin, normalize, word_pinyin

_COMPOUND = re.compile(r"[a-z0-9]+(?:[-./_+][a-z0-9]+)*")
_ALNUM = re.compile(r"[a-z0-9]+")

Span = tuple[int, int]


def highlight(title: str, words: set[str], prefixes: set[str]) -> str:
    """`words` match whole tokens (Chinese words anywhere); `prefixes` the start of a token."""
    norm, origin = _normalised(title)
    spans = _merge([*_latin_spans(norm, words, prefixes), *_han_spans(norm, words, prefixes)])
    out: list[str] = []
    at = 0
    for start, end in spans:
        first, last = origin[start], origin[end - 1] + 1
        out += [html.escape(title[at:first]), "<em>", html.escape(title[first:last]), "</em>"]
        at = last
    out.append(html.escape(title[at:]))
    return "".join(out)


def _normalised(title: str) -> tuple[str, list[int]]:
    """The normalised title and, for each of its characters, the index it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(title):
        folded = normalize(char)
        chars.append(folded)
        origin.extend([index] * len(folded))
    return "".join(chars), origin


def _latin_spans(norm: str, words: set[str], prefixes: set[str]) -> Iterator[Span]:
    for compound in _COMPOUND.finditer(norm):
        if "".join(_ALNUM.findall(compound.group())) in words:
            yield compound.span()
            continue
        for token in _ALNUM.finditer(compound.group()):
            yield from _token_span(token.group(), compound.start() + token.start(), words, prefixes)


def _token_span(token: str, start: int, words: set[str], prefixes: set[str]) -> Iterator[Span]:
    if token in words:
        yield start, start + len(token)
        return
    longest = max((len(p) for p in prefixes if token.startswith(p)), default=0)
    if longest:
        yield start, start + longest


def _han_spans(norm: str, words: set[str], prefixes: set[str]) -> Iterator[Span]:
    wanted = {w for w in words if not is_latin(w)}
    latin = {w for w in words if is_latin(w)}
    for word in set(han_words(norm)):
        full, initials = word_pinyin(word)
        spelled = full in latin or initials in latin or any(full.startswith(p) for p in prefixes)
        if spelled and len(word) > 1:
            wanted.add(word)
    for word in wanted:
        yield from _occurrences(norm, word)


def _occurrences(text: str, word: str) -> Iterator[Span]:
    start = text.find(word)
    while start != -1:
        yield start, start + len(word)
        start = text.find(word, start + len(word))


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged

"""Text analysis shared by every backend: normalisation, segmentation, pinyin, synonyms, typos.

Chinese runs are segmented with jieba (rjieba): documents with `cut_for_search`, which adds the
shorter words inside long ones, queries with `cut`. Latin runs become lower-case alphanumeric
tokens; a model number written with separators ("LJ-2605D") also yields its joined form
("lj2605d"). Chinese words add their pinyin, full ("lianxiang") and initials ("lx").

Every token is made of letters and digits only, so no token can carry query syntax.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

import rjieba
from pypinyin import Style, lazy_pinyin

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECE = re.compile(rf"(?P<latin>[a-z0-9]+(?:[-./_+][a-z0-9]+)*)|(?P<han>[{_HAN}]+)")
_ALNUM = re.compile(r"[a-z0-9]+")
_LATIN_TOKEN = re.compile(r"^[a-z0-9]+$")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

TYPO_MIN_LENGTH = 5  # a typed Latin word this long may carry one typo (Meilisearch's default)
PREFIX_MIN_LENGTH = 3  # the last Latin word this long also matches as a prefix
VOCABULARY_MIN_LENGTH = TYPO_MIN_LENGTH - 1  # one deletion away from the shortest typo target
_TYPO_MAX_LENGTH = 24  # longer words are not corrected (edits1 grows with the length)
_PINYIN_MAX_RUN = 8  # a whole Chinese run this short also gets its own pinyin


def normalize(text: str) -> str:
    """NFKC (full-width → half-width, compatibility forms) then case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def index_tokens(text: str) -> list[str]:
    """The tokens a document field is indexed under, in order, without duplicates."""
    return _unique(_tokens(normalize(text), rjieba.cut_for_search, joined=True))


def query_tokens(text: str) -> list[str]:
    """The tokens of a query (or of a synonym), in the order they were typed."""
    return list(_tokens(normalize(text), rjieba.cut, joined=False))


def pinyin_tokens(text: str) -> list[str]:
    """Full pinyin and initials of each Chinese word (and of short whole runs)."""
    found: list[str] = []
    for run in _han_runs(normalize(text)):
        words = [w for w in rjieba.cut(run) if len(w) > 1]
        if 1 < len(run) <= _PINYIN_MAX_RUN and run not in words:
            words.append(run)
        for word in words:
            found.extend(word_pinyin(word))
    return _unique(found)


@lru_cache(maxsize=65536)
def word_pinyin(word: str) -> tuple[str, str]:
    """(full, initials) of a Chinese word: 联想 → ("lianxiang", "lx")."""
    full = "".join(lazy_pinyin(word))
    initials = "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))
    return full, initials


def is_latin(token: str) -> bool:
    return bool(_LATIN_TOKEN.match(token))


def han_words(text: str) -> list[str]:
    """The Chinese words of a text, as a query would cut them (for highlighting pinyin hits)."""
    return [w for run in _han_runs(normalize(text)) for w in rjieba.cut(run)]


def _tokens(text: str, cut: Callable[[str], list[str]], *, joined: bool) -> Iterator[str]:
    for match in _PIECE.finditer(text):
        if match.lastgroup == "han":
            yield from cut(match.group())
            continue
        parts = _ALNUM.findall(match.group())
        yield from parts
        if joined and len(parts) > 1:
            yield "".join(parts)


def _han_runs(text: str) -> list[str]:
    return [m.group() for m in _PIECE.finditer(text) if m.lastgroup == "han"]


def _unique(tokens: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(t for t in tokens if t))


# --- synonyms -------------------------------------------------------------------------------


Words = tuple[str, ...]  # a term as query tokens: 便携式计算机 → ("便携式", "计算机")


class SynonymSet:
    """Groups of interchangeable terms (电脑 / 计算机 / 台式机), each term keyed by its tokens
    joined, so "笔记本 电脑" and "笔记本电脑" are one term."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()) -> None:
        self._group_of: dict[str, tuple[Words, ...]] = {}
        for group in clean_groups(groups):
            members = tuple(tuple(query_tokens(term)) for term in group)
            for words in members:
                self._group_of["".join(words)] = members

    def group_of(self, key: str) -> tuple[Words, ...] | None:
        return self._group_of.get(key)


def clean_groups(groups: Iterable[Iterable[str]]) -> list[tuple[str, ...]]:
    """Groups of two or more distinct terms, each normalised (NFKC, lower case, single spaces);
    terms that analyse to nothing are dropped."""
    cleaned: list[tuple[str, ...]] = []
    for group in groups:
        terms = tuple(dict.fromkeys(t for t in (_clean_term(x) for x in group) if t))
        if len(terms) > 1:
            cleaned.append(terms)
    return cleaned


def synonym_key(term: str) -> str:
    """What a synonym is looked up by: its query tokens joined (笔记本 电脑 → 笔记本电脑)."""
    return "".join(query_tokens(term))


def _clean_term(text: str) -> str:
    return " ".join(normalize(text).split()) if query_tokens(text) else ""


# --- parsed queries -------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One token to match; `variants` are vocabulary words one typo away (any may match)."""

    text: str
    prefix: bool = False
    variants: tuple[str, ...] = ()


Alternative = tuple[Term, ...]  # every term must match
Clause = tuple[Alternative, ...]  # any alternative may match


@dataclass(frozen=True)
class ParsedQuery:
    """Clauses that must all match: the typed words, each with its synonyms as alternatives."""

    clauses: tuple[Clause, ...]

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    def terms(self) -> Iterator[Term]:
        for clause in self.clauses:
            for alternative in clause:
                yield from alternative

    def highlight_words(self) -> tuple[set[str], set[str]]:
        """(whole words, prefixes) a hit's title may show for this query."""
        words: set[str] = set()
        prefixes: set[str] = set()
        for term in self.terms():
            words.update((term.text, *term.variants))
            if term.prefix:
                prefixes.add(term.text)
        return words, prefixes


_MAX_SYNONYM_SPAN = 4


def synonym_lookup_keys(text: str) -> set[str]:
    """Every run of a query's tokens that could spell a synonym term (joined, as term keys)."""
    tokens = query_tokens(text)
    return {
        "".join(tokens[i : i + n])
        for i in range(len(tokens))
        for n in range(1, min(_MAX_SYNONYM_SPAN, len(tokens) - i) + 1)
    }


def parse_query(text: str, synonyms: SynonymSet) -> ParsedQuery:
    """Split a query into clauses; a run of tokens that spells a synonym becomes one clause."""
    tokens = query_tokens(text)
    clauses: list[Clause] = []
    i = 0
    while i < len(tokens):
        span, group = _synonym_span(tokens, i, synonyms)
        own = tuple(tokens[i : i + span])
        others = tuple(_alternative(words) for words in group or () if words != own)
        clauses.append((_alternative(own), *others))
        i += span
    return ParsedQuery(_with_last_prefix(tuple(clauses)))


def _synonym_span(
    tokens: list[str], start: int, synonyms: SynonymSet
) -> tuple[int, tuple[Words, ...] | None]:
    longest = min(_MAX_SYNONYM_SPAN, len(tokens) - start)
    for span in range(longest, 0, -1):
        group = synonyms.group_of("".join(tokens[start : start + span]))
        if group is not None:
            return span, group
    return 1, None


def _alternative(tokens: Iterable[str]) -> Alternative:
    return tuple(Term(t) for t in tokens)


def _with_last_prefix(clauses: tuple[Clause, ...]) -> tuple[Clause, ...]:
    """The last word typed matches as a prefix too (search as you type), if Latin and ≥ 3."""
    if not clauses or len(clauses[-1][0]) == 0:
        return clauses
    own = clauses[-1][0]
    last = own[-1]
    if not (is_latin(last.text) and len(last.text) >= PREFIX_MIN_LENGTH):
        return clauses
    prefixed = (*own[:-1], replace(last, prefix=True))
    return (*clauses[:-1], (prefixed, *clauses[-1][1:]))


# --- typos ----------------------------------------------------------------------------------


def vocabulary_lookups(query: ParsedQuery) -> set[str]:
    """What to look up in the index's vocabulary: Latin terms that may carry a typo or match
    as a prefix, and every word one edit away from the former."""
    found: set[str] = set()
    for term in query.terms():
        if term.prefix or _typo_eligible(term.text):
            found.add(term.text)
        if _typo_eligible(term.text):
            found |= edits1(term.text)
    return found


def with_vocabulary(query: ParsedQuery, vocabulary: set[str]) -> ParsedQuery:
    """A term the vocabulary knows is a whole word, taken as typed (no prefix expansion,
    which costs a merge of every longer word's postings); a long unknown one gains the known
    words one edit away."""

    def fix(term: Term) -> Term:
        if term.text in vocabulary:
            return replace(term, prefix=False)
        if not _typo_eligible(term.text):
            return term
        near = sorted(w for w in vocabulary if within_one_edit(term.text, w))
        return replace(term, variants=tuple(near))

    return ParsedQuery(
        tuple(tuple(tuple(fix(t) for t in alt) for alt in clause) for clause in query.clauses)
    )


def _typo_eligible(token: str) -> bool:
    return TYPO_MIN_LENGTH <= len(token) <= _TYPO_MAX_LENGTH and is_latin(token)


def edits1(word: str) -> set[str]:
    """Words one deletion, transposition, substitution or insertion away (Norvig)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    inserts = {a + c + b for a, b in splits for c in _ALPHABET}
    return (deletes | transposes | replaces | inserts) - {word}


def within_one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance ≤ 1 (a transposition counts as one edit)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))

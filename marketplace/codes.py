"""品目 codes of the 政府采购品目分类目录: a letter (A 货物, B 工程, C 服务), then pairs of digits.

A → A02 → A0201 → A020101 → A02010104: a code's parent is the code less its last pair.
"""

import re

_CODE = re.compile(r"^[ABC](\d{2}){0,6}$")


def is_valid(code: str) -> bool:
    return bool(_CODE.match(code))


def parent_of(code: str) -> str | None:
    return code[:-2] if len(code) > 1 else None


def level_of(code: str) -> int:
    return 1 + (len(code) - 1) // 2


def gtin_is_valid(gtin: str) -> bool:
    """GS1 GTIN-8/12/13/14 with its mod-10 check digit."""
    if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14):
        return False
    digits = [int(d) for d in gtin]
    body = reversed(digits[:-1])
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
    return (10 - total % 10) % 10 == digits[-1]


def match_key(brand: str, model: str) -> str:
    """Brand and model folded so 'ThinkCentre M740t' and 'thinkcentre  m740T' are one product."""
    return f"{_fold(brand)}|{_fold(model)}"


def _fold(text: str) -> str:
    return re.sub(r"[\s\-_/·]+", "", text).casefold()

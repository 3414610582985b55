"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters from 0-9 and the upper-case letters without I, O, Z, S, V; the last one is a
check character: 31 - (sum of value * weight mod 31), with 31 written as 0.
"""

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {ch: i for i, ch in enumerate(_ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(_VALUES[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return _ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return code.strip().upper()


def is_valid(code: str) -> bool:
    code = normalise(code)
    if len(code) != 18 or any(ch not in _VALUES for ch in code):
        return False
    if not code[2:8].isdigit():
        return False
    return check_character(code[:17]) == code[17]


def complete(first17: str) -> str:
    """A full code from its first 17 characters (for demo data and tests)."""
    return first17 + check_character(first17)

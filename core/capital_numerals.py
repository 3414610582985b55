"""Amounts in Chinese capital numerals (大写金额), as a contract or a cheque writes them.

The conventions are those of 《会计基础工作规范》 art. 52 and the bank's rules for filling in
bills (《支付结算办法》 annex), where they leave a choice this module makes one:

- a leading ten is written 壹拾 (10 → 壹拾元整), as banks require, so nothing can be put before it;
- one 零 stands for each run of zeros between two non-zero digits of the yuan, across 万 and 亿
  too (107000 → 壹拾万零柒仟, 100010000 → 壹亿零壹万);
- no 零 between 元 and 角 (1680.32 → 壹仟陆佰捌拾元叁角贰分), but always one when 角 is zero
  and 分 is not (100.05 → 壹佰元零伍分);
- 整 after 元 or 角 when the amount has no 分.
"""

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")
_GROUPS = ((10**8, "亿"), (10**4, "万"))


def amount_in_words(fen: int) -> str:
    """`amount_in_words(123450)` → "壹仟贰佰叁拾肆元伍角整"."""
    if fen < 0:
        raise ValueError(f"a contract amount is never negative: {fen}")
    if fen == 0:
        return "零元整"
    yuan, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    words = _integer(yuan) + "元" if yuan else ""
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif yuan and cents:
        words += "零"
    return words + (_DIGITS[cents] + "分" if cents else "整")


def _integer(n: int) -> str:
    for size, unit in _GROUPS:
        if n >= size:
            high, low = divmod(n, size)
            if low == 0:
                return _integer(high) + unit
            gap = high % 10 == 0 or low < size // 10
            return _integer(high) + unit + ("零" if gap else "") + _integer(low)
    return _below_ten_thousand(n)


def _below_ten_thousand(n: int) -> str:
    digits = str(n)
    words: list[str] = []
    for place, digit in zip(range(len(digits) - 1, -1, -1), digits, strict=True):
        if digit != "0":
            words.append(_DIGITS[int(digit)] + _PLACES[place])
        elif words[-1] != "零":
            words.append("零")
    return "".join(words).rstrip("零")

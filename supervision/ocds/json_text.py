"""JSON text for OCDS data, with money written as the exact decimal it is.

The standard library can only write a Decimal by going through a float; a small writer of our
own puts `1234.56` on the wire from `Decimal("1234.56")`, digit for digit.
"""

import json
from decimal import Decimal


def dumps(value: object) -> str:
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def _write(value: object, out: list[str]) -> None:
    if isinstance(value, dict):
        _write_object(value, out)
    elif isinstance(value, list | tuple):
        _write_array(value, out)
    elif isinstance(value, Decimal):
        out.append(_number(value))
    elif isinstance(value, float):
        raise TypeError("OCDS data must not hold a float: use Decimal")
    else:
        out.append(json.dumps(value, ensure_ascii=False))


def _write_object(value: dict[object, object], out: list[str]) -> None:
    out.append("{")
    for index, (key, item) in enumerate(value.items()):
        if not isinstance(key, str):
            raise TypeError(f"JSON object keys must be strings, not {key!r}")
        out.append("," if index else "")
        out.append(json.dumps(key, ensure_ascii=False))
        out.append(":")
        _write(item, out)
    out.append("}")


def _write_array(value: list[object] | tuple[object, ...], out: list[str]) -> None:
    out.append("[")
    for index, item in enumerate(value):
        out.append("," if index else "")
        _write(item, out)
    out.append("]")


def _number(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"not a JSON number: {value}")
    return format(value, "f")

"""6-digit administrative division codes: 省 XX0000, 市 XXXX00, 县 XXXXXX."""

import re

_CODE = re.compile(r"^\d{6}$")


def is_valid_code(code: str) -> bool:
    return bool(_CODE.match(code)) and code[:2] != "00"


def subtree_prefix(code: str) -> str:
    """The prefix every code in this region's subtree starts with (330000 → "33")."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def parent_code(code: str) -> str | None:
    if code.endswith("0000"):
        return None
    if code.endswith("00"):
        return code[:2] + "0000"
    return code[:4] + "00"


def in_subtree(code: str, root: str) -> bool:
    return code.startswith(subtree_prefix(root))


def lineage(code: str) -> list[str]:
    """The region and every region above it (331102 → 331102, 331100, 330000)."""
    chain = [code]
    while (parent := parent_code(chain[-1])) is not None:
        chain.append(parent)
    return chain

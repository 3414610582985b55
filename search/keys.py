"""Filter keys: the embedded backend indexes every exact-match filter as a token beside the text,
so one full-text lookup intersects words, visibility and filters before any row is read.

A key starts with "_" and a letter naming the field (`_r331100` visible in region 331100,
`_ca0201` in category subtree A0201, `_b…` brand, `_a7` agreement, `_h3` hall, `_tsme` policy
tag, `_d20271231` agreement's last day). Text tokens never contain "_", so a key can never match
a word the user typed.
"""

import hashlib
from datetime import date

from search.analysis import normalize
from search.documents import OfferDocument, PolicyTag, SearchQuery, region_chain


def document_keys(doc: OfferDocument) -> list[str]:
    """Every key a document is found under; an inactive one has no region, so it is never
    found at all."""
    keys = [region_key(code) for code in doc.visible_region_codes]
    keys += [category_key(code) for code in category_prefixes(doc.category_code)]
    keys.append(brand_key(doc.brand))
    keys.append(f"_a{doc.agreement_id}")
    keys += [f"_h{hall}" for hall in doc.hall_ids]
    keys += [tag_key(tag) for tag in doc.policy_tags]
    keys.append(expiry_key(doc.agreement_ends_on))
    return keys


def query_key_groups(query: SearchQuery) -> list[tuple[str, ...]]:
    """Groups that must all match, any key within a group: visibility first, then filters."""
    f = query.filter
    groups = [tuple(region_key(c) for c in region_chain(query.viewer_region_code))]
    if f.delivers_to is not None:
        groups.append(tuple(region_key(c) for c in region_chain(f.delivers_to)))
    if f.category_code is not None:
        groups.append((category_key(f.category_code),))
    if f.brands:
        groups.append(tuple(dict.fromkeys(brand_key(b) for b in f.brands)))
    if f.agreement_id is not None:
        groups.append((f"_a{f.agreement_id}",))
    if f.hall_id is not None:
        groups.append((f"_h{f.hall_id}",))
    groups += [(tag_key(tag),) for tag in dict.fromkeys(f.policy_tags)]
    return groups


def category_prefixes(code: str) -> list[str]:
    """A category code and its ancestors' codes: A020101 → A, A02, A0201, A020101."""
    return [code[:n] for n in range(1, len(code) + 1, 2)]


def region_key(code: str) -> str:
    return f"_r{code}"


def category_key(code_prefix: str) -> str:
    return f"_c{code_prefix.lower()}"


def brand_key(brand: str) -> str:
    """Brands are compared folded ("HP" = "hp" = "ＨＰ"); hashed so any brand makes one token."""
    folded = "".join(normalize(brand).split())
    return "_b" + hashlib.blake2b(folded.encode(), digest_size=8).hexdigest()


def expiry_key(day: date) -> str:
    """The agreement's last day: a search leaves out the days before today that some active
    document still carries (see EmbeddedSearchIndex), so counts need no row lookups."""
    return f"_d{day:%Y%m%d}"


def tag_key(tag: PolicyTag) -> str:
    return f"_t{tag.value.lower().replace('_', '')}"

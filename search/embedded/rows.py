"""Documents to rows of the embedded backend's tables and back, with the analysed text."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from search.analysis import VOCABULARY_MIN_LENGTH, index_tokens, is_latin, pinyin_tokens
from search.documents import OfferDocument, price_band_of, tag_bits, tags_of
from search.keys import document_keys


@dataclass(frozen=True)
class Analysed:
    """A document's tokens by field, in the order the fields weigh for relevance."""

    title: list[str]  # title, brand, model
    pinyin: list[str]
    body: list[str]  # category and supplier names
    keys: list[str]

    @property
    def vocabulary(self) -> set[str]:
        words = (*self.title, *self.pinyin)
        return {w for w in words if len(w) >= VOCABULARY_MIN_LENGTH and is_latin(w)}


@dataclass(frozen=True)
class Prepared:
    """A document with everything worked out before a write transaction opens."""

    doc: OfferDocument
    text: Analysed
    facets: dict[str, Any]

    @property
    def signature(self) -> str:
        return str(self.facets["signature"])


def prepare(doc: OfferDocument) -> Prepared:
    return Prepared(doc, analyse(doc), facet_set(doc))


def analyse(doc: OfferDocument) -> Analysed:
    return Analysed(
        title=index_tokens(f"{doc.title} {doc.brand} {doc.model}"),
        pinyin=pinyin_tokens(f"{doc.brand} {doc.title} {doc.category_name}"),
        body=index_tokens(f"{doc.category_name} {doc.supplier_name}"),
        keys=document_keys(doc),
    )


def document_row(doc: OfferDocument, text: Analysed) -> dict[str, Any]:
    return {
        "offer_id": doc.offer_id,
        "product_id": doc.product_id,
        "title": doc.title,
        "brand": doc.brand,
        "model": doc.model,
        "category_code": doc.category_code,
        "category_name": doc.category_name,
        "supplier_id": doc.supplier_id,
        "supplier_name": doc.supplier_name,
        "price_fen": doc.price_fen,
        "market_price_fen": doc.market_price_fen,
        "stock": doc.stock,
        "sales_count": doc.sales_count,
        "rating_x100": doc.rating_x100,
        "agreement_id": doc.agreement_id,
        "agreement_region_code": doc.agreement_region_code,
        "agreement_ends_on": doc.agreement_ends_on,
        "active": doc.active,
        "delivery_region_codes": list(doc.delivery_region_codes),
        "hall_ids": list(doc.hall_ids),
        "policy_tag_bits": tag_bits(doc.policy_tags),
        "updated_at": doc.updated_at,
        "fts_title": " ".join(text.title),
        "fts_body": " ".join(text.body),
        "fts_pinyin": " ".join(text.pinyin),
        "fts_keys": " ".join(text.keys),
    }


def search_row(doc: OfferDocument, facet_set_id: int) -> dict[str, Any]:
    return {
        "offer_id": doc.offer_id,
        "active": doc.active,
        "agreement_ends_on": doc.agreement_ends_on,
        "price_fen": doc.price_fen,
        "sales_count": doc.sales_count,
        "rating_x100": doc.rating_x100,
        "facet_set_id": facet_set_id,
    }


def facet_set(doc: OfferDocument) -> dict[str, Any]:
    """The document's facet values, with the signature that identifies the combination."""
    values: dict[str, Any] = {
        "brand": doc.brand,
        "category_code": doc.category_code,
        "category_name": doc.category_name,
        "price_band": price_band_of(doc.price_fen),
        "policy_tag_bits": tag_bits(doc.policy_tags),
        "agreement_id": doc.agreement_id,
        "hall_ids": sorted(doc.hall_ids),
    }
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False).encode()
    return {"signature": hashlib.blake2b(canonical, digest_size=16).hexdigest(), **values}


def from_row(row: Any) -> OfferDocument:
    """The document a `search_document` row (any object with its columns) was made from."""
    return OfferDocument(
        offer_id=row.offer_id,
        product_id=row.product_id,
        title=row.title,
        brand=row.brand,
        model=row.model,
        category_code=row.category_code,
        category_name=row.category_name,
        supplier_id=row.supplier_id,
        supplier_name=row.supplier_name,
        price_fen=row.price_fen,
        market_price_fen=row.market_price_fen,
        stock=row.stock,
        sales_count=row.sales_count,
        rating_x100=row.rating_x100,
        agreement_id=row.agreement_id,
        agreement_region_code=row.agreement_region_code,
        agreement_ends_on=row.agreement_ends_on,
        active=row.active,
        delivery_region_codes=tuple(row.delivery_region_codes),
        hall_ids=tuple(row.hall_ids),
        policy_tags=tags_of(row.policy_tag_bits),
        updated_at=row.updated_at,
    )

"""The sellers of the demo market, built from the seeded organisations' ids."""

from seed.catalogue import Market, Seller
from seed.organisation_data import ALL_DOMAINS, JD, SUNING, SUPPLIERS, OrgSpec

# The share of products each e-commerce partner lists.
PARTNER_SHARES = ((JD, 0.6), (SUNING, 0.45))


def build_market(organisation_ids: dict[str, int], category_ids: dict[str, int]) -> Market:
    partners = tuple(
        (_seller(spec, organisation_ids, partner=True), share) for spec, share in PARTNER_SHARES
    )
    suppliers = [_seller(spec, organisation_ids) for spec in SUPPLIERS]
    by_domain = {
        domain: tuple(seller for seller in suppliers if domain in seller.domains)
        for domain in ALL_DOMAINS
    }
    return Market(partners=partners, suppliers=by_domain, category_ids=category_ids)


def _seller(spec: OrgSpec, organisation_ids: dict[str, int], *, partner: bool = False) -> Seller:
    return Seller(
        id=organisation_ids[spec.name],
        sku_prefix=spec.sku_prefix,
        domains=frozenset(spec.domains),
        is_partner=partner,
    )

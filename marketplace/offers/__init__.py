"""The offer's owner: every write to `offer`, `offer_price_point`, `offer_delivery_region` and
`supplier_rating` from outside the marketplace goes through these modules, and so do the
products a partner's sync creates (ADR 27). Other domains read the tables freely."""

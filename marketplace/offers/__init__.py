"""The offer's owner: every write to `offer`, `offer_price_point`, `offer_delivery_region` and
`supplier_rating` goes through these modules (ADR 27); other domains read the tables freely."""

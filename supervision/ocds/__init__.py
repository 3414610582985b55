"""Open data: framework agreements and the orders made under them as OCDS 1.1 releases (ADR 20).

`feed` pages the releases, `keys` orders them, `load` reads their rows, `agreement` and `order`
map rows to releases, `common` holds the shared pieces and `json_text` writes them out.
"""

"""`yiwang seed`: deterministic, idempotent demo data (regions, 品目, organisations, goods)."""

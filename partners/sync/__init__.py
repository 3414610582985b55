"""A partner's catalogue sync: items checked (`items`), judged against what we hold (`state`,
`terms`) and applied in bulk (`batch`)."""

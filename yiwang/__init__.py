"""Yiwang (一网): GraphQL e-mall and framework-agreement marketplace for government procurement."""

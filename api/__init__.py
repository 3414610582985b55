# Registered before any GraphQL type is built; see api/enums.py for why.
import api.enums as _enums  # noqa: F401

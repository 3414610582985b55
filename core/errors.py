from enum import StrEnum


class CoreErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    INVALID_MONEY = "INVALID_MONEY"
    CONFLICT = "CONFLICT"


class DomainError(Exception):
    """An expected failure a user can act on: a stable code, a Chinese message, maybe a field."""

    def __init__(self, code: StrEnum, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code.value!r}, {self.message!r}, field={self.field!r})"


class NotFound(DomainError):
    def __init__(self, what: str, key: object, *, field: str | None = None) -> None:
        super().__init__(CoreErrorCode.NOT_FOUND, f"{what}不存在: {key}", field=field)


class InvalidInput(DomainError):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(CoreErrorCode.INVALID_INPUT, message, field=field)


class Unauthenticated(DomainError):
    def __init__(
        self, code: StrEnum = CoreErrorCode.UNAUTHENTICATED, message: str = "请先登录"
    ) -> None:
        super().__init__(code, message)


class Forbidden(DomainError):
    def __init__(self, message: str = "无权执行此操作") -> None:
        super().__init__(CoreErrorCode.FORBIDDEN, message)

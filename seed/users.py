"""Demo logins, one or more per role, all with the same printed password."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.principal import Role
from identity import secrets
from identity.models import User
from seed.common import BASE_TIME, Row

DEMO_PASSWORD = "demo1234"
# `seed --once` takes this user's presence to mean the demo data is already loaded.
MARKER_USERNAME = "operator"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    organisation: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("purchaser", "王丽（采购员）", Role.PURCHASER, "丽水市机关事务管理局"),
    DemoUser("purchaser2", "陈静（采购员）", Role.PURCHASER, "常州市第一人民医院"),
    DemoUser("purchaser3", "刘洋（采购员）", Role.PURCHASER, "上海市徐汇区教育局"),
    DemoUser("supplier", "李明（销售经理）", Role.SUPPLIER, "丽水市华信办公设备有限公司"),
    DemoUser("supplier2", "周强（店长）", Role.SUPPLIER, "常州市天宁区明达电脑经营部"),
    DemoUser("jd", "京东政企业务", Role.PARTNER, "北京京东世纪贸易有限公司"),
    DemoUser("suning", "苏宁政企业务", Role.PARTNER, "苏宁易购集团股份有限公司"),
    DemoUser("operator", "张华（采购中心）", Role.OPERATOR, "丽水市政府采购中心"),
    DemoUser("operator2", "赵敏（采购中心）", Role.OPERATOR, "浙江省政府采购中心"),
    DemoUser("supervisor", "孙伟（监管处）", Role.SUPERVISOR, "丽水市财政局采购监管处"),
    DemoUser("supervisor2", "吴芳（监管）", Role.SUPERVISOR, "常州市财政局"),
    DemoUser("supervisor3", "郑涛（监管）", Role.SUPERVISOR, "浙江省财政厅"),
    DemoUser("auditor", "何静（审计）", Role.AUDITOR, "丽水市审计局"),
)


async def demo_data_present(session: AsyncSession) -> bool:
    return await session.scalar(select(User.id).where(User.username == MARKER_USERNAME)) is not None


async def seed_users(session: AsyncSession, organisation_ids: dict[str, int]) -> int:
    existing = set(await session.scalars(select(User.username)))
    missing = [(n, user) for n, user in enumerate(DEMO_USERS) if user.username not in existing]
    if missing:
        # argon2 is slow on purpose: hash the shared password once, not once a user.
        password_hash = secrets.hash_password(DEMO_PASSWORD)
        rows = [_row(user, n, password_hash, organisation_ids) for n, user in missing]
        await session.execute(insert(User), rows)
    return len(missing)


def _row(user: DemoUser, index: int, password_hash: str, organisation_ids: dict[str, int]) -> Row:
    return {
        "organisation_id": organisation_ids[user.organisation],
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "password_hash": password_hash,
        "is_active": True,
        # Each demo user is alone in its organisation, so it is also the administrator.
        "is_admin": True,
        "failed_logins": 0,
        "locked_until": None,
        "last_login_at": None,
        "created_at": BASE_TIME + timedelta(minutes=index),
    }

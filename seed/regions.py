"""行政区划: the provinces, cities and counties the demo organisations live in (GB/T 2260 codes)."""

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity import regions
from identity.models import Region
from seed.common import Row

REGIONS: tuple[tuple[str, str], ...] = (
    ("110000", "北京市"),
    ("110100", "市辖区"),
    ("110101", "东城区"),
    ("110108", "海淀区"),
    ("110115", "大兴区"),
    ("150000", "内蒙古自治区"),
    ("150100", "呼和浩特市"),
    ("150102", "新城区"),
    ("150105", "赛罕区"),
    ("310000", "上海市"),
    ("310100", "市辖区"),
    ("310101", "黄浦区"),
    ("310104", "徐汇区"),
    ("310115", "浦东新区"),
    ("320000", "江苏省"),
    ("320100", "南京市"),
    ("320102", "玄武区"),
    ("320106", "鼓楼区"),
    ("320400", "常州市"),
    ("320402", "天宁区"),
    ("320404", "钟楼区"),
    ("320411", "新北区"),
    ("320412", "武进区"),
    ("320413", "金坛区"),
    ("320481", "溧阳市"),
    ("330000", "浙江省"),
    ("330100", "杭州市"),
    ("330102", "上城区"),
    ("330105", "拱墅区"),
    ("330106", "西湖区"),
    ("330108", "滨江区"),
    ("331100", "丽水市"),
    ("331102", "莲都区"),
    ("331121", "青田县"),
    ("331122", "缙云县"),
    ("331123", "遂昌县"),
    ("331124", "松阳县"),
    ("331125", "云和县"),
    ("331126", "庆元县"),
    ("331127", "景宁畲族自治县"),
    ("331181", "龙泉市"),
)

NAMES = dict(REGIONS)


def level_of(code: str) -> int:
    """1 province (XX0000), 2 city (XXXX00), 3 county."""
    if code.endswith("0000"):
        return 1
    return 2 if code.endswith("00") else 3


def region_rows() -> list[Row]:
    """Parents before children, so each row's parent is already there when it goes in."""
    rows = [
        {
            "code": code,
            "name": name,
            "parent_code": regions.parent_code(code),
            "level": level_of(code),
        }
        for code, name in REGIONS
    ]
    return sorted(rows, key=lambda row: (row["level"], row["code"]))


def full_name(code: str) -> str:
    """浙江省丽水市莲都区: the names from the province down, without the 市辖区 placeholder."""
    chain: list[str] = []
    current: str | None = code
    while current is not None:
        chain.append(NAMES[current])
        current = regions.parent_code(current)
    return "".join(name for name in reversed(chain) if name != "市辖区")


async def seed_regions(session: AsyncSession) -> int:
    existing = set(await session.scalars(select(Region.code)))
    missing = [row for row in region_rows() if row["code"] not in existing]
    if missing:
        await session.execute(insert(Region), missing)
    return len(missing)

"""品目: a slice of the 政府采购品目分类目录 covering what an e-mall sells.

Computers keep the codes the project's domain notes use (A02010104 台式计算机, A02010105
便携式计算机); the rest follow the 2022 catalogue where known. Every intermediate code is a row,
so each code's parent is `codes.parent_of(code)`.
"""

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace import codes
from marketplace.models import Category
from seed.common import BASE_TIME, Row

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("A", "货物"),
    ("B", "工程"),
    ("C", "服务"),
    ("A02", "设备"),
    ("A0201", "信息化设备"),
    ("A020101", "计算机"),
    ("A02010103", "服务器"),
    ("A02010104", "台式计算机"),
    ("A02010105", "便携式计算机"),
    ("A02010107", "平板式微型计算机"),
    ("A020106", "输入输出设备"),
    ("A02010601", "打印设备"),
    ("A0201060101", "喷墨打印机"),
    ("A0201060102", "激光打印机"),
    ("A0201060104", "针式打印机"),
    ("A02010604", "显示设备"),
    ("A0201060401", "液晶显示器"),
    ("A0202", "办公设备"),
    ("A020201", "复印机"),
    ("A020202", "投影仪"),
    ("A020203", "投影幕"),
    ("A020204", "多功能一体机"),
    ("A020213", "销毁设备"),
    ("A02021301", "碎纸机"),
    ("A0206", "电气设备"),
    ("A020618", "生活用电器"),
    ("A02061801", "电冰箱"),
    ("A02061804", "空调机"),
    ("A02061899", "其他生活用电器"),
    ("A0209", "广播、电视、电影设备"),
    ("A020910", "电视设备"),
    ("A02091001", "普通电视设备（电视机）"),
    ("A05", "家具和用具"),
    ("A0501", "家具"),
    ("A050102", "台、桌类"),
    ("A05010201", "办公桌"),
    ("A05010202", "会议桌"),
    ("A050103", "椅凳类"),
    ("A05010301", "办公椅"),
    ("A05010303", "会议椅"),
    ("A050104", "沙发类"),
    ("A05010401", "三人沙发"),
    ("A05010402", "单人沙发"),
    ("A050105", "柜类"),
    ("A05010501", "书柜"),
    ("A05010502", "文件柜"),
    ("A05010504", "保密柜"),
    ("A0504", "办公用品"),
    ("A050401", "纸制文具"),
    ("A05040101", "复印纸"),
    ("A050402", "硒鼓、粉盒"),
    ("A05040201", "鼓粉盒"),
    ("A05040203", "喷墨盒"),
    ("A050404", "文教用品"),
    ("A05040401", "文具"),
    ("A07", "物资"),
    ("A0706", "食品、饮料和烟草原料"),
    ("A070601", "食品"),
    ("A07060101", "大米"),
    ("A07060102", "面粉"),
    ("A07060103", "食用植物油"),
    ("A07060104", "茶叶"),
    ("A07060105", "农副产品（扶贫832）"),
)


def is_leaf(code: str) -> bool:
    return not any(other != code and other.startswith(code) for other, _ in CATEGORIES)


async def seed_categories(session: AsyncSession) -> tuple[dict[str, int], int]:
    """Inserts the missing codes level by level; returns every code's id and how many were new."""
    ids = await _category_ids(session)
    inserted = 0
    for level in sorted({codes.level_of(code) for code, _ in CATEGORIES}):
        rows = [_row(code, name, ids) for code, name in CATEGORIES if _new_at(code, level, ids)]
        if rows:
            await session.execute(insert(Category), rows)
            inserted += len(rows)
            ids = await _category_ids(session)
    return ids, inserted


def _new_at(code: str, level: int, ids: dict[str, int]) -> bool:
    return codes.level_of(code) == level and code not in ids


def _row(code: str, name: str, ids: dict[str, int]) -> Row:
    parent = codes.parent_of(code)
    return {
        "code": code,
        "name": name,
        "parent_id": ids[parent] if parent is not None else None,
        "level": codes.level_of(code),
        "created_at": BASE_TIME,
    }


async def _category_ids(session: AsyncSession) -> dict[str, int]:
    return {code: id_ for code, id_ in (await session.execute(select(Category.code, Category.id)))}

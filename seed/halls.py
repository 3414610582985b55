"""Three demo boutique halls: 丽水山耕 (local produce and crafts), 常州 (local makers) and an 832
hall of poverty-area produce, each curated with suppliers of its region."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.principal import Actor, Principal, Role
from identity.models import Organisation
from marketplace import halls
from marketplace.models import Hall


@dataclass(frozen=True)
class DemoHall:
    slug: str
    name: str
    region: str
    operator: str
    description: str
    tags: tuple[str, ...]
    suppliers: tuple[str, ...]


DEMO_HALLS = (
    DemoHall(
        "lishui-shangeng",
        "丽水山耕精品馆",
        "331100",
        "丽水市政府采购中心",
        "丽水九县市区的农特产品与传统手工艺品: 香菇、惠明茶、银猴茶、龙泉青瓷、庆元竹木。",
        ("LOCAL_PRODUCE", "CRAFTS"),
        (
            "庆元县百山祖食用菌有限公司",
            "景宁畲族自治县惠明茶业有限公司",
            "松阳县银猴茶业有限公司",
            "遂昌县金竹山农产品专业合作社",
            "丽水市安康福利文具厂",
        ),
    ),
    DemoHall(
        "changzhou-jingpin",
        "常州精品馆",
        "320400",
        "常州市政府采购中心",
        "常州本地制造的家具、文具与粮油茶叶, 中小企业与福利企业优先。",
        ("LOCAL_PRODUCE", "SME"),
        (
            "常州市金坛区绿野粮油有限公司",
            "溧阳市天目湖茶业有限公司",
            "常州市武进区康乐福利家具厂",
            "江苏常美家具有限公司",
        ),
    ),
    DemoHall(
        "poverty-832",
        "832 脱贫地区农副产品馆",
        "330000",
        "浙江省政府采购中心",
        "预算单位食堂采购脱贫地区农副产品 (832 平台), 助力乡村振兴。",
        ("POVERTY_832", "LOCAL_PRODUCE"),
        (
            "丽水市农业投资发展有限公司",
            "内蒙古蒙源农牧产品有限公司",
            "遂昌县金竹山农产品专业合作社",
        ),
    ),
)


async def seed_halls(session: AsyncSession, *, clock: Clock) -> int:
    names = {h for demo in DEMO_HALLS for h in (demo.operator, *demo.suppliers)}
    orgs = {
        o.name: o
        for o in await session.scalars(select(Organisation).where(Organisation.name.in_(names)))
    }
    made = 0
    for position, demo in enumerate(DEMO_HALLS):
        if await session.scalar(select(Hall.id).where(Hall.slug == demo.slug)):
            continue
        operator = orgs[demo.operator]
        actor = Actor(
            principal=Principal(
                role=Role.OPERATOR, organisation_id=operator.id, region_code=operator.region_code
            ),
            request_id="seed",
        )
        draft = halls.HallDraft(
            demo.slug, demo.name, demo.region, demo.description, demo.tags, position=position
        )
        hall = await halls.create_hall(session, draft, actor=actor, clock=clock)
        curation = halls.Curation(add_supplier_ids=tuple(orgs[n].id for n in demo.suppliers))
        await halls.curate_hall(session, hall.id, curation, actor=actor, clock=clock)
        made += 1
    return made

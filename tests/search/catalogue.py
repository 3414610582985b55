"""A small catalogue for the behavioural tests: offers a purchaser in 莲都区 (331102) can see,
and offers hidden from them for each reason visibility knows."""

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from search.documents import OfferDocument, PolicyTag, SearchQuery

TODAY = date(2026, 11, 2)
LIANDU = "331102"  # 莲都区, in 丽水市 331100, in 浙江省 330000
HANGZHOU = "330100"
UPDATED = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)

LENOVO_DESKTOP = 1
HP_DESKTOP = 2
HUAWEI_LAPTOP = 3
PANTUM_PRINTER = 4
EPSON_PROJECTOR = 5
DELI_SHREDDER = 6  # province agreement, delivers to 丽水 only
EXPIRED = 7
OFF_SHELF = 8
CHANGZHOU = 9  # an agreement of 常州 (Jiangsu)
SERVICE_PARTNER = 10  # 联想 only in the supplier's name

LISHUI_DESKTOPS = 11  # agreement in 丽水市
ZHEJIANG_OFFICE = 12  # agreement in 浙江省


def doc(offer_id: int, **changes: Any) -> OfferDocument:
    base = OfferDocument(
        offer_id=offer_id,
        product_id=100 + offer_id,
        title="联想 ThinkCentre M740t 台式计算机",
        brand="联想",
        model="ThinkCentre M740t",
        category_code="A02010104",
        category_name="台式计算机",
        supplier_id=500,
        supplier_name="丽水市数码科技有限公司",
        price_fen=499_900,
        sales_count=0,
        rating_x100=0,
        agreement_id=LISHUI_DESKTOPS,
        agreement_region_code="331100",
        agreement_ends_on=date(2027, 12, 31),
        updated_at=UPDATED,
    )
    return replace(base, **changes)


def catalogue() -> list[OfferDocument]:
    return [
        doc(LENOVO_DESKTOP, sales_count=50, rating_x100=480, policy_tags=(PolicyTag.SME,)),
        doc(
            HP_DESKTOP,
            title="惠普 ProDesk 480 G9 台式计算机",
            brand="惠普",
            model="ProDesk 480 G9",
            price_fen=529_900,
            sales_count=10,
            rating_x100=450,
        ),
        doc(
            HUAWEI_LAPTOP,
            title="华为 MateBook 14 便携式计算机",
            brand="华为",
            model="MateBook 14",
            category_code="A02010105",
            category_name="便携式计算机",
            price_fen=649_900,
            sales_count=80,
            rating_x100=470,
            hall_ids=(7,),
            policy_tags=(PolicyTag.SME, PolicyTag.SMALL_MICRO),
        ),
        doc(
            PANTUM_PRINTER,
            title="奔图 P3301DN 激光打印机",
            brand="奔图",
            model="P3301DN",
            category_code="A0201060102",
            category_name="激光打印机",
            price_fen=129_900,
            sales_count=30,
            rating_x100=490,
            agreement_id=ZHEJIANG_OFFICE,
            agreement_region_code="330000",
            policy_tags=(PolicyTag.DISABLED_WELFARE,),
        ),
        doc(
            EPSON_PROJECTOR,
            title="爱普生 CB-X50 投影机",
            brand="爱普生",
            model="CB-X50",
            category_code="A020202",
            category_name="投影仪",
            price_fen=320_000,
            sales_count=5,
            rating_x100=400,
            agreement_id=ZHEJIANG_OFFICE,
            agreement_region_code="330000",
            hall_ids=(7, 8),
        ),
        doc(
            DELI_SHREDDER,
            title="得力 9951 碎纸机",
            brand="得力",
            model="9951",
            category_code="A02021301",
            category_name="碎纸机",
            price_fen=39_900,
            sales_count=3,
            agreement_id=ZHEJIANG_OFFICE,
            agreement_region_code="330000",
            delivery_region_codes=("331100",),
        ),
        doc(EXPIRED, title="联想 启天 M455 台式计算机", agreement_ends_on=date(2026, 11, 1)),
        doc(OFF_SHELF, title="联想 扬天 M4000q 台式计算机", active=False),
        doc(CHANGZHOU, title="联想 ThinkCentre M930t 台式计算机", agreement_region_code="320400"),
        doc(
            SERVICE_PARTNER,
            title="台式计算机 上门维修服务包",
            brand="丽水服务",
            model="维修包",
            supplier_name="联想授权服务中心",
            price_fen=20_000,
        ),
    ]


def query(text: str = "", **changes: Any) -> SearchQuery:
    base = SearchQuery(viewer_region_code=LIANDU, today=TODAY, text=text, page_size=50)
    return replace(base, **changes)

"""The demo organisations: purchasing units, suppliers, the two e-commerce partners, the
operators (采购中心) and the supervising finance departments.

`type_code` is the first two characters of the 统一社会信用代码: 11 机关, 12 事业单位,
91 企业, 92 个体工商户, 93 农民专业合作社.
"""

from dataclasses import dataclass

from identity.models import OrganisationKind, SupplierSize

IT = "it"
OFFICE = "office"
FURNITURE = "furniture"
APPLIANCE = "appliance"
FOOD = "food"
ALL_DOMAINS = (IT, OFFICE, FURNITURE, APPLIANCE, FOOD)

LARGE, MEDIUM, SMALL, MICRO = (
    SupplierSize.LARGE,
    SupplierSize.MEDIUM,
    SupplierSize.SMALL,
    SupplierSize.MICRO,
)


@dataclass(frozen=True, kw_only=True)
class OrgSpec:
    kind: OrganisationKind
    name: str
    region: str
    type_code: str = "11"
    size: SupplierSize | None = None
    domains: tuple[str, ...] = ()
    sku_prefix: str = ""
    disabled_welfare: bool = False
    prison: bool = False
    address: str | None = None
    email: str | None = None


def _unit(name: str, region: str, type_code: str = "11") -> OrgSpec:
    return OrgSpec(
        kind=OrganisationKind.PURCHASING_UNIT, name=name, region=region, type_code=type_code
    )


def _supplier(
    name: str,
    region: str,
    size: SupplierSize,
    domains: tuple[str, ...],
    sku_prefix: str,
    *,
    type_code: str = "91",
    disabled_welfare: bool = False,
    prison: bool = False,
) -> OrgSpec:
    return OrgSpec(
        kind=OrganisationKind.SUPPLIER,
        name=name,
        region=region,
        type_code=type_code,
        size=size,
        domains=domains,
        sku_prefix=sku_prefix,
        disabled_welfare=disabled_welfare,
        prison=prison,
    )


PURCHASING_UNITS: tuple[OrgSpec, ...] = (
    _unit("丽水市财政局", "331100"),
    _unit("丽水市机关事务管理局", "331100"),
    _unit("丽水市教育局", "331100"),
    _unit("丽水市卫生健康委员会", "331100"),
    _unit("丽水市公安局", "331100"),
    _unit("丽水市人民医院", "331102", "12"),
    _unit("丽水市中心医院", "331102", "12"),
    _unit("丽水学院", "331102", "12"),
    _unit("丽水职业技术学院", "331102", "12"),
    _unit("丽水中学", "331102", "12"),
    _unit("丽水市莲都区教育局", "331102"),
    _unit("丽水市莲都区人民政府办公室", "331102"),
    _unit("青田县财政局", "331121"),
    _unit("青田县人民医院", "331121", "12"),
    _unit("缙云县教育局", "331122"),
    _unit("缙云中学", "331122", "12"),
    _unit("遂昌县人民政府办公室", "331123"),
    _unit("松阳县农业农村局", "331124"),
    _unit("云和县教育局", "331125"),
    _unit("庆元县人民医院", "331126", "12"),
    _unit("景宁畲族自治县民族宗教事务局", "331127"),
    _unit("龙泉市第一中学", "331181", "12"),
    _unit("龙泉市市场监督管理局", "331181"),
    _unit("浙江省教育厅", "330000"),
    _unit("浙江省机关事务管理局", "330000"),
    _unit("浙江大学", "330106", "12"),
    _unit("杭州市西湖区教育局", "330106"),
    _unit("杭州市第一人民医院", "330102", "12"),
    _unit("杭州市拱墅区人民政府办公室", "330105"),
    _unit("浙江省人民医院", "330105", "12"),
    _unit("杭州市滨江区科学技术局", "330108"),
    _unit("常州市教育局", "320400"),
    _unit("常州市第一人民医院", "320402", "12"),
    _unit("常州市第二人民医院", "320402", "12"),
    _unit("常州市天宁区教育局", "320402"),
    _unit("常州市钟楼区人民政府办公室", "320404"),
    _unit("常州市新北区卫生健康局", "320411"),
    _unit("常州大学", "320412", "12"),
    _unit("常州市武进区公安分局", "320412"),
    _unit("常州市金坛区教育局", "320413"),
    _unit("溧阳市人民医院", "320481", "12"),
    _unit("江苏省机关事务管理局", "320000"),
    _unit("南京市教育局", "320100"),
    _unit("南京大学", "320106", "12"),
    _unit("南京市玄武区人民政府办公室", "320102"),
    _unit("上海市机关事务管理局", "310000"),
    _unit("上海市徐汇区教育局", "310104"),
    _unit("上海市徐汇中学", "310104", "12"),
    _unit("复旦大学附属中山医院", "310104", "12"),
    _unit("上海市黄浦区卫生健康委员会", "310101"),
    _unit("上海市浦东新区人民医院", "310115", "12"),
    _unit("上海市浦东新区机关事务管理局", "310115"),
    _unit("内蒙古自治区机关事务管理局", "150000"),
    _unit("呼和浩特市教育局", "150100"),
    _unit("呼和浩特市第一医院", "150102", "12"),
    _unit("内蒙古大学", "150105", "12"),
    _unit("北京市东城区卫生健康委员会", "110101"),
    _unit("北京市海淀区教育委员会", "110108"),
)

SUPPLIERS: tuple[OrgSpec, ...] = (
    _supplier("丽水市华信办公设备有限公司", "331102", SMALL, (IT, OFFICE), "HX"),
    _supplier("丽水市莲都区恒通电脑商行", "331102", MICRO, (IT,), "HT", type_code="92"),
    _supplier("浙江丽水天宇家具有限公司", "331102", MEDIUM, (FURNITURE,), "TY"),
    _supplier("丽水市安康福利文具厂", "331102", MICRO, (OFFICE,), "AK", disabled_welfare=True),
    _supplier("丽水市农业投资发展有限公司", "331100", MEDIUM, (FOOD,), "LSNT"),
    _supplier("青田县新华办公用品有限公司", "331121", MICRO, (OFFICE,), "QTXH"),
    _supplier("缙云县华光家具厂", "331122", SMALL, (FURNITURE,), "HG"),
    _supplier("遂昌县金竹山农产品专业合作社", "331123", MICRO, (FOOD,), "JZS", type_code="93"),
    _supplier("松阳县银猴茶业有限公司", "331124", SMALL, (FOOD,), "YH"),
    _supplier("云和县博远电器有限公司", "331125", SMALL, (APPLIANCE,), "BY"),
    _supplier("庆元县百山祖食用菌有限公司", "331126", SMALL, (FOOD,), "BSZ"),
    _supplier("景宁畲族自治县惠明茶业有限公司", "331127", MICRO, (FOOD,), "HM"),
    _supplier("龙泉市博远电脑科技有限公司", "331181", MICRO, (IT,), "LQBY"),
    _supplier(
        "浙江新华工贸实业有限公司", "330000", MEDIUM, (FURNITURE, OFFICE), "XHGM", prison=True
    ),
    _supplier("浙江智联信息技术有限公司", "330108", MEDIUM, (IT,), "ZL"),
    _supplier("杭州西子办公设备有限公司", "330106", SMALL, (IT, OFFICE), "XZ"),
    _supplier("杭州康居电器有限公司", "330105", MEDIUM, (APPLIANCE,), "KJ"),
    _supplier("浙江云杉家具制造有限公司", "330108", LARGE, (FURNITURE,), "YS"),
    _supplier(
        "杭州市拱墅区福康文具用品厂", "330105", MICRO, (OFFICE,), "FK", disabled_welfare=True
    ),
    _supplier("常州市天宁区明达电脑经营部", "320402", MICRO, (IT,), "MD", type_code="92"),
    _supplier("常州市钟楼区鑫源办公用品商行", "320404", MICRO, (OFFICE,), "XY", type_code="92"),
    _supplier("江苏常美家具有限公司", "320412", MEDIUM, (FURNITURE,), "CM"),
    _supplier("常州新北恒信电器有限公司", "320411", SMALL, (APPLIANCE,), "HXDQ"),
    _supplier("常州市金坛区绿野粮油有限公司", "320413", SMALL, (FOOD,), "LYLY"),
    _supplier("溧阳市天目湖茶业有限公司", "320481", SMALL, (FOOD,), "TMH"),
    _supplier(
        "常州市武进区康乐福利家具厂", "320412", MICRO, (FURNITURE,), "KL", disabled_welfare=True
    ),
    _supplier("江苏金陵数码科技有限公司", "320100", LARGE, (IT, APPLIANCE), "JL"),
    _supplier("南京华韵办公设备有限公司", "320102", MEDIUM, (IT, OFFICE), "HY"),
    _supplier("上海徐汇信诚计算机系统有限公司", "310104", MEDIUM, (IT,), "XC"),
    _supplier("上海浦东申通办公用品有限公司", "310115", SMALL, (OFFICE,), "ST"),
    _supplier("上海黄浦美嘉电器有限公司", "310101", SMALL, (APPLIANCE,), "MJ"),
    _supplier("上海东方工贸实业有限公司", "310115", MEDIUM, (FURNITURE, OFFICE), "DF", prison=True),
    _supplier("内蒙古蒙源农牧产品有限公司", "150105", SMALL, (FOOD,), "MY"),
    _supplier("呼和浩特市赛罕区宏达电脑经营部", "150105", MICRO, (IT,), "HD", type_code="92"),
    _supplier("北京华远信达科技有限公司", "110108", LARGE, (IT, APPLIANCE), "HYXD"),
    _supplier(
        "北京市东城区福利办公用品厂", "110101", MICRO, (OFFICE,), "DCFL", disabled_welfare=True
    ),
)

JD = OrgSpec(
    kind=OrganisationKind.PARTNER,
    name="北京京东世纪贸易有限公司",
    region="110115",
    type_code="91",
    size=LARGE,
    domains=ALL_DOMAINS,
    sku_prefix="JD",
    address="北京市大兴区北京经济技术开发区科创十一街18号院",
    email="zhengqi@jd.com",
)
SUNING = OrgSpec(
    kind=OrganisationKind.PARTNER,
    name="苏宁易购集团股份有限公司",
    region="320102",
    type_code="91",
    size=LARGE,
    domains=ALL_DOMAINS,
    sku_prefix="SN",
    address="江苏省南京市玄武区苏宁大道1号",
    email="zhengqi@suning.com",
)
PARTNERS = (JD, SUNING)

OPERATORS: tuple[OrgSpec, ...] = (
    OrgSpec(
        kind=OrganisationKind.OPERATOR, name="丽水市政府采购中心", region="331100", type_code="12"
    ),
    OrgSpec(
        kind=OrganisationKind.OPERATOR, name="浙江省政府采购中心", region="330000", type_code="12"
    ),
    OrgSpec(
        kind=OrganisationKind.OPERATOR, name="常州市政府采购中心", region="320400", type_code="12"
    ),
    OrgSpec(
        kind=OrganisationKind.OPERATOR, name="上海市政府采购中心", region="310000", type_code="12"
    ),
)

SUPERVISION: tuple[OrgSpec, ...] = (
    OrgSpec(kind=OrganisationKind.SUPERVISION, name="浙江省财政厅", region="330000"),
    OrgSpec(kind=OrganisationKind.SUPERVISION, name="丽水市财政局采购监管处", region="331100"),
    OrgSpec(kind=OrganisationKind.SUPERVISION, name="常州市财政局", region="320400"),
    OrgSpec(kind=OrganisationKind.SUPERVISION, name="丽水市审计局", region="331100"),
)

ORGANISATIONS: tuple[OrgSpec, ...] = (
    *OPERATORS,
    *SUPERVISION,
    *PARTNERS,
    *PURCHASING_UNITS,
    *SUPPLIERS,
)

"""The vocabulary product templates are written in: a spec dimension, a product family (one
leaf 品目 with its typical specs and price) and a product line (a brand's series in a family)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from marketplace.models import SpecKind


@dataclass(frozen=True)
class Dim:
    """One spec: its key, kind, unit, the values a product may have, and how a value shows in
    the product name (`label`, a format string; None keeps it out of the name)."""

    key: str
    kind: SpecKind
    values: tuple[str, ...]
    unit: str | None = None
    label: str | None = None
    # value → price multiplier; values not listed cost nothing extra.
    factors: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Family:
    key: str
    category: str
    noun: str
    unit: str
    domain: str
    price: tuple[int, int]  # yuan, for the cheapest configuration
    weight: int  # share of the generated products
    dims: tuple[Dim, ...]


@dataclass(frozen=True)
class Line:
    family: str
    brand: str
    series: tuple[str, ...]
    tier: float = 1.0
    noun: str | None = None
    overrides: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The brand as product names show it: 联想(Lenovo)."""
        return BRAND_LABELS.get(self.brand, self.brand)


BRAND_LABELS: dict[str, str] = {
    "联想": "联想(Lenovo)",
    "华为": "华为(HUAWEI)",
    "戴尔": "戴尔(DELL)",
    "惠普": "惠普(HP)",
    "清华同方": "清华同方(THTF)",
    "长城": "长城(Great Wall)",
    "荣耀": "荣耀(HONOR)",
    "小米": "小米(Xiaomi)",
    "浪潮": "浪潮(Inspur)",
    "新华三": "新华三(H3C)",
    "超聚变": "超聚变(xFusion)",
    "爱普生": "爱普生(EPSON)",
    "佳能": "佳能(Canon)",
    "兄弟": "兄弟(brother)",
    "奔图": "奔图(PANTUM)",
    "得力": "得力(deli)",
    "得实": "得实(Dascom)",
    "映美": "映美(Jolimark)",
    "飞利浦": "飞利浦(PHILIPS)",
    "理光": "理光(RICOH)",
    "震旦": "震旦(AURORA)",
    "柯尼卡美能达": "柯尼卡美能达(KONICA MINOLTA)",
    "夏普": "夏普(SHARP)",
    "京瓷": "京瓷(KYOCERA)",
    "明基": "明基(BenQ)",
    "索尼": "索尼(SONY)",
    "松下": "松下(Panasonic)",
    "红叶": "红叶(HONGYE)",
    "威视朗": "威视朗(WEISHILANG)",
    "科密": "科密(COMET)",
    "齐心": "齐心(Comix)",
    "海尔": "海尔(Haier)",
    "美的": "美的(Midea)",
    "容声": "容声(Ronshen)",
    "西门子": "西门子(SIEMENS)",
    "海信": "海信(Hisense)",
    "格力": "格力(GREE)",
    "奥克斯": "奥克斯(AUX)",
    "安吉尔": "安吉尔(Angel)",
    "沁园": "沁园(QINYUAN)",
    "创维": "创维(Skyworth)",
    "圣奥": "圣奥(Sunon)",
    "美时": "美时(Milestone)",
    "冠美": "冠美(Guanmei)",
    "华日": "华日(Huari)",
    "西昊": "西昊(Sihoo)",
    "永艺": "永艺(UE)",
    "保友": "保友(Ergonor)",
    "黑白调": "黑白调(HBADA)",
    "卓越": "卓越(ZHUOYUE)",
    "惠宁": "惠宁(HUINING)",
    "虎牌": "虎牌(TIGER)",
    "晨光": "晨光(M&G)",
    "金光": "金光(APP)",
    "格之格": "格之格(G&G)",
    "天威": "天威(PrintRite)",
    "真彩": "真彩(TRUECOLOR)",
    "八马": "八马茶业",
}

Prices = tuple[float, ...] | Mapping[str, float]


def text(key: str, values: str, *, label: str | None = "{}", prices: Prices = ()) -> Dim:
    """A TEXT spec; `values` are separated by "|", `prices` are multipliers in the same order
    (or a mapping, for values that only a line's overrides use)."""
    return _dim(key, SpecKind.TEXT, values, None, label, prices)


def num(
    key: str, unit: str | None, values: str, *, label: str | None = None, prices: Prices = ()
) -> Dim:
    return _dim(key, SpecKind.NUMBER, values, unit, label, prices)


def flag(key: str, values: str = "false|true", *, prices: Prices = ()) -> Dim:
    return _dim(key, SpecKind.BOOLEAN, values, None, None, prices)


def _dim(
    key: str, kind: SpecKind, values: str, unit: str | None, label: str | None, prices: Prices
) -> Dim:
    options = tuple(values.split("|"))
    if isinstance(prices, tuple):
        factors = dict(zip(options, prices, strict=True)) if prices else {}
    else:
        factors = dict(prices)
    return Dim(key, kind, options, unit, label, factors)

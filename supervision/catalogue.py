"""Every supervision rule the mall knows: its code, Chinese name, stages, level and parameters
with their central defaults. Regions change parameters, levels and on/off (`settings.py`); the
evaluations live in `rules/`."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from supervision.models import Level, Stage


class ParamKind(StrEnum):
    BASIS_POINTS = "BASIS_POINTS"  # 1 % = 100
    DAYS = "DAYS"
    WORKING_DAYS = "WORKING_DAYS"
    FEN = "FEN"
    COUNT = "COUNT"
    CODE_PREFIX = "CODE_PREFIX"  # a 品目 code or its prefix
    FEN_BY_CATEGORY = "FEN_BY_CATEGORY"  # {品目 code prefix: fen}


ParamValue = int | str | Mapping[str, int]


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    kind: ParamKind
    default: ParamValue
    bounds: tuple[int, int] | None = None  # narrower than the kind's own, where it matters


@dataclass(frozen=True)
class RuleDefinition:
    code: str
    name: str
    stages: tuple[Stage, ...]
    level: Level
    description: str
    params: tuple[Param, ...] = ()

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


def _bp(name: str, label: str, default: int) -> Param:
    return Param(name, label, ParamKind.BASIS_POINTS, default)


def _share(name: str, label: str, default: int) -> Param:
    """A share of a whole: 0 to 100 %."""
    return Param(name, label, ParamKind.BASIS_POINTS, default, (0, 10_000))


# 中央行政单位通用办公设备家具配置标准 (2016): unit price caps, central defaults.
CONFIGURATION_STANDARD_FEN = {
    "A02010104": 500_000,  # 台式计算机 5,000 元
    "A02010105": 700_000,  # 便携式计算机 7,000 元
    "A0201060102": 120_000,  # A4 黑白 (激光) 打印机 1,200 元
    "A020201": 3_500_000,  # 复印机 35,000 元
    "A020204": 300_000,  # 多功能一体机 3,000 元
    "A05010201": 450_000,  # 办公桌 4,500 元 (司局级; 处级以下 3,000 元)
    "A05010301": 150_000,  # 办公椅 1,500 元 (司局级; 处级以下 800 元)
}

B, D, A = Stage.BEFORE, Stage.DURING, Stage.AFTER

RULES: tuple[RuleDefinition, ...] = (
    RuleDefinition(
        "PRICE_OVER_CEILING",
        "成交价高于协议最高限价",
        (B, D),
        Level.RED,
        "订单行冻结的成交单价高于框架协议最高限价。",
    ),
    RuleDefinition(
        "PRICE_OVER_MARKET",
        "成交价高于市场参考价",
        (B, D),
        Level.ORANGE,
        "订单行成交单价高于下单时电商平台同款价格 (按地区的最低价或平均价规则)。",
        (_bp("tolerance_bp", "容差", 0),),
    ),
    RuleDefinition(
        "PRICE_SPIKE",
        "下单前突击涨价",
        (D,),
        Level.ORANGE,
        "报价在下单前若干天内上涨超过一定比例。",
        (_bp("rise_bp", "涨幅阈值", 2000), Param("window_days", "回看天数", ParamKind.DAYS, 7)),
    ),
    RuleDefinition(
        "PRICE_ABOVE_PEERS",
        "成交价明显高于同款其他报价",
        (D,),
        Level.YELLOW,
        "订单行单价高于同一产品其他在架报价中位数一定比例。",
        (
            _bp("above_bp", "高出中位数比例", 3000),
            Param("min_peers", "最少可比报价数", ParamKind.COUNT, 2),
        ),
    ),
    RuleDefinition(
        "ORDER_SPLITTING",
        "化整为零规避采购方式",
        (D, A),
        Level.RED,
        "同一单位同一品目在同一预算年度 (或较短滑动窗口) 内多笔均低于限额、合计超过限额的订单;"
        "或多笔订单反复略低于限额。",
        (
            Param("category_prefix_length", "品目前缀长度", ParamKind.COUNT, 5),
            Param("tender_threshold_fen", "公开招标数额标准", ParamKind.FEN, 200_000_000),
            Param("window_days", "滑动窗口天数", ParamKind.DAYS, 30),
            _share("near_below_bp", "略低于限额的范围", 1000),
            Param("near_count", "略低于限额的订单笔数", ParamKind.COUNT, 3, (2, 1000)),
        ),
    ),
    RuleDefinition(
        "OVER_STANDARD_CONFIG",
        "超标准配置",
        (D,),
        Level.ORANGE,
        "订单行单价高于该品目的资产配置标准。",
        (
            Param(
                "caps",
                "配置标准单价上限",
                ParamKind.FEN_BY_CATEGORY,
                CONFIGURATION_STANDARD_FEN,
            ),
        ),
    ),
    RuleDefinition(
        "NO_PLAN",
        "无预算采购",
        (B, A),
        Level.RED,
        "订单没有可用的本单位、本年度、对应品目的采购计划。",
    ),
    RuleDefinition(
        "OVER_PLAN",
        "超预算采购",
        (B, A),
        Level.RED,
        "采购计划下的订单合计超过计划金额。",
    ),
    RuleDefinition(
        "CONFIRM_LATE",
        "供应商确认超时",
        (D, A),
        Level.YELLOW,
        "供应商未在地区规定的时限内确认订单。",
    ),
    RuleDefinition(
        "DELIVERY_LATE",
        "供货超期",
        (D, A),
        Level.ORANGE,
        "供应商未在约定的交货期内送达。",
    ),
    RuleDefinition(
        "ACCEPTANCE_LATE",
        "验收超期",
        (D, A),
        Level.YELLOW,
        "采购人未在地区规定的时限内完成验收。",
    ),
    RuleDefinition(
        "CONTRACT_ANNOUNCE_LATE",
        "合同公告超期",
        (D, A),
        Level.ORANGE,
        "合同签订后超过 2 个工作日未公告 (实施条例第五十条)。",
        (Param("working_days", "公告时限", ParamKind.WORKING_DAYS, 2),),
    ),
    RuleDefinition(
        "CONTRACT_FILING_LATE",
        "合同备案超期",
        (D, A),
        Level.ORANGE,
        "合同签订后超过 7 个工作日未备案 (政府采购法第四十七条)。",
        (Param("working_days", "备案时限", ParamKind.WORKING_DAYS, 7),),
    ),
    RuleDefinition(
        "PAYMENT_LATE_SME",
        "拖欠中小企业款项",
        (D, A),
        Level.RED,
        "验收后超过约定天数未向中小企业付款; 证据中列出逾期利息 (保障中小企业款项支付条例)。",
        (
            Param("days", "付款时限", ParamKind.DAYS, 30),
            Param("interest_bp_per_day", "逾期利息 (每日, 基点)", ParamKind.BASIS_POINTS, 5),
        ),
    ),
    RuleDefinition(
        "BLACKLISTED_SUPPLIER",
        "失信供应商成交",
        (B, A),
        Level.RED,
        "成交供应商在下单时处于失信名单有效期内 (按统一社会信用代码)。",
    ),
    RuleDefinition(
        "SUPPLIER_CONCENTRATION",
        "供应商集中度过高",
        (A,),
        Level.YELLOW,
        "一个季度内, 单一供应商占某单位某品目采购额的比例过高。",
        (
            _share("share_bp", "占比阈值", 5000),
            Param("min_spend_fen", "最低品目采购额", ParamKind.FEN, 5_000_000),
            Param("min_orders", "最少订单笔数", ParamKind.COUNT, 3),
            Param("category_prefix_length", "品目前缀长度", ParamKind.COUNT, 5),
        ),
    ),
    RuleDefinition(
        "RELATED_PARTY",
        "采购人与供应商疑似关联",
        (D,),
        Level.RED,
        "采购单位与供应商登记的联系电话、电子邮箱或地址相同。",
    ),
    RuleDefinition(
        "SME_RESERVATION_SHORTFALL",
        "中小企业预留份额不足",
        (A,),
        Level.ORANGE,
        "一个年度内授予中小企业的金额低于可预留采购额的 30%, 或其中小微企业低于 60%。",
        (
            _share("sme_share_bp", "中小企业份额下限", 3000),
            _share("small_micro_share_bp", "小微企业占中小企业份额下限", 6000),
            Param("min_eligible_fen", "最低可预留采购额", ParamKind.FEN, 10_000_000),
        ),
    ),
    RuleDefinition(
        "POVERTY_832_SHORTFALL",
        "832 平台采购比例不足",
        (A,),
        Level.YELLOW,
        "一个年度内食堂食材采购中脱贫地区农副产品 (832) 低于 10%。",
        (
            _share("share_bp", "832 份额下限", 1000),
            Param("food_prefix", "食堂食材品目", ParamKind.CODE_PREFIX, "A0706"),
            Param("poverty_prefix", "832 农副产品品目", ParamKind.CODE_PREFIX, "A07060105"),
            Param("min_food_fen", "最低食材采购额", ParamKind.FEN, 1_000_000),
        ),
    ),
)

BY_CODE: Mapping[str, RuleDefinition] = {rule.code: rule for rule in RULES}

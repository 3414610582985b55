"""Price rules, judged on the price snapshot each order line froze when it was placed."""

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from core.money import fen_to_yuan
from orders.models import OrderLine
from supervision.facts import OrderFacts, PricePoint
from supervision.models import SubjectType
from supervision.settings import RuleBook, RuleConfig
from supervision.warnings import Finding

LineCheck = Callable[[OrderFacts, OrderLine, RuleConfig], dict[str, Any] | None]


def yuan(fen: int) -> str:
    return f"{fen_to_yuan(fen):,.2f} 元"


def percent(part: int, whole: int) -> str:
    return f"{(Decimal(part) * 100 / whole).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def over_ceiling(facts: OrderFacts, line: OrderLine, config: RuleConfig) -> dict[str, Any] | None:
    if line.unit_price_fen <= line.ceiling_fen:
        return None
    return _line(line) | {
        "ceiling_fen": line.ceiling_fen,
        "ceiling": yuan(line.ceiling_fen),
        "over": percent(line.unit_price_fen - line.ceiling_fen, line.ceiling_fen),
    }


def over_market(facts: OrderFacts, line: OrderLine, config: RuleConfig) -> dict[str, Any] | None:
    reference = line.market_reference_fen
    if reference is None or reference <= 0:
        return None
    allowed = reference * (10_000 + config.number("tolerance_bp")) // 10_000
    if line.unit_price_fen <= allowed:
        return None
    return _line(line) | {
        "market_rule": line.market_rule,
        "market_reference_fen": reference,
        "market_reference": yuan(reference),
        "market_prices": line.market_prices,
        "over": percent(line.unit_price_fen - reference, reference),
    }


def spike(facts: OrderFacts, line: OrderLine, config: RuleConfig) -> dict[str, Any] | None:
    """The price paid against the lowest the offer asked in the days before the order."""
    since = facts.order.placed_at - timedelta(days=config.number("window_days"))
    history = facts.offer_prices.get(line.offer_id, [])
    window = _prices_in(history, since, facts.order.placed_at)
    if not window:
        return None
    low = min(window, key=lambda p: p.price_fen)
    rise_bp = (line.unit_price_fen - low.price_fen) * 10_000 // low.price_fen
    if rise_bp <= config.number("rise_bp"):
        return None
    return _line(line) | {
        "lowest_in_window_fen": low.price_fen,
        "lowest_in_window": yuan(low.price_fen),
        "lowest_at": low.at.isoformat(),
        "rise": percent(line.unit_price_fen - low.price_fen, low.price_fen),
        "window_days": config.number("window_days"),
        "prices": [{"price_fen": p.price_fen, "at": p.at.isoformat()} for p in window],
    }


def _prices_in(history: Sequence[PricePoint], since: Any, until: Any) -> list[PricePoint]:
    """The prices in force during [since, until]: the one set before `since` counts too."""
    before = [p for p in history if p.at <= since]
    during = [p for p in history if since < p.at <= until]
    return before[-1:] + during


def above_peers(facts: OrderFacts, line: OrderLine, config: RuleConfig) -> dict[str, Any] | None:
    """Against the median of the other offers of the same product, at the time of the order."""
    at = facts.order.placed_at
    peers = {
        offer_id: history_at[-1].price_fen
        for offer_id, history in facts.peer_prices.get(line.id, {}).items()
        if (history_at := [p for p in history if p.at <= at])
    }
    if len(peers) < config.number("min_peers"):
        return None
    middle = Decimal(median(peers.values()))
    limit = middle * (10_000 + config.number("above_bp")) / 10_000
    if line.unit_price_fen <= limit:
        return None
    return _line(line) | {
        "peer_median_fen": int(middle),
        "peer_median": yuan(int(middle)),
        "peers": [{"offer_id": o, "price_fen": p} for o, p in sorted(peers.items())],
        "above": percent(line.unit_price_fen - int(middle), int(middle)),
    }


def over_standard(facts: OrderFacts, line: OrderLine, config: RuleConfig) -> dict[str, Any] | None:
    caps = config.fen_by_category("caps")
    code = _longest_prefix(line.category_code, caps)
    if code is None or line.unit_price_fen <= caps[code]:
        return None
    return _line(line) | {
        "standard_category": code,
        "standard_fen": caps[code],
        "standard": yuan(caps[code]),
    }


def _longest_prefix(code: str, caps: Mapping[str, int]) -> str | None:
    matches = [prefix for prefix in caps if code.startswith(prefix)]
    return max(matches, key=len) if matches else None


def _line(line: OrderLine) -> dict[str, Any]:
    return {
        "line_id": line.id,
        "offer_id": line.offer_id,
        "product_id": line.product_id,
        "name": line.name,
        "category_code": line.category_code,
        "quantity": line.quantity,
        "unit_price_fen": line.unit_price_fen,
        "unit_price": yuan(line.unit_price_fen),
        "priced_at": line.priced_at.isoformat(),
    }


LINE_RULES: Mapping[str, tuple[LineCheck, str]] = {
    "PRICE_OVER_CEILING": (over_ceiling, "成交价高于协议最高限价"),
    "PRICE_OVER_MARKET": (over_market, "成交价高于电商平台参考价"),
    "PRICE_SPIKE": (spike, "下单前报价突击上涨"),
    "PRICE_ABOVE_PEERS": (above_peers, "成交价明显高于同款其他报价"),
    "OVER_STANDARD_CONFIG": (over_standard, "单价超过资产配置标准"),
}


def judge_lines(facts: OrderFacts, book: RuleBook) -> list[Finding]:
    """One finding per rule and order, listing every line that breaks it."""
    order = facts.order
    findings = []
    for code, (check, title) in LINE_RULES.items():
        config = book.config(code, order.region_code)
        if not config.enabled:
            continue
        lines = [e for line in facts.lines if (e := check(facts, line, config)) is not None]
        if lines:
            findings.append(
                Finding(
                    rule_code=code,
                    subject_type=SubjectType.ORDER,
                    subject_id=str(order.id),
                    region_code=order.region_code,
                    title=f"订单 {order.number}: {title} ({len(lines)} 行)",
                    evidence={"order_number": order.number, "lines": lines},
                    purchaser_id=order.purchaser_id,
                    supplier_id=order.supplier_id,
                    order_id=order.id,
                )
            )
    return findings

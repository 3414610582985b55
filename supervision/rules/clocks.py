"""The law's and the region's clocks: a step done late, or not done and already overdue.

Each rule compares a due moment with when the step happened, or with now while it has not; so
the same rule serves the event (the step just happened, late) and the scheduled pass (the step
never happened). Working days skip weekends and the configured public holidays.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.clock import SHANGHAI
from core.workdays import WorkCalendar
from orders.contracts import is_sme
from orders.models import Order, OrderState
from supervision.facts import OrderFacts
from supervision.models import SubjectType
from supervision.rules.prices import yuan
from supervision.settings import RuleBook, RuleConfig
from supervision.warnings import Finding

_CLOSED = (OrderState.CANCELLED, OrderState.REJECTED)


@dataclass(frozen=True)
class Late:
    due: date | datetime
    done: date | datetime | None  # None: not done yet, judged against now
    overdue: str
    extra: dict[str, Any]


def _day(at: datetime | None) -> date | None:
    return at.astimezone(SHANGHAI).date() if at else None


def _days_late(due: date, done: date | None, today: date) -> int:
    return ((done or today) - due).days


def confirm_late(f: OrderFacts, c: RuleConfig, now: datetime, cal: WorkCalendar) -> Late | None:
    o = f.order
    done = o.confirmed_at
    if done is None and (o.state != OrderState.PLACED or now <= o.confirm_due_at):
        return None
    if done is not None and done <= o.confirm_due_at:
        return None
    seconds = int(((done or now) - o.confirm_due_at).total_seconds())
    hours = (Decimal(seconds) / 3600).quantize(Decimal("0.1"))
    return Late(o.confirm_due_at, done, f"{hours} 小时", {})


def delivery_late(f: OrderFacts, c: RuleConfig, now: datetime, cal: WorkCalendar) -> Late | None:
    o = f.order
    return _by_day(o.deliver_due_on, _day(o.delivered_at), now, o, (OrderState.PLACED,))


def acceptance_late(f: OrderFacts, c: RuleConfig, now: datetime, cal: WorkCalendar) -> Late | None:
    o = f.order
    return _by_day(o.accept_due_on, _day(o.accepted_at), now, o, (OrderState.ACCEPTANCE_FAILED,))


def _by_day(
    due: date | None,
    done: date | None,
    now: datetime,
    o: Order,
    not_started: tuple[OrderState, ...],
) -> Late | None:
    if due is None or (o.state in _CLOSED + not_started and done is None):
        return None
    today = now.astimezone(SHANGHAI).date()
    late = _days_late(due, done, today)
    if late <= 0:
        return None
    return Late(due, done, f"{late} 天", {"days_late": late})


def announce_late(f: OrderFacts, c: RuleConfig, now: datetime, cal: WorkCalendar) -> Late | None:
    return _contract_step(f, c, now, cal, "announced_at")


def filing_late(f: OrderFacts, c: RuleConfig, now: datetime, cal: WorkCalendar) -> Late | None:
    return _contract_step(f, c, now, cal, "filed_at")


def _contract_step(
    f: OrderFacts, c: RuleConfig, now: datetime, cal: WorkCalendar, step: str
) -> Late | None:
    contract = f.contract
    if contract is None or contract.signed_on is None:
        return None
    done = _day(getattr(contract, step))
    if done is None and f.order.state in _CLOSED:
        return None
    due = cal.add_working_days(contract.signed_on, c.number("working_days"))
    today = now.astimezone(SHANGHAI).date()
    if (done or today) <= due:
        return None
    late = cal.working_days_between(due, done or today)
    extra = {"signed_on": contract.signed_on.isoformat(), "working_days_late": late}
    return Late(due, done, f"{late} 个工作日", extra)


def payment_late(f: OrderFacts, c: RuleConfig, now: datetime, cal: WorkCalendar) -> Late | None:
    """保障中小企业款项支付条例: pay an SME within the days from acceptance; interest per day."""
    o = f.order
    accepted = _day(o.accepted_at)
    if accepted is None or not is_sme(f.supplier) or o.accepted_fen is None:
        return None
    due = accepted + timedelta(days=c.number("days"))
    late = _days_late(due, _day(o.paid_at), now.astimezone(SHANGHAI).date())
    if late <= 0:
        return None
    rate = Decimal(c.number("interest_bp_per_day")) / 10_000
    interest = (Decimal(o.accepted_fen) * rate * late).quantize(Decimal(1), ROUND_HALF_UP)
    extra = {
        "accepted_on": accepted.isoformat(),
        "days_late": late,
        "owed_fen": o.accepted_fen,
        "owed": yuan(o.accepted_fen),
        "interest_rate_per_day": f"{rate * 100}%",
        "interest_fen": int(interest),
        "interest": yuan(int(interest)),
    }
    return Late(due, _day(o.paid_at), f"{late} 天", extra)


Clock = Callable[[OrderFacts, RuleConfig, datetime, WorkCalendar], Late | None]

CLOCK_RULES: dict[str, tuple[Clock, SubjectType, str]] = {
    "CONFIRM_LATE": (confirm_late, SubjectType.ORDER, "供应商确认超时"),
    "DELIVERY_LATE": (delivery_late, SubjectType.ORDER, "供货超期"),
    "ACCEPTANCE_LATE": (acceptance_late, SubjectType.ORDER, "验收超期"),
    "CONTRACT_ANNOUNCE_LATE": (announce_late, SubjectType.CONTRACT, "合同公告超期"),
    "CONTRACT_FILING_LATE": (filing_late, SubjectType.CONTRACT, "合同备案超期"),
    "PAYMENT_LATE_SME": (payment_late, SubjectType.ORDER, "逾期未向中小企业付款"),
}


def judge_clocks(
    facts: OrderFacts, book: RuleBook, *, now: datetime, calendar: WorkCalendar
) -> list[Finding]:
    order = facts.order
    findings = []
    for code, (check, subject, title) in CLOCK_RULES.items():
        config = book.config(code, order.region_code)
        if not config.enabled:
            continue
        late = check(facts, config, now, calendar)
        if late is None:
            continue
        contract = facts.contract
        subject_id = str(contract.id if subject is SubjectType.CONTRACT and contract else order.id)
        done = "尚未完成" if late.done is None else f"完成于 {late.done.isoformat()}"
        findings.append(
            Finding(
                rule_code=code,
                subject_type=subject,
                subject_id=subject_id,
                region_code=order.region_code,
                title=f"订单 {order.number}: {title} {late.overdue} ({done})",
                evidence={
                    "order_number": order.number,
                    "contract_number": contract.number if contract else None,
                    "due": late.due.isoformat(),
                    "done": late.done.isoformat() if late.done else None,
                    "judged_at": now.isoformat(),
                    "overdue": late.overdue,
                }
                | late.extra,
                purchaser_id=order.purchaser_id,
                supplier_id=order.supplier_id,
                order_id=order.id,
            )
        )
    return findings

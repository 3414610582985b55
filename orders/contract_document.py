"""The printed 政府采购合同 of a 网上直购 (direct e-mall purchase), as an A4 PDF."""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import fpdf
from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from core.capital_numerals import amount_in_words
from core.clock import SHANGHAI
from orders.fonts import FONT_FACE, contract_font_path


@dataclass(frozen=True)
class ContractParty:
    name: str
    credit_code: str  # 统一社会信用代码
    address: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


@dataclass(frozen=True)
class ContractLine:
    name: str
    brand: str
    model: str
    unit: str
    quantity: int
    unit_price_fen: int
    amount_fen: int


@dataclass(frozen=True)
class ContractDocument:
    number: str
    title: str
    order_number: str
    agreement_code: str
    agreement_title: str
    purchaser: ContractParty
    supplier: ContractParty
    lines: tuple[ContractLine, ...]
    total_fen: int
    delivery_terms: str
    acceptance_terms: str
    payment_terms: str
    generated_at: datetime
    signed_on: date | None = None
    purchaser_signed_at: datetime | None = None
    supplier_signed_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.total_fen != sum(line.amount_fen for line in self.lines):
            raise ValueError(f"contract {self.number}: the total is not the sum of its lines")
        moments = (self.generated_at, self.purchaser_signed_at, self.supplier_signed_at)
        if any(m is not None and m.tzinfo is None for m in moments):
            raise ValueError(f"contract {self.number}: datetimes must be aware")


_FONT = "cjk"
_MARGIN = 18.0
_BODY_PT = 10.0
_LINE_MM = 5.5
_PADDING = (1.2, 1.5)
_HEADINGS = FontFace(emphasis="", fill_color=(235, 235, 235))
_ITEM_COLUMNS = ("序号", "名称", "品牌型号", "单位", "数量", "单价(元)", "金额(元)")
_ITEM_WIDTHS = (11, 52, 36, 11, 14, 22, 28)
_ITEM_ALIGN = ("CENTER", "LEFT", "LEFT", "CENTER", "RIGHT", "RIGHT", "RIGHT")
_ITEM_PT = 9.0
_ITEM_LINE_MM = 4.6
_SIGNATURE_BLOCK_MM = 60.0
_SEAL_SPACE_MM = 14.0


def render_contract_pdf(doc: ContractDocument, *, font_path: Path | None = None) -> bytes:
    pdf = _ContractPDF(doc.number, font_path or contract_font_path())
    pdf.set_title(doc.title)
    pdf.set_creator("一网")
    # The document's own time, not the clock's, so the same contract always gives the same bytes.
    pdf.set_creation_date(doc.generated_at)
    pdf.add_page()
    _title(pdf, doc)
    _parties(pdf, doc)
    _items(pdf, doc)
    _total(pdf, doc)
    _terms(pdf, doc)
    _signatures(pdf, doc)
    return bytes(pdf.output())


class _ContractPDF(fpdf.FPDF):
    def __init__(self, number: str, font_path: Path) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._number = number
        self.add_font(_FONT, "", font_path, collection_font_number=FONT_FACE)
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(True, margin=_MARGIN)
        self.set_font(_FONT, size=_BODY_PT)

    def footer(self) -> None:
        self.set_y(-_MARGIN + 6)
        self.set_font(_FONT, size=8)
        text = f"合同编号：{self._number}　　第 {self.page_no()} 页 共 {{nb}} 页"
        self.cell(0, 5, text, align="C")
        self.set_font(_FONT, size=_BODY_PT)

    def line_of_text(self, text: str, *, size: float = _BODY_PT, align: str = "LEFT") -> None:
        self.set_font(_FONT, size=size)
        self.multi_cell(0, _LINE_MM, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(_FONT, size=_BODY_PT)

    def heading(self, text: str) -> None:
        self.ln(3)
        self.line_of_text(text, size=12)
        self.ln(1)


def _title(pdf: _ContractPDF, doc: ContractDocument) -> None:
    pdf.line_of_text(doc.title, size=18, align="CENTER")
    pdf.ln(3)
    signed = _date(doc.signed_on) if doc.signed_on else "（尚未签订）"
    pdf.line_of_text(f"合同编号：{doc.number}　　订单编号：{doc.order_number}")
    pdf.line_of_text(f"签订日期：{signed}　　采购方式：网上直购")


def _parties(pdf: _ContractPDF, doc: ContractDocument) -> None:
    pdf.heading("一、合同双方")
    buyer, seller = doc.purchaser, doc.supplier
    rows = [
        ("", "甲方（采购人）", "乙方（供应商）"),
        ("名称", buyer.name, seller.name),
        ("统一社会信用代码", buyer.credit_code, seller.credit_code),
        ("地址", buyer.address or "", seller.address or ""),
        ("联系人", _contact(buyer), _contact(seller)),
    ]
    with pdf.table(
        col_widths=(34, 70, 70),
        text_align="LEFT",
        headings_style=_HEADINGS,
        line_height=_LINE_MM,
        padding=_PADDING,
    ) as table:
        for cells in rows:
            table.row(cells)
    pdf.ln(2)
    pdf.line_of_text(
        f"甲方依据框架协议《{doc.agreement_title}》（协议编号：{doc.agreement_code}），"
        "通过网上直购方式向乙方采购下列货物，双方订立本合同。"
    )


def _items(pdf: _ContractPDF, doc: ContractDocument) -> None:
    pdf.heading("二、采购标的")
    pdf.set_font_size(_ITEM_PT)
    with pdf.table(
        col_widths=_ITEM_WIDTHS,
        text_align=_ITEM_ALIGN,
        headings_style=_HEADINGS,
        repeat_headings=1,
        line_height=_ITEM_LINE_MM,
        padding=_PADDING,
    ) as table:
        table.row(_ITEM_COLUMNS)
        for number, line in enumerate(doc.lines, start=1):
            table.row(_item_cells(number, line))
        total = table.row()
        total.cell("合计", colspan=6, align="RIGHT")
        total.cell(_yuan(doc.total_fen), align="RIGHT")
    pdf.set_font_size(_BODY_PT)


def _item_cells(number: int, line: ContractLine) -> tuple[str, ...]:
    return (
        str(number),
        line.name,
        "\n".join(part for part in (line.brand, line.model) if part),
        line.unit,
        f"{line.quantity:,}",
        _yuan(line.unit_price_fen),
        _yuan(line.amount_fen),
    )


def _total(pdf: _ContractPDF, doc: ContractDocument) -> None:
    pdf.heading("三、合同金额")
    pdf.line_of_text(f"合同总价：人民币（大写）{amount_in_words(doc.total_fen)}")
    pdf.line_of_text(f"（小写）¥{_yuan(doc.total_fen)}")


def _terms(pdf: _ContractPDF, doc: ContractDocument) -> None:
    sections = (
        ("四、交付", doc.delivery_terms),
        ("五、验收", doc.acceptance_terms),
        ("六、付款", doc.payment_terms),
    )
    for heading, text in sections:
        pdf.heading(heading)
        pdf.line_of_text(text)


def _signatures(pdf: _ContractPDF, doc: ContractDocument) -> None:
    if pdf.will_page_break(_SIGNATURE_BLOCK_MM):
        pdf.add_page()
    pdf.heading("七、签署")
    with pdf.table(
        borders_layout=TableBordersLayout.NONE,
        first_row_as_headings=False,
        text_align="LEFT",
        line_height=_LINE_MM,
        padding=_PADDING,
    ) as table:
        table.row(("甲方（采购人）（盖章）", "乙方（供应商）（盖章）"))
        table.row((doc.purchaser.name, doc.supplier.name))
        table.row(("", ""), min_height=_SEAL_SPACE_MM)
        table.row(("授权代表（签字）：", "授权代表（签字）："))
        table.row(
            (_signing_record(doc.purchaser_signed_at), _signing_record(doc.supplier_signed_at))
        )
    pdf.ln(4)
    pdf.line_of_text(f"本合同文本由一网电子卖场于 {_moment(doc.generated_at)} 生成。", size=8)


def _contact(party: ContractParty) -> str:
    return "　".join(part for part in (party.contact_name, party.contact_phone) if part)


def _signing_record(at: datetime | None) -> str:
    return f"已于 {_moment(at)} 在线签署" if at else "尚未签署"


def _yuan(fen: int) -> str:
    yuan, cents = divmod(fen, 100)
    return f"{yuan:,}.{cents:02d}"


def _date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _moment(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")

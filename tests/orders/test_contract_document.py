import dataclasses
import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest

from orders.contract_document import (
    ContractDocument,
    ContractLine,
    ContractParty,
    render_contract_pdf,
)
from orders.fonts import FontMissing, contract_font_path, ensure_contract_font

PURCHASER_CODE = "11331100MB1234567T"
SUPPLIER_CODE = "91330100MA2K7X8Y9R"
LONG_NAME = "便携式计算机（轻薄型，含三年原厂上门保修服务及正版操作系统授权）第{}批"
SIGNED = datetime(2026, 11, 2, 2, 15, tzinfo=UTC)


@pytest.fixture(scope="module", autouse=True)
def _font() -> Path:
    # Downloads the font once on a fresh clone; later runs only check its hash.
    return ensure_contract_font()


def a_line(n: int) -> ContractLine:
    return ContractLine(
        name=LONG_NAME.format(n) if n % 3 == 0 else f"A4 复印纸 70g 第{n}号",
        brand="联想",
        model=f"ThinkPad E14 Gen {n}",
        unit="台",
        quantity=n,
        unit_price_fen=499_950,
        amount_fen=499_950 * n,
    )


def a_contract(lines: int = 60, **changes: Any) -> ContractDocument:
    items = tuple(a_line(n) for n in range(1, lines + 1))
    doc = ContractDocument(
        number="HT-2026-000123",
        title="丽水市政府采购合同（网上直购）",
        order_number="DD-2026-004567",
        agreement_code="ZJ-KJXY-2026-01",
        agreement_title="2026年度浙江省信息类货物框架协议采购",
        purchaser=ContractParty(
            name="丽水市莲都区教育局",
            credit_code=PURCHASER_CODE,
            address="浙江省丽水市莲都区人民街1号",
            contact_name="王老师",
            contact_phone="0578-1234567",
        ),
        supplier=ContractParty(name="杭州某某科技有限公司", credit_code=SUPPLIER_CODE),
        lines=items,
        total_fen=sum(line.amount_fen for line in items),
        delivery_terms="乙方应于合同签订后7日内将货物送达甲方指定地点。",
        acceptance_terms="甲方应于收货后5个工作日内完成验收。",
        payment_terms="甲方应于验收合格后10日内支付全部合同价款。",
        generated_at=SIGNED,
        signed_on=date(2026, 11, 2),
        purchaser_signed_at=SIGNED,
    )
    return dataclasses.replace(doc, **changes)


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    return render_contract_pdf(a_contract())


def test_a_long_contract_spans_pages_with_its_totals_and_parties(long_pdf: bytes) -> None:
    pdf = long_pdf
    text = text_of(pdf)

    assert pdf.startswith(b"%PDF")
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) >= 3
    # 499,950 fen × (1 + … + 60) = ¥9,149,085.00
    assert "玖佰壹拾肆万玖仟零捌拾伍元整" in text
    assert "¥9,149,085.00" in text
    assert PURCHASER_CODE in text
    assert SUPPLIER_CODE in text
    assert "A4 复印纸 70g 第1号" in text
    assert "第 2 页" in text
    assert "2026-11-02 10:15 在线签署" in text  # Shanghai time
    assert "尚未签署" in text


def test_the_items_header_is_repeated_on_every_page(long_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(long_pdf))
    pages_with_items = [p for p in reader.pages if "4,999.50" in p.extract_text()]
    assert len(pages_with_items) >= 2
    assert all("金额(元)" in page.extract_text() for page in pages_with_items)


def test_the_font_is_embedded_and_subset() -> None:
    pdf = render_contract_pdf(a_contract(lines=1))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]  # type: ignore[index]
    descendant = next(iter(fonts.values())).get_object()["/DescendantFonts"][0].get_object()
    assert "+" in descendant["/BaseFont"]  # a subset's name is tagged: ABCDEF+Name
    assert "/FontFile2" in descendant["/FontDescriptor"]
    assert len(pdf) < 100_000  # the whole font file is 5 MB


def test_the_same_contract_gives_the_same_bytes() -> None:
    assert render_contract_pdf(a_contract(lines=3)) == render_contract_pdf(a_contract(lines=3))


def test_a_total_that_is_not_the_sum_of_the_lines_is_refused() -> None:
    with pytest.raises(ValueError, match="sum"):
        a_contract(lines=2, total_fen=1)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        a_contract(lines=1, generated_at=datetime(2026, 11, 2, 10, 15))


def test_a_missing_font_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(FontMissing, match="make fonts"):
        contract_font_path(tmp_path)

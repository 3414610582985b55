"""Install the CJK font contract PDFs embed (`make fonts`); safe to run again.

Runs with a bare python3: it loads yiwang/orders/fonts.py by path (stdlib only), so neither the
venv nor the package's other modules are needed.
"""

import importlib.util
from pathlib import Path

_FONTS = Path(__file__).resolve().parent.parent / "orders" / "fonts.py"


def main() -> None:
    spec = importlib.util.spec_from_file_location("yiwang_fonts", _FONTS)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {_FONTS}")
    fonts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fonts)
    print(fonts.ensure_contract_font())


if __name__ == "__main__":
    main()

"""Spreadsheets (CSV with a BOM, or XLSX) for any app's exports. Lives in `org` so every app may
use it (feature apps import org, never each other)."""

import csv
import io

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A cell a spreadsheet would run as a formula ("=HYPERLINK(...)") is written as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """`value` as text a spreadsheet shows and never runs (a leading formula character is escaped)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def spreadsheet(*, header: list[str], rows, fmt: str, title: str) -> tuple[bytes, int]:
    """`rows` (cells already passed through `cell`) as CSV or XLSX bytes, and how many rows."""
    from openpyxl import Workbook  # only exports need it; keeps org's import light

    count = 0
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel reads UTF-8 CSV as Chinese only with a BOM
        writer = csv.writer(buffer)
        writer.writerow(header)
        for count, row in enumerate(rows, start=1):  # noqa: B007 (count is read after the loop)
            writer.writerow(row)
        return buffer.getvalue().encode(), count
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title[:31])  # Excel's limit on a sheet's name
        sheet.append(header)
        for count, row in enumerate(rows, start=1):  # noqa: B007
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue(), count
    raise ValueError(fmt)

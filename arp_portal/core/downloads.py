"""File downloads: CSV and Excel responses, and the guard every export needs.

A spreadsheet runs a cell that starts with =, +, -, @ or a control character as a formula, so
text that came from users (labels, team names, question wording, action titles) is prefixed with
an apostrophe before it reaches a CSV or a workbook (OWASP "CSV injection"). Numbers, including
negative ones written as text, are left alone.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def attachment(content, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_download(header: Sequence[str], rows: Iterable[Sequence], *, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    return attachment(buffer.getvalue(), filename=filename, content_type=CSV_CONTENT_TYPE)


def write_only_workbook():
    """A streaming (write-only) workbook whose sheets guard every value appended to them: their
    cells cannot be read back, so xlsx_download could not guard them afterwards."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    create_sheet = workbook.create_sheet

    def create_guarded_sheet(*args, **kwargs):
        sheet = create_sheet(*args, **kwargs)
        append = sheet.append
        sheet.append = lambda row: append([spreadsheet_safe(value) for value in row])
        sheet.portal_guarded = True
        return sheet

    workbook.create_sheet = create_guarded_sheet
    return workbook


def workbook_make_safe(workbook) -> None:
    """Guards every text cell of every sheet, whichever code wrote it: openpyxl stores a string
    that starts with "=" as a live formula, so one cell appended without spreadsheet_safe (a
    survey title, a population source) was enough. The portal writes no formulas of its own."""
    for sheet in workbook.worksheets:
        if not hasattr(sheet, "iter_rows"):
            if not getattr(sheet, "portal_guarded", False):
                raise ValueError("A write-only workbook must come from write_only_workbook()")
            continue
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    safe = spreadsheet_safe(cell.value)
                    if safe is not cell.value or cell.data_type == "f":
                        cell.value = safe
                        cell.data_type = "s"


def xlsx_download(workbook, *, filename: str) -> HttpResponse:
    workbook_make_safe(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return attachment(buffer.getvalue(), filename=filename, content_type=XLSX_CONTENT_TYPE)


def xlsx_table_download(
    header: Sequence[str], rows: Iterable[Sequence], *, sheet: str, filename: str
) -> HttpResponse:
    """One table as a one-sheet workbook: csv_download's twin, every value guarded."""
    workbook = write_only_workbook()
    table = workbook.create_sheet(sheet)
    table.append(header)
    for row in rows:
        table.append(row)
    return xlsx_download(workbook, filename=filename)

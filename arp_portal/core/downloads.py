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


def xlsx_download(workbook, *, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return attachment(buffer.getvalue(), filename=filename, content_type=XLSX_CONTENT_TYPE)

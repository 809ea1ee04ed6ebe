"""The action plan as CSV and Excel, one row per action, in the columns the board pack uses."""

from collections.abc import Iterable, Iterator

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from actions.models import Status
from arp_portal.core import downloads

COLUMNS = [
    "reference",
    "title",
    "outcome",
    "area",
    "owner",
    "lead_team",
    "status",
    "rag",
    "percent_complete",
    "start_date",
    "due_date",
    "last_update_date",
    "last_update",
]
STATUS_LABELS = dict(Status.choices)
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red", "": ""}


def _owner(user) -> str:
    return user.get_full_name() or user.get_username()


def rows(actions: Iterable) -> Iterator[dict]:
    """Actions from selectors.actions_for_listing (RAG, last update and outcomes already loaded)."""
    for action in actions:
        last_at = action.last_update_at
        yield {
            "reference": action.reference,
            "title": action.title,
            "outcome": "; ".join(str(outcome.number) for outcome in action.outcomes.all()),
            "area": action.area.name if action.area else "",
            "owner": _owner(action.owner),
            "lead_team": action.lead_team,
            "status": STATUS_LABELS.get(action.status, action.status),
            "rag": RAG_LABELS.get(action.rag, action.rag),
            "percent_complete": action.percent_complete,
            "start_date": action.start_date,
            "due_date": action.due_date,
            "last_update_date": timezone.localtime(last_at).date() if last_at else None,
            "last_update": action.last_update_text or "",
        }


def csv_download(data: Iterable[dict], *, filename: str) -> HttpResponse:
    return downloads.csv_download(
        COLUMNS,
        (["" if row[column] is None else _text(row[column]) for column in COLUMNS] for row in data),
        filename=filename,
    )


def _text(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def xlsx_download(data: Iterable[dict], *, filename: str, sheet_title: str = "Actions"):
    """Dates as dates (yyyy-mm-dd), a bold header kept in view, a filter on every column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = 0
    for row in data:
        sheet.append([row[column] for column in COLUMNS])
        count += 1
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        if column in ("start_date", "due_date", "last_update_date"):
            for cell in sheet[letter][1:]:
                cell.number_format = "yyyy-mm-dd"
        sheet.column_dimensions[letter].width = {"title": 50, "last_update": 80}.get(column, 16)
    sheet.freeze_panes = "A2"
    if count:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    return downloads.xlsx_download(workbook, filename=filename)

import csv
import io

from openpyxl import Workbook, load_workbook

from arp_portal.core.downloads import (
    csv_download,
    spreadsheet_safe,
    xlsx_download,
    xlsx_table_download,
)


def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised():
    assert spreadsheet_safe('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("+44 team") == "'+44 team"


def test_numbers_and_ordinary_text_are_left_alone():
    assert spreadsheet_safe("-3.5") == "-3.5"
    assert spreadsheet_safe(-3.5) == -3.5
    assert spreadsheet_safe("North care") == "North care"
    assert spreadsheet_safe("c") == "c"


def test_a_csv_download_names_its_file_and_guards_every_cell():
    response = csv_download(["team", "value"], [["=1+1", "-2"]], filename="x.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["team", "value"], ["'=1+1", "-2"]]


def test_an_xlsx_download_is_a_workbook():
    workbook = Workbook()
    workbook.active.append(["a", 1])
    response = xlsx_download(workbook, filename="x.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="x.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).active["B1"].value == 1


def test_a_one_table_workbook_has_its_header_and_rows_with_every_cell_guarded():
    response = xlsx_table_download(
        ["Group", "Count"],
        [["=HYPERLINK(1)", 7], ["White", 12]],
        sheet="Results",
        filename="t.xlsx",
    )
    assert 't.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["Results"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [["Group", "Count"], ["'=HYPERLINK(1)", 7], ["White", 12]]
    assert sheet["A2"].data_type == "s"

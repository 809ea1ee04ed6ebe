"""Survey results: compute first, present after.

- groups.py: the groups, each question's options and totals, the views (filters);
- suppression.py: what to hide (group mode: the release's decision from surveys/publication.py;
  strict mode: cell by cell with the linked-tables engine);
- compute.py: counts from Postgres (selectors), suppressed, with Wilson intervals, as the plain
  data of tables.py; written answers; response rates against staff in post;
- present.py: pure functions of that data: CSV rows, key findings, figures and sentences.

Groups: all respondents; the major ethnic groups (with "prefer not to say"); "Black or Asian" set
against "White", as the national report compares them; and each detailed DfE group.

Disclosure control (docs/surveys.md): by default a group's results appear only when it has at
least the survey's threshold of respondents, and a group that would let a smaller one be worked
out by subtraction is hidden too; every answer of a shown group appears. Strict mode hides cells
instead (a cell under the threshold is "c", with secondary suppression within and across the
tables and views).
"""

from surveys.results.compute import (
    COMPARED_GROUPS,
    ResponseRate,
    ResponseRates,
    WrittenAnswer,
    compute,
    compute_cached,
    response_rates,
    staff_counted_on,
    staff_in_post_by_code,
    wave_comparison,
    written_answers,
)
from surveys.results.groups import (
    ALL,
    BLACK_OR_ASIAN,
    DERIVED,
    DIMENSION_LABELS,
    DIMENSIONS,
    MAJORS,
    NOT_STATED,
    SUPPRESSED,
    DerivedOption,
    Group,
    ethnic_groups,
    filter_values,
    result_options,
    view_choices,
)
from surveys.results.present import (
    CSV_COLUMNS,
    Finding,
    KeyFinding,
    ResultsPage,
    csv_rows,
    figure_for,
    key_findings,
    results_page,
    summary_for,
)
from surveys.results.tables import Cell, GroupRow, QuestionResult, SurveyResults

__all__ = [
    "ALL",
    "BLACK_OR_ASIAN",
    "COMPARED_GROUPS",
    "CSV_COLUMNS",
    "DERIVED",
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "MAJORS",
    "NOT_STATED",
    "SUPPRESSED",
    "Cell",
    "DerivedOption",
    "Finding",
    "Group",
    "GroupRow",
    "KeyFinding",
    "QuestionResult",
    "ResponseRate",
    "ResponseRates",
    "ResultsPage",
    "SurveyResults",
    "WrittenAnswer",
    "compute",
    "compute_cached",
    "csv_rows",
    "ethnic_groups",
    "figure_for",
    "filter_values",
    "key_findings",
    "results_page",
    "response_rates",
    "result_options",
    "staff_counted_on",
    "staff_in_post_by_code",
    "summary_for",
    "view_choices",
    "wave_comparison",
    "written_answers",
]

"""The computed results: plain data, made by compute.py and read by present.py."""

from dataclasses import dataclass, field

from surveys.models import Question, ResultsRelease, Survey
from surveys.results.groups import Group


@dataclass
class Cell:
    count: int | None  # None when suppressed
    percent: float | None
    ci_low: float | None
    ci_high: float | None

    @property
    def suppressed(self) -> bool:
        return self.count is None

    # One decimal place, formatted once here: the template's floatformat filter, run for
    # thousands of cells, was a fifth of the results page's time.
    @property
    def percent_text(self) -> str:
        return _one_place(self.percent)

    @property
    def ci_low_text(self) -> str:
        return _one_place(self.ci_low)

    @property
    def ci_high_text(self) -> str:
        return _one_place(self.ci_high)


def _one_place(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


@dataclass
class GroupRow:
    group: Group
    size: int | None  # None when suppressed
    cells: list[Cell]


@dataclass
class QuestionResult:
    question: Question
    options: list  # Option
    rows: list[GroupRow]
    figure: dict | None = None
    summary: str = ""
    waves: list[dict] = field(default_factory=list)

    def rows_of(self, *kinds: str) -> list[GroupRow]:
        return [row for row in self.rows if row.group.kind in kinds]

    @property
    def main_rows(self) -> list[GroupRow]:
        return self.rows_of("all", "comparison", "major")

    @property
    def detailed_rows(self) -> list[GroupRow]:
        return [row for row in self.rows_of("detailed") if row.size is None or row.size > 0]

    @property
    def figure_id(self) -> str:
        return f"chart-{self.question.pk}-data"


@dataclass
class SurveyResults:
    survey: Survey
    view: str
    view_label: str
    respondents: int | None
    sizes: list[GroupRow]  # group sizes, as rows with no cells
    questions: list[QuestionResult]
    threshold: int
    cache_key: str = ""
    release: ResultsRelease | None = None  # the release shown
    withheld: str = ""  # why nothing is shown: "until_closed", "being_prepared", "no_responses"

    @property
    def included(self) -> int | None:
        """How many responses the results shown include."""
        return self.release.response_count if self.release is not None else None

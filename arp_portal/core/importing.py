"""What every import shares: reading files as Excel saves them, reporting problems precisely,
writing all-or-nothing, and logging each run (who, when, file hash, counts).

An importer validates the whole file first and collects every problem it finds, so a data manager
can fix a file in one pass; then it writes in one transaction. `run_import` does the bookkeeping
around an importer:

    def import_population(files, *, user=None, progress=None) -> dict: ...  # returns counts

    result = run_import(kind="population", files=[UploadedData(name, data)], user=user,
                        importer=import_population)

If the importer raises ImportRejected, nothing it wrote survives, and the rejected run (with its
problems) is still logged.
"""

import csv
import hashlib
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone

from arp_portal.core.models import ImportRun

MAX_PROBLEMS_REPORTED = 500


@dataclass(frozen=True)
class UploadedData:
    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class ImportProblem:
    file: str
    location: str  # "line 12", or an XML path such as "Child 3 > CINdetails 1"
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, {self.location}" if self.location else self.file
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ImportRejected(Exception):
    """The file has problems; nothing was written. run_import sets `run` to the logged run."""

    def __init__(self, problems: Sequence[ImportProblem]):
        self.problems = list(problems)
        self.run: ImportRun | None = None
        super().__init__(f"{len(self.problems)} problem(s) found; nothing was imported")


@dataclass
class ProblemCollector:
    """Collects problems while validating; `raise_if_any()` at the end of validation."""

    problems: list[ImportProblem] = field(default_factory=list)

    def add(self, file: str, location: str, field_name: str, message: str) -> None:
        self.problems.append(ImportProblem(file, location, field_name, message))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ImportRejected(self.problems)


def _line_and_column(data: bytes, position: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, position) + 1
    return data.count(b"\n", 0, position) + 1, position - line_start + 1


def decode_text(data: bytes, *, name: str = "(upload)") -> str:
    """Text as Excel and case systems save it: UTF-8 with or without a BOM, else Windows-1252.

    Bytes that are neither (0x81, 0x8D, 0x8F, 0x90 and 0x9D mean nothing in Windows-1252), or a
    NUL byte (a binary file, or UTF-16 saved by mistake), reject the file with the place of the
    first one.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _line_and_column(data, nul)
        raise ImportRejected(
            [
                ImportProblem(
                    name,
                    f"line {line}, column {column}",
                    "",
                    "the file holds a NUL byte: it is not a text file (save it as CSV, UTF-8)",
                )
            ]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        line, column = _line_and_column(data, error.start)
        raise ImportRejected(
            [
                ImportProblem(
                    name,
                    f"line {line}, column {column}",
                    "",
                    f"byte 0x{data[error.start]:02X} is neither UTF-8 nor Windows-1252 text: "
                    "save the file as CSV UTF-8",
                )
            ]
        ) from None


# The csv module's limit on one value (its default, 128 KiB): a longer one is a broken file
# (a quote left open, the wrong file), reported rather than read on.
MAX_FIELD_CHARACTERS = csv.field_size_limit()
# A value that spans lines and is this long is a quote left open, not a note with line breaks.
LONG_MULTILINE_VALUE = 10_000


def _checked_header(
    reader, upload: UploadedData, required: Sequence[str], collector: ProblemCollector
) -> list[str] | None:
    """The header's column names (stripped, lower case), or None with the problem reported when
    the file is empty, names a column twice or lacks a required column."""
    try:
        header = next(reader)
    except StopIteration:
        collector.add(upload.name, "line 1", "", "the file is empty")
        return None
    except csv.Error as error:
        collector.add(upload.name, "line 1", "", f"the header line cannot be read: {error}")
        return None
    names = [name.strip().lower() for name in header]
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name and name in seen:
            collector.add(
                upload.name,
                "line 1",
                header[position - 1].strip()[:40],
                f"the column appears twice (columns {seen[name]} and {position}): which one "
                "is meant cannot be told",
            )
        seen.setdefault(name, position)
    if len(seen) != len([name for name in names if name]):
        return None
    missing = [name for name in required if name not in names]
    if missing:
        collector.add(
            upload.name,
            "line 1",
            ", ".join(missing),
            f"missing column(s); the header must include {', '.join(required)}",
        )
        return None
    return names


def _unreadable_row(upload: UploadedData, start: int, error: csv.Error, collector) -> None:
    """Reading stops at the first row the csv module cannot read, reported with where that row
    began: an unbalanced quote ("the rest of the file would be one value"), or a value beyond
    MAX_FIELD_CHARACTERS. The message never carries the row itself."""
    message = str(error)
    if "end of data" in message or "EOF" in message:
        message = (
            'a quote (") opens a value that is never closed, so the rest of the file would be '
            "one value: close the quote or remove it"
        )
    elif "field larger than field limit" in message:
        message = (
            f"a value longer than {MAX_FIELD_CHARACTERS:,} characters: not a field of this "
            "file (a quote left open, or the wrong file)"
        )
    else:
        message = f"the line cannot be read as CSV: {message}"
    collector.add(upload.name, f"line {start}", "", message)


def _runs_on(upload: UploadedData, start: int, end: int, values, collector) -> bool:
    """A row whose values ran over several lines: true (and reported) if one is so long that a
    quote was surely left open, rather than a note with line breaks."""
    if any(len(value) > LONG_MULTILINE_VALUE for value in values):
        collector.add(
            upload.name,
            f"line {start}",
            "",
            f'a quote (") opens a value that runs on to line {end}: close the quote or remove it',
        )
        return True
    return False


def _reader(upload: UploadedData):
    text = decode_text(upload.data, name=upload.name)
    return csv.reader(io.StringIO(text, newline=""), strict=True)


def read_csv(
    upload: UploadedData,
    required_columns: Sequence[str],
    collector: ProblemCollector,
    *,
    optional: Sequence[str] = (),
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV as (line number, {column: stripped value}), headers matched case-blind.
    Optional columns absent from the file come back as "".

    Missing columns are reported once, as a problem on line 1; then nothing is yielded.
    """
    reader = _reader(upload)
    columns = _checked_header(reader, upload, required_columns, collector)
    if columns is None:
        return
    absent = {name: "" for name in optional if name not in columns}
    width = len(columns)
    line = reader.line_num  # the last line read
    try:
        for values in reader:
            start = line + 1
            line = reader.line_num
            if line != start and _runs_on(upload, start, line, values, collector):
                return
            if not any(value.strip() for value in values):
                continue  # Excel leaves blank lines at the end
            if len(values) > width:
                collector.add(
                    upload.name,
                    f"line {start}",
                    "",
                    f"{len(values)} values but the header has {width} columns",
                )
                continue
            values = values + [""] * (width - len(values))
            row = {name: value.strip() for name, value in zip(columns, values, strict=True)}
            if absent:
                row.update(absent)
            yield start, row
    except csv.Error as error:
        _unreadable_row(upload, line + 1, error, collector)


def read_csv_values(
    upload: UploadedData, columns: Sequence[str], collector: ProblemCollector
) -> Iterator[tuple[int, list[str]]]:
    """Like read_csv, for large files: rows as (line number, [stripped values in the order of
    `columns`]), without building a dict a row. Other columns in the file are ignored."""
    reader = _reader(upload)
    names = _checked_header(reader, upload, columns, collector)
    if names is None:
        return
    width = len(names)
    positions = [names.index(name) for name in columns]
    line = reader.line_num  # the last line read
    try:
        for values in reader:
            start = line + 1
            line = reader.line_num
            if line != start and _runs_on(upload, start, line, values, collector):
                return
            if len(values) != width:
                if not any(value.strip() for value in values):
                    continue  # Excel leaves blank lines at the end
                if len(values) > width:
                    collector.add(
                        upload.name,
                        f"line {start}",
                        "",
                        f"{len(values)} values but the header has {width} columns",
                    )
                    continue
                values = values + [""] * (width - len(values))
            row = [values[position].strip() for position in positions]
            if not row[0] and not any(row) and not any(value.strip() for value in values):
                continue  # a row of empty cells, as Excel saves below the data
            yield start, row
    except csv.Error as error:
        _unreadable_row(upload, line + 1, error, collector)


@dataclass
class ImportResult:
    run: ImportRun
    counts: dict

    @property
    def succeeded(self) -> bool:
        return self.run.status == ImportRun.Status.SUCCEEDED


def run_import(
    *,
    kind: str,
    files: Sequence[UploadedData],
    importer: Callable[..., dict],
    user=None,
    progress: Callable[[int, int], None] | None = None,
    **options,
) -> ImportResult:
    """Run an importer in one transaction and log the run; re-raises ImportRejected."""
    file_name = ", ".join(upload.name for upload in files)
    file_hash = (
        files[0].sha256
        if len(files) == 1
        else hashlib.sha256("".join(upload.sha256 for upload in files).encode()).hexdigest()
    )
    try:
        with transaction.atomic():
            counts = importer(files, progress=progress, **options)
            run = ImportRun.objects.create(
                kind=kind,
                file_name=file_name[:255],
                file_sha256=file_hash,
                imported_by=user,
                status=ImportRun.Status.SUCCEEDED,
                finished_at=timezone.now(),
                counts=counts,
            )
    except ImportRejected as rejected:
        rejected.run = ImportRun.objects.create(
            kind=kind,
            file_name=file_name[:255],
            file_sha256=file_hash,
            imported_by=user,
            status=ImportRun.Status.REJECTED,
            finished_at=timezone.now(),
            counts={"problems": len(rejected.problems)},
            problems=[asdict(p) for p in rejected.problems[:MAX_PROBLEMS_REPORTED]],
        )
        raise
    return ImportResult(run=run, counts=counts)


class TerminalProgress:
    """A progress bar for management commands: `progress(done, total)` redraws one line."""

    def __init__(self, stream, label: str, width: int = 30):
        self.stream = stream
        self.label = label
        self.width = width
        self._last_percent = -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 if not total else min(100, int(done * 100 / total))
        if percent == self._last_percent:
            return
        self._last_percent = percent
        filled = self.width * percent // 100
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {percent:3d}% ({done:,}/{total:,})", ending="")
        if percent == 100:
            self.stream.write("")
        self.stream.flush()

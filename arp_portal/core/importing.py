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

import codecs
import csv
import datetime as dt
import gc
import hashlib
import io
import math
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.db import DatabaseError, transaction
from django.utils import timezone
from psycopg2 import Error as PostgresError

from arp_portal.core.models import ImportRun

MAX_PROBLEMS_REPORTED = 500
CHUNK_BYTES = 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
EXCEL_SUFFIXES = (".xlsx",)
# The largest count a table of counts holds (a Postgres integer): a population cell, say.
MAX_COUNT = 2_147_483_647
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip


class UploadedData:
    """A file to import, by name: on disk (an upload streamed to a temporary file, or a
    command's file), read in streams so it is never held whole in memory; or, for tests and
    small files, its bytes.

    UploadedData("pop.csv", b"...") or UploadedData.from_path(path, name="pop.csv").
    """

    def __init__(self, name: str, data: bytes | None = None, *, path: Path | None = None):
        if (data is None) == (path is None):
            raise ValueError("give the file's bytes or its path, not both")
        self.name = name
        self._data = data
        self.path = Path(path) if path is not None else None
        self._sha256: str | None = None
        self._is_excel: bool | None = None

    @classmethod
    def from_path(cls, path: Path, *, name: str | None = None) -> "UploadedData":
        return cls(name or Path(path).name, path=path)

    def __repr__(self) -> str:
        return f"UploadedData({self.name!r}, {self.size:,} bytes)"

    def _file(self) -> Path:
        """The path, for a file given by path (__init__ took the bytes or a path, not both)."""
        assert self.path is not None
        return self.path

    @property
    def is_excel(self) -> bool:
        """An .xlsx workbook: by its name, or by its first bytes (a zip's), as a workbook
        saved or renamed as .csv is still one."""
        if self._is_excel is None:
            self._is_excel = (
                self.name.lower().endswith(EXCEL_SUFFIXES) or self.head(len(ZIP_MAGIC)) == ZIP_MAGIC
            )
        return self._is_excel

    @property
    def size(self) -> int:
        return len(self._data) if self._data is not None else self._file().stat().st_size

    def open(self) -> BinaryIO:
        """The raw bytes as a stream (the caller closes it)."""
        return io.BytesIO(self._data) if self._data is not None else self._file().open("rb")

    def open_without_bom(self) -> BinaryIO:
        stream = self.open()
        if stream.read(3) != UTF8_BOM:
            stream.seek(0)
        return stream

    def chunks(self) -> Iterator[bytes]:
        with self.open() as stream:
            while chunk := stream.read(CHUNK_BYTES):
                yield chunk

    def head(self, size: int) -> bytes:
        with self.open() as stream:
            return stream.read(size)

    def count(self, needle: bytes) -> int:
        """How many times the bytes occur (a line count, a count of <Child> tags), streaming.
        The needle must not span chunks: a newline, or a tag, which a chunk boundary can cut
        only once per megabyte, so the count is a progress total, not a validation."""
        return sum(chunk.count(needle) for chunk in self.chunks())

    @property
    def data(self) -> bytes:
        """The whole file in memory: for small files only (a CSWW return); the large formats
        read open(), text() or rows()."""
        if self._data is not None:
            return self._data
        return self._file().read_bytes()

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            digest = hashlib.sha256()
            for chunk in self.chunks():
                digest.update(chunk)
            self._sha256 = digest.hexdigest()
        return self._sha256

    def encoding(self) -> str:
        """As Excel and case systems save text: UTF-8 with or without a BOM, else Windows-1252
        (decode_text's rule), found in one streaming pass."""
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in self.chunks():
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
        return "utf-8-sig"

    def text(self) -> io.TextIOWrapper:
        """The decoded text as a stream, newlines untranslated (as the csv module wants)."""
        return io.TextIOWrapper(self.open(), encoding=self.encoding(), newline="")


def stage_upload(source, folder: Path, *, name: str) -> UploadedData:
    """Copy an uploaded file (Django's UploadedFile, which streams to a temporary file past
    FILE_UPLOAD_MAX_MEMORY_SIZE) into folder in chunks, hashing it on the way."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{len(list(folder.iterdir()))}{Path(name).suffix.lower()[:10]}"
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for chunk in source.chunks(CHUNK_BYTES):
            digest.update(chunk)
            out.write(chunk)
    upload = UploadedData(name, path=target)
    upload._sha256 = digest.hexdigest()
    return upload


def remove_staged(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


# A problem's message names the fault and quotes at most a short piece of the value: never a
# whole row, nor a value of megabytes (an element's text, a field with a quote left open).
MAX_MESSAGE_CHARACTERS = 300
MAX_FIELD_NAME_CHARACTERS = 200


@dataclass(frozen=True)
class ImportProblem:
    file: str
    location: str  # "line 12", or an XML path such as "Child 3 > CINdetails 1"
    field: str
    message: str

    def __post_init__(self) -> None:
        for name, limit in (
            ("message", MAX_MESSAGE_CHARACTERS),
            ("field", MAX_FIELD_NAME_CHARACTERS),
            ("location", MAX_FIELD_NAME_CHARACTERS),
            ("file", MAX_FIELD_NAME_CHARACTERS),
        ):
            value = getattr(self, name)
            if len(value) > limit:
                # The start (what is quoted) and the end (what is wrong, usually) kept.
                head = limit * 2 // 3
                object.__setattr__(self, name, value[:head] + "…" + value[head + 1 - limit :])

    def __str__(self) -> str:
        where = f"{self.file}, {self.location}" if self.location else self.file
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


# More rows than this with the same problem in one column (a whole column in the wrong
# format: dates saved as 01/05/2024, Excel's date serials) are reported as one line.
SUMMARY_AFTER = 5
_VARYING = re.compile(r"'[^']*'|[0-9][0-9,]*")


def summarise_columns(problems: Sequence[ImportProblem]) -> list[ImportProblem]:
    """The problems, with each column's many of one kind (the same message but for the values
    it quotes and its numbers) replaced by one line in the place of the first: "1,200 rows
    have this problem, the first at line 2: '01/05/2024' is not a date in the form
    YYYY-MM-DD (also line 3, line 4, line 5 ...)"."""
    groups: dict[tuple, list[int]] = {}
    for index, problem in enumerate(problems):
        if problem.field and problem.location:
            key = (problem.file, problem.field, _VARYING.sub("#", problem.message))
            groups.setdefault(key, []).append(index)
    summaries: dict[int, ImportProblem] = {}
    dropped: set[int] = set()
    for members in groups.values():
        if len(members) <= SUMMARY_AFTER:
            continue
        first = problems[members[0]]
        also = ", ".join(problems[index].location for index in members[1:4])
        summaries[members[0]] = ImportProblem(
            first.file,
            "",
            first.field,
            f"{len(members):,} rows have this problem, the first at {first.location}: "
            f"{first.message[:120]} (also {also} ...): is the whole column in another format?",
        )
        dropped.update(members[1:])
    if not summaries:
        return list(problems)
    return [
        summaries.get(index, problem)
        for index, problem in enumerate(problems)
        if index not in dropped
    ]


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


def _excel_cell(value) -> str:
    """A cell as the CSV export of the same sheet would give it: dates as YYYY-MM-DD, whole
    numbers without a decimal point, empty cells empty. A date and time (a case system's
    timestamp of a contact, say) is its date: no layout holds a time."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# What a workbook may unpack to: an .xlsx is a zip of XML, and a few megabytes can unpack to
# gigabytes (a "zip bomb"), which the reader would hold whole. A million-row sheet is well
# under this.
MAX_WORKBOOK_UNPACKED_BYTES = 1024 * 1024 * 1024


def _not_a_workbook(upload: UploadedData, reason: str) -> ImportRejected:
    return ImportRejected(
        [
            ImportProblem(
                upload.name,
                "",
                "",
                "the file is not an Excel workbook (.xlsx) that can be read: save it again "
                f"from Excel as an .xlsx workbook, or as CSV ({reason})",
            )
        ]
    )


def _excel_rows(upload: UploadedData, *, rows: int | None = None) -> Iterator[list[str]]:
    """The first sheet of an .xlsx workbook, header row first, through pandas' openpyxl engine
    (council data often arrives from Excel); only its first `rows` rows, if given (a header
    read without the sheet). A workbook that unpacks to more than MAX_WORKBOOK_UNPACKED_BYTES
    is refused before it is read."""
    import zipfile

    import pandas

    try:
        with upload.open() as stream, zipfile.ZipFile(stream) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _not_a_workbook(upload, type(error).__name__) from error
    if unpacked > MAX_WORKBOOK_UNPACKED_BYTES:
        raise ImportRejected(
            [
                ImportProblem(
                    upload.name,
                    "",
                    "",
                    f"the workbook unpacks to {unpacked:,} bytes, more than "
                    f"{MAX_WORKBOOK_UNPACKED_BYTES:,}: save the sheet as CSV and import that",
                )
            ]
        )
    try:
        with upload.open() as stream:
            frame = pandas.read_excel(
                stream, sheet_name=0, header=None, dtype=object, engine="openpyxl", nrows=rows
            )
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise _not_a_workbook(upload, type(error).__name__) from error
    for values in frame.itertuples(index=False, name=None):
        yield [_excel_cell(None if value is pandas.NaT else value) for value in values]


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
        if name:
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


# Bytes that mean nothing in Windows-1252 (Python's codec refuses them).
_NOT_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


def _checked_bytes(upload: UploadedData) -> None:
    """decode_text's checks, streamed: a NUL byte, or (in a file that is not UTF-8) a byte that
    is not Windows-1252 either, rejects the file with the line and column of the first one."""
    cp1252 = upload.encoding() == "cp1252"
    line, line_start, offset = 1, 0, 0
    for chunk in upload.chunks():
        found = [chunk.find(b"\x00")]
        if cp1252:
            bad = _NOT_CP1252.search(chunk)
            found.append(bad.start() if bad else -1)
        found = [position for position in found if position >= 0]
        if found:
            position = min(found)
            before = chunk[:position]
            newlines = before.count(b"\n")
            if newlines:
                line_start = offset + before.rfind(b"\n") + 1
            column = offset + position - line_start + 1
            byte = chunk[position]
            what = (
                "the file holds a NUL byte: it is not a text file (save it as CSV, UTF-8)"
                if byte == 0
                else f"byte 0x{byte:02X} is neither UTF-8 nor Windows-1252 text: save the file as"
                " CSV UTF-8"
            )
            raise ImportRejected(
                [ImportProblem(upload.name, f"line {line + newlines}, column {column}", "", what)]
            )
        newlines = chunk.count(b"\n")
        if newlines:
            line += newlines
            line_start = offset + chunk.rfind(b"\n") + 1
        offset += len(chunk)


# The checks every flat reader makes, for importers that read a file their own way (the front
# door's, with pandas).
checked_header = _checked_header
checked_bytes = _checked_bytes
excel_rows = _excel_rows


class _SheetReader:
    """A workbook's rows with a csv.reader's `line_num` (the sheet's row number)."""

    def __init__(self, rows: Iterator[list[str]]):
        self._rows = rows
        self.line_num = 0

    def __iter__(self) -> "_SheetReader":
        return self

    def __next__(self) -> list[str]:
        values = next(self._rows)
        self.line_num += 1
        return values


def _reader(upload: UploadedData):
    """Rows of a flat file, header first, as a stream: a CSV (checked for bytes that are not
    text first), or the first sheet of an .xlsx workbook. Either has `line_num`."""
    if upload.is_excel:
        return _SheetReader(_excel_rows(upload))
    _checked_bytes(upload)
    return csv.reader(upload.text(), strict=True)


def _data_rows(
    upload: UploadedData, reader, width: int, collector: ProblemCollector
) -> Iterator[tuple[int, list[str]]]:
    """The rows after the header as (their first line, their values, as many as the header's
    columns): a short row padded with blanks, a row longer than the header reported and left
    out, and a short row of blanks (Excel leaves them at the end) left out. A value running on
    over lines, or a row the csv module cannot read, ends the rows with a problem reported."""
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
            yield start, values
    except csv.Error as error:
        _unreadable_row(upload, line + 1, error, collector)


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
    for start, values in _data_rows(upload, reader, len(columns), collector):
        row = {name: value.strip() for name, value in zip(columns, values, strict=True)}
        if not any(row.values()):
            continue  # a row of empty cells, as Excel saves below the data
        if absent:
            row.update(absent)
        yield start, row


def read_csv_values(
    upload: UploadedData,
    columns: Sequence[str],
    collector: ProblemCollector,
    *,
    optional: Sequence[str] = (),
) -> Iterator[tuple[int, list[str]]]:
    """Like read_csv, for large files: rows as (line number, [stripped values in the order of
    `columns`, then `optional`]), without building a dict a row. An optional column absent
    from the file comes back as "". Other columns in the file are ignored."""
    reader = _reader(upload)
    names = _checked_header(reader, upload, columns, collector)
    if names is None:
        return
    width = len(names)
    # An absent optional column reads the blank cell added past the row's end.
    absent = any(name not in names for name in optional)
    positions = [names.index(name) for name in columns] + [
        names.index(name) if name in names else width for name in optional
    ]
    for start, values in _data_rows(upload, reader, width, collector):
        if absent:
            values.append("")
        row = [values[position].strip() for position in positions]
        if not row[0] and not any(row) and not any(value.strip() for value in values):
            continue  # a row of empty cells, as Excel saves below the data
        yield start, row


@dataclass
class ImportResult:
    """What an import did. run is the logged run; None when the import was only checked (the
    counts say what it would do; nothing was written or logged). identical_to is the earlier
    run whose file this one repeats byte for byte: nothing was read or written."""

    run: ImportRun | None
    counts: dict
    identical_to: ImportRun | None = None

    @property
    def committed(self) -> bool:
        return self.run is not None and self.identical_to is None

    @property
    def succeeded(self) -> bool:
        return self.run is not None and self.run.status == ImportRun.Status.SUCCEEDED


class _NotCommitted(Exception):
    """Raised inside the import's transaction to roll it back after a check."""

    def __init__(self, counts: dict):
        self.counts = counts
        super().__init__("checked, not committed")


def files_sha256(files: Sequence[UploadedData]) -> str:
    if len(files) == 1:
        return files[0].sha256
    return hashlib.sha256("".join(upload.sha256 for upload in files).encode()).hexdigest()


def identical_import(*, kind: str, file_hash: str, same_data: Sequence[str]) -> ImportRun | None:
    """The run that imported this very file, if nothing has written the same data since: the
    latest run that changed any of the kinds in same_data (which write the same tables) is of
    this kind with this hash. One indexed query, so a repeat is recognised at once."""
    latest = (
        ImportRun.objects.filter(kind__in=same_data, status=ImportRun.Status.SUCCEEDED)
        .exclude(counts__has_key="identical_to_run")
        .order_by("-finished_at", "-pk")
        .first()
    )
    if latest is not None and latest.kind == kind and latest.file_sha256 == file_hash:
        return latest
    return None


def _unreadable(files: Sequence[UploadedData], error: Exception) -> ImportRejected:
    """A file the readers cannot decode at all becomes one clean problem, never a crash."""
    name = ", ".join(upload.name for upload in files)
    if isinstance(error, UnicodeDecodeError):
        message = (
            f"the file is not text in UTF-8 or Windows-1252 (byte 0x{error.object[error.start]:02X}"
            " cannot be read): save it again as CSV UTF-8"
        )
    else:
        message = f"the file cannot be read: {error}"
    return ImportRejected([ImportProblem(name, "", "", message)])


def run_import(
    *,
    kind: str,
    files: Sequence[UploadedData],
    importer: Callable[..., dict],
    user=None,
    progress: Callable[[int, int], None] | None = None,
    commit_if: Callable[[dict], bool] | None = None,
    same_data: Sequence[str] | None = None,
    **options,
) -> ImportResult:
    """Run an importer in one transaction and log the run; re-raises ImportRejected.

    commit_if(counts) decides, once the importer has done its work inside the transaction,
    whether to commit it (a check passes lambda counts: False, an upload page commits at once
    only what removes or changes nothing). A rolled-back import is not logged; a rejected one
    always is. same_data: the kinds whose runs write the same tables; given, a file identical
    to the one the latest of them imported is recognised by its hash and not read again.
    """
    file_name = ", ".join(upload.name for upload in files)
    file_hash = files_sha256(files)

    def logged(status: str, counts: dict, problems: list | None = None) -> ImportRun:
        return ImportRun.objects.create(
            kind=kind,
            file_name=file_name[:255],
            file_sha256=file_hash,
            imported_by=user,
            status=status,
            finished_at=timezone.now(),
            counts=counts,
            problems=problems or [],
        )

    if same_data is not None:
        held = identical_import(kind=kind, file_hash=file_hash, same_data=same_data)
        if held is not None:
            counts = {"identical_to_run": held.pk}
            run = logged(ImportRun.Status.SUCCEEDED, counts)
            return ImportResult(run=run, counts=counts, identical_to=held)
    try:
        try:
            with transaction.atomic():
                counts = importer(files, progress=progress, **options)
                if commit_if is not None and not commit_if(counts):
                    raise _NotCommitted(counts)
                run = logged(ImportRun.Status.SUCCEEDED, counts)
        except (UnicodeDecodeError, csv.Error) as error:
            raise _unreadable(files, error) from error
    except _NotCommitted as checked:
        return ImportResult(run=None, counts=checked.counts)
    except ImportRejected as rejected:
        rejected.problems = summarise_columns(rejected.problems)
        rejected.run = logged(
            ImportRun.Status.REJECTED,
            {"problems": len(rejected.problems)},
            [asdict(p) for p in rejected.problems[:MAX_PROBLEMS_REPORTED]],
        )
        raise
    return ImportResult(run=run, counts=counts)


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector paused while an importer builds its records. A
    national return is millions of small objects (parsed elements, then a record an episode)
    that live until they are written: each collection walked every one of them again, most of
    the time of a CIN census's parsing, and none form a cycle that needs collecting sooner
    (reference counting frees them as usual)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


# ---------------------------------------------------------------- set-based staging (ADR 056)


@dataclass
class StagedCsv:
    """A flat file COPYed as it is into a temporary table of text columns, one a header
    column (c0, c1, ... in the header's order) and `n`, the row's place among the data rows
    (its file line is n + 1: a staged file has no value that spans lines). Unquoted blanks
    are NULL."""

    table: str
    columns: list[str]  # the header's names, stripped, lower case
    rows: int
    # Every byte printable ASCII or a newline, and no space beside a comma or a line's end:
    # every value is then plain (sql_plain holds, with no control character), unchecked.
    clean: bool = False
    rows_kept: int = 0  # the rows an importer took (rows of empty cells skipped)
    rows_checked: int = 0  # of those, the rows it checked (a re-import: the changed children's)
    children: int = 0  # the children the file names, when an importer counts them

    def column(self, name: str) -> str:
        return f"c{self.columns.index(name)}"

    @property
    def all_columns(self) -> list[str]:
        return [f"c{position}" for position in range(len(self.columns))]


# The bytes of a clean file (StagedCsv.clean): printable ASCII and the newline.
_CLEAN_BYTES = bytes(range(0x20, 0x7F)) + b"\n"
_SPACE_BESIDE_A_VALUE = (b" ,", b", ", b" \n", b"\n ")


def _plain_text_facts(upload: UploadedData) -> tuple[bool, int, bytes, bool, bool]:
    """One streaming pass: (whether the file holds a quote or a NUL byte, its newlines, its
    last byte, whether it is clean: see StagedCsv.clean; whether it is simple: clean and
    without a backslash, see StagedLines)."""
    irregular, newlines, last, clean, backslash = False, 0, b"", True, False
    for chunk in upload.chunks():
        if not irregular and (b'"' in chunk or b"\x00" in chunk):
            irregular = True
        newlines += chunk.count(b"\n")
        if clean:
            joined = (last or b"\n") + chunk  # the pair across the chunks; a space first
            clean = not chunk.translate(None, _CLEAN_BYTES) and not any(
                pair in joined for pair in _SPACE_BESIDE_A_VALUE
            )
            backslash = backslash or b"\\" in chunk
        last = chunk[-1:]
    clean = clean and last != b" "
    return irregular, newlines, last, clean, clean and not backslash


def _plain_file(
    upload: UploadedData, required: Sequence[str], *, simple: bool
) -> tuple[list[str], int, bool] | None:
    """(the header's names, the data rows, whether clean) of a CSV without a quote or a NUL
    byte (and simple, if asked) whose header the row-by-row reader accepts and that has a row
    after it; else None."""
    if upload.is_excel or upload.size == 0:
        return None
    irregular, newlines, last, clean, is_simple = _plain_text_facts(upload)
    if irregular or (simple and not is_simple):
        return None
    names = _plain_header(upload, required)
    if names is None:
        return None
    expected_rows = newlines - 1 if last == b"\n" else newlines
    if expected_rows <= 0:
        return None
    return names, expected_rows, clean


def _plain_header(upload: UploadedData, required: Sequence[str]) -> list[str] | None:
    """The header's names, if the row-by-row reader accepts the header as it is."""
    with upload.open_without_bom() as stream:
        first = stream.readline()
    try:
        header_line = first.decode("utf-8")
    except UnicodeDecodeError:
        return None
    collector = ProblemCollector()
    names = _checked_header(csv.reader([header_line]), upload, required, collector)
    if names is None or collector:
        return None
    return names


def stage_plain_csv(
    cursor, upload: UploadedData, required: Sequence[str], table: str
) -> StagedCsv | None:
    """The file in a staging table by COPY, for the importers' set-based checks, or None when
    the file is not plain enough for that and must be read row by row (read_csv_values), which
    then reports whatever is wrong with it exactly as always. Plain: a CSV (not a workbook) in
    UTF-8 with no quote and no NUL byte (so no value spans lines and Postgres reads each value
    as the csv module would), a header the row-by-row reader accepts, every row with the
    header's width and one line (COPY refuses anything else, and the rows it took are counted
    against the file's lines). The importer checks each value's length against
    MAX_FIELD_CHARACTERS, the csv module's limit.

    COPY runs under a savepoint: a file it refuses leaves nothing behind. `n` numbers the data
    rows in file order (an identity column COPY fills as it reads)."""
    plain = _plain_file(upload, required, simple=False)
    if plain is None:
        return None
    names, expected_rows, clean = plain
    columns = ", ".join(f"c{position} text" for position in range(len(names)))
    _staging_memory(cursor)
    copy_columns = ", ".join(f"c{position}" for position in range(len(names)))
    rows = _copy_under_savepoint(
        cursor,
        upload,
        table,
        f"(n bigint GENERATED ALWAYS AS IDENTITY, {columns})",
        f"({copy_columns}) FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')",
        expected_rows,
    )
    return None if rows is None else StagedCsv(table, names, rows, clean=clean)


def _copy_under_savepoint(
    cursor, upload: UploadedData, table: str, columns: str, copy: str, expected_rows: int
) -> int | None:
    """COPY the file into a new temporary table, under a savepoint: the rows it took, or None
    (and nothing left behind) if COPY refused the file or took other than expected_rows."""
    try:
        with transaction.atomic():
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TEMP TABLE {table} {columns} ON COMMIT DROP")
            with upload.open() as stream:
                cursor.copy_expert(f"COPY {table} {copy}", stream, CHUNK_BYTES)
            rows = cursor.rowcount
            if rows != expected_rows:
                raise _NotPlain
    except (_NotPlain, DatabaseError, PostgresError):
        return None
    return rows


@dataclass
class StagedLines:
    """A simple flat file (StagedLines.simple) COPYed line by line into a temporary table of
    one text column, `line`, for a comparison that reads a row whole: COPY splits nothing, so
    it takes half the time of staging the values (StagedCsv), and a row's hash is its line's.
    A simple file is clean (StagedCsv.clean: printable ASCII and newlines, so no quote and no
    tab) and holds no backslash (which COPY's text format would read as an escape): each line
    is then exactly its values joined by commas, the values holding no comma. The rows stand
    in file order (their ctid, the table having been only written by the COPY). Whether each
    row has the header's width is the reader's to check (split_part gives a missing value as
    '')."""

    table: str
    columns: list[str]  # the header's names, stripped, lower case
    rows: int  # the data rows (rows of empty cells included)

    def value(self, name: str, line: str = "line") -> str:
        """The SQL for the named column's value in a line ('' where blank)."""
        return f"split_part({line}, ',', {self.columns.index(name) + 1})"

    @property
    def blank_line(self) -> str:
        """A row of empty cells, as a spreadsheet leaves it."""
        return "," * (len(self.columns) - 1)


def stage_plain_lines(
    cursor, upload: UploadedData, required: Sequence[str], table: str
) -> StagedLines | None:
    """The file in a staging table of lines by COPY (StagedLines), or None unless the file is
    simple, its header is one the row-by-row reader accepts, and every line is a row (COPY
    takes as many as the file has after its header). COPY runs under a savepoint: a file it
    refuses leaves nothing behind."""
    plain = _plain_file(upload, required, simple=True)
    if plain is None:
        return None
    names, expected_rows, _clean = plain
    _staging_memory(cursor)
    # A delimiter no simple file holds (a control character): each line whole.
    rows = _copy_under_savepoint(
        cursor,
        upload,
        table,
        "(line text)",
        "(line) FROM STDIN WITH (FORMAT text, DELIMITER E'\\x01', HEADER true, ENCODING 'UTF8')",
        expected_rows,
    )
    return None if rows is None else StagedLines(table, names, rows)


def _staging_memory(cursor) -> None:
    """Memory for this transaction's set-based checks: a million rows' staging tables in the
    session's own buffers, and their sorts and hashes in memory, rather than spilled to disk
    (Postgres's defaults, 8 MB and 4 MB, are for many small queries). temp_buffers can change
    only before the session's first temporary table, so it is tried under a savepoint."""
    cursor.execute("SET LOCAL work_mem = '256MB'")
    # The indexes a first load builds afresh: sorted in memory.
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL temp_buffers = '512MB'")
    except DatabaseError:
        pass


class _NotPlain(Exception):
    """Raised inside stage_plain_csv's savepoint to undo a staging the file cannot use."""


# A value as the row-by-row reader takes it: strip() changes nothing, because its first and
# last characters are printable ASCII (else the row is checked row by row).
# (Its first and last characters' code points, compared: a third quicker than the regular
# expression '^[^!-~]|[^!-~]$' it replaces, over a million values.)
def sql_plain(column: str) -> str:
    return (
        f"({column} IS NULL OR {column} = '' OR (ascii({column}) BETWEEN 33 AND 126"
        f" AND ascii(right({column}, 1)) BETWEEN 33 AND 126))"
    )

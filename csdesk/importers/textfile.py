"""Reading a CSV file as people actually save them.

Excel, Numbers, Google Sheets and CRM report exports disagree on encoding (UTF-8 with or
without a byte-order mark, UTF-16 from Excel's "Unicode text", Windows-1252 from older
Excel), on the delimiter (comma, semicolon where the decimal mark is a comma, tab) and on
line endings. This module turns the bytes into a header and rows, remembering the physical
line on which each row starts, so every later message can point at the right line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from csdesk.errors import CsdeskError
from csdesk.importers.problems import ImportRejected, Problem

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}

# Files that are often picked by mistake, recognised by their first bytes.
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or an Excel workbook (.xlsx); save it as CSV first"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls); save it as CSV first"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
)

BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8 with a byte-order mark"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 (little-endian)"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 (big-endian)"),
)

_FIRST_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n)")

# csv's default limit is 128 KiB per field; a long free-text note can exceed it.
FIELD_SIZE_LIMIT = 16 * 1024 * 1024


@dataclass
class CsvTable:
    """A decoded CSV file: its header, its rows and the physical line each row starts on."""

    file: str
    headers: list[str]
    header_line: int
    rows: list[list[str]]
    lines: list[int]
    encoding: str
    delimiter: str
    notes: list[str] = field(default_factory=list)
    sha256: str = ""


def read_csv(path: Path, label: str | None = None) -> CsvTable:
    """Read and split ``path``; raise :class:`ImportRejected` when it is not a usable CSV.

    Args:
        path: the file to read.
        label: how messages name the file (default: the path as given).

    Returns:
        The header and rows, with the encoding and delimiter that were detected.
    """
    name = label or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CsdeskError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise CsdeskError(f"{name} is a folder, not a CSV file") from None
    except OSError as exc:
        raise CsdeskError(f"cannot read {name}: {exc.strerror}") from exc

    text, encoding, notes = decode(data, name)
    table = split_csv(text, name, encoding, notes)
    table.sha256 = hashlib.sha256(data).hexdigest()
    return table


def _reject(name: str, line: int | None, message: str) -> ImportRejected:
    return ImportRejected(name, [Problem(name, line, None, message)])


def decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """The file's text, the encoding used and any note worth telling the user."""
    if not data.strip(b" \t\r\n\x00") or data in {bom for bom, _, _ in BOMS}:
        raise _reject(name, 1, "the file is empty; expected a header line and rows")
    for magic, what in MAGIC:
        if data.startswith(magic):
            raise _reject(name, None, f"this is {what}, not a CSV text file")

    for bom, codec, label in BOMS:
        if data.startswith(bom):
            return _decode_strict(data[len(bom):], codec, label, name), label, []

    utf16 = _utf16_without_bom(data)
    if utf16:
        return _decode_strict(data, utf16, "UTF-16", name), "UTF-16", []
    if b"\x00" in data:
        raise _reject(name, None, "this is not a text file (it contains NUL bytes); "
                      "export the data as CSV")

    try:
        return _check_text(data.decode("utf-8"), name), "UTF-8", []
    except UnicodeDecodeError as exc:
        bad_line = data.count(b"\n", 0, exc.start) + 1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise _reject(name, bad_line, "this is not text in UTF-8, UTF-16 or Windows-1252; "
                      "save it as 'CSV UTF-8'") from None
    note = (f"the file is not valid UTF-8 (first at line {bad_line}); it was read as "
            "Windows-1252, as older Excel versions save it. Check accented names.")
    return _check_text(text, name), "Windows-1252", [note]


def _decode_strict(data: bytes, codec: str, label: str, name: str) -> str:
    try:
        return _check_text(data.decode(codec), name)
    except UnicodeDecodeError:
        raise _reject(name, None, f"the file starts like {label} text but is not valid "
                      f"{label}; save it again as 'CSV UTF-8'") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """Spot UTF-16 without a byte-order mark: ASCII text then has every other byte NUL."""
    sample = data[:400]
    if len(sample) < 8:
        return None
    even_nul = sample[0::2].count(0) / len(sample[0::2])
    odd_nul = sample[1::2].count(0) / len(sample[1::2])
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _check_text(text: str, name: str) -> str:
    """Refuse decoded bytes that are really binary (random bytes can decode as cp1252)."""
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f\v\x1a")
    controls += sum(1 for ch in sample if 0x7F <= ord(ch) < 0xA0)
    if "\x00" in sample or controls > max(2, len(sample) // 100):
        raise _reject(name, None, "this is not a text file (it is full of control "
                      "characters); export the data as CSV")
    # Old DOS tools end text files with Ctrl-Z.
    return text.rstrip("\x1a")


def detect_delimiter(line: str) -> str:
    """The delimiter that splits the header line most often, counting outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def split_csv(text: str, name: str, encoding: str, notes: list[str]) -> CsvTable:
    """Split decoded text into header and rows; every malformed spot is a problem."""
    first_line = 1
    delimiter = None
    # Excel honours a first line "sep=;" naming the delimiter; so do we.
    match = _FIRST_LINE.match(text)
    first = match.group(1).strip() if match else text.strip()
    if first.lower().startswith("sep=") and len(first) == 5:
        delimiter = first[4]
        text = text[match.end():] if match else ""
        first_line = 2
    if delimiter is None:
        header_text = next((ln for ln in io.StringIO(text, newline="") if ln.strip()), "")
        delimiter = detect_delimiter(header_text)

    records, starts = _records(text, name, delimiter, first_line)
    while records and not any(cell.strip() for cell in records[0]):
        records.pop(0)
        starts.pop(0)
    if not records:
        raise _reject(name, 1, "the file is empty; expected a header line and rows")

    headers = [h.strip().lstrip("\ufeff") for h in records[0]]
    header_line = starts[0]
    rows, lines = _data_rows(records[1:], starts[1:], headers, name, notes)
    if not rows:
        raise _reject(name, header_line + 1, "the file has a header line but no rows")
    return CsvTable(name, headers, header_line, rows, lines, encoding, delimiter, notes)


def _records(text: str, name: str, delimiter: str, first_line: int) -> tuple[list, list]:
    """Every record of the text and the physical line on which each starts."""
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = list(reader)
    except csv.Error:
        return _records_by_line(text, name, delimiter, first_line)
    # Each record takes at least one line: as many lines as records means one line each, so
    # the lines are counted without a Python step per record.
    if reader.line_num == len(records):
        return records, list(range(first_line, first_line + len(records)))
    return _records_by_line(text, name, delimiter, first_line)


def _records_by_line(text: str, name: str, delimiter: str,
                     first_line: int) -> tuple[list, list]:
    """:func:`_records` for values spanning lines, and to point at a malformed record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    starts: list[int] = []
    consumed = 0
    try:
        for record in reader:
            records.append(record)
            starts.append(consumed + first_line)
            consumed = reader.line_num
    except csv.Error as exc:
        line = consumed + first_line
        header = records[0] if records else []
        raise ImportRejected(name, [_malformed(name, line, str(exc), text, consumed,
                                               delimiter, header)]) from None
    return records, starts


def _malformed(name: str, line: int, reason: str, text: str, skip: int, delimiter: str,
               header: list[str]) -> Problem:
    """Explain a csv error: which line, which column, and what to look for."""
    # Count lines as the csv reader does (\r, \n or \r\n), not as str.splitlines().
    rest = "".join(list(io.StringIO(text, newline=""))[skip:])
    index = _quote_problem_field(rest, delimiter)
    column = header[index].strip() if index < len(header) else f"#{index + 1}"
    if "unexpected end of data" in reason:
        message = ("a quoted value starts here and its closing quote (\") is missing, "
                   "so the rest of the file would be read as one value")
    elif "expected after" in reason:
        message = (f"a closing quote (\") must be followed by the delimiter "
                   f"({DELIMITER_NAMES.get(delimiter, delimiter)}); to put a quote inside "
                   "a quoted value, double it (\"\")")
    elif "field larger" in reason:
        message = "a value is larger than 16 MB; a quote is probably left open"
    else:
        message = f"this line is not valid CSV ({reason})"
    return Problem(name, line, column if header else None, message)


def _quote_problem_field(text: str, delimiter: str) -> int:
    """Which field of the record at the start of ``text`` has the quoting problem: the first
    one whose closing quote is not followed by the delimiter, else the one left open."""
    field_index, quoted, at_start, i = 0, False, True, 0
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"':
                if text[i + 1:i + 2] == '"':
                    i += 2
                    continue
                quoted = False
                if text[i + 1:i + 2] not in (delimiter, "\r", "\n", ""):
                    return field_index
        elif ch == '"' and at_start:
            quoted = True
        elif ch == delimiter:
            field_index += 1
        elif ch in "\r\n":
            return field_index
        at_start = ch == delimiter and not quoted
        i += 1
    return field_index


def _blank(record: list[str]) -> bool:
    # Most rows start with a value, so the first cell usually settles it.
    return not record or (not record[0].strip() and not "".join(record).strip())


def _data_rows(
    records: list[list[str]], starts: list[int], headers: list[str], name: str,
    notes: list[str],
) -> tuple[list[list[str]], list[int]]:
    """Drop blank lines and a report footer; check that each row has the header's width."""
    end = _footer_start(records, len(headers))
    if end < len(records):
        ignored = sum(1 for r in records[end:] if not _blank(r))
        notes.append(f"ignored {ignored} footer lines after line {starts[end]} "
                     "(report totals and notices after a blank line)")
    width = len(headers)
    # The usual file: every row as wide as the header and none blank (a blank row's first
    # cell is blank too), checked with C-level passes over all rows.
    if end == len(records) and set(map(len, records)) <= {width} \
            and all(map(str.strip, map(itemgetter(0), records))):
        return records, starts
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    for record, line in zip(records[:end], starts[:end], strict=True):
        if len(record) == width:
            if record[0].strip() or not _blank(record):
                rows.append(record)
                lines.append(line)
            continue
        if _blank(record):
            continue
        if len(record) > width and any(c.strip() for c in record[width:]):
            problems.append(Problem(name, line, None, (
                f"this line has {len(record)} values but the header has {width} columns "
                "(an unquoted delimiter inside a value?)")))
        elif len(record) < width:
            problems.append(Problem(name, line, None, (
                f"this line has {len(record)} values but the header has {width} columns")))
        else:
            rows.append(record[:width])
            lines.append(line)
    if problems:
        raise ImportRejected(name, problems)
    return rows, lines


def _footer_start(records: list[list[str]], width: int) -> int:
    """Index where a trailing footer begins (Salesforce exports end with one), else len.

    A footer is a block after the last multi-value row, separated from the data by a blank
    line, whose lines hold at most one value each (totals, copyright, "Generated By").
    """
    if width < 2:
        return len(records)
    last_data = -1
    for index in range(len(records) - 1, -1, -1):
        if sum(1 for cell in records[index] if cell.strip()) > 1:
            last_data = index
            break
    tail = records[last_data + 1:]
    blank = next((i for i, r in enumerate(tail) if _blank(r)), None)
    if blank is None or all(_blank(r) for r in tail[blank:]):
        return len(records)
    return last_data + 1 + blank

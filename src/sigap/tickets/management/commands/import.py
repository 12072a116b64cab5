"""`sigap import tickets FILE.csv|FILE.xlsx [--dry-run] --as USERNAME`: bring in tickets
from the old system with their own timestamps (`tickets.importing`).

The file has a header row; the columns are those of `HistoryRow` (`number` for the old
system's ticket number, `category_code`, `cause_code`, `organisation_code`,
`contact_email` and `contact_phone` are understood too). CSV is UTF-8, with or
without a byte order mark, separated by commas or semicolons; XLSX is read from its
first sheet. Times are ISO 8601 (2022-04-29 16:30, 2022-04-29T16:30+07:00),
DD/MM/YYYY HH:MM or spreadsheet datetime cells; one without a zone is Jakarta time
(WIB). Rows are named by their row number in the file, the header being row 1.

Exit status (sysexits): 0 done; 64 no or unknown --as user; 65 a row refused or
a file that cannot be read; 66 no such file; 77 the user may not import history.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import fields
from datetime import datetime
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils.exceptions import InvalidFileException

from sigap.accounts.models import User
from sigap.core.errors import Forbidden
from sigap.core.jobs import job_run
from sigap.tickets.importing import MOMENTS, HistoryReport, HistoryRow, history_import

EX_USAGE, EX_DATAERR, EX_NOINPUT, EX_NOPERM = 64, 65, 66, 77

COLUMNS = tuple(f.name for f in fields(HistoryRow) if f.name != "line")
REQUIRED = ("external_id", "kind", "title", "category", "reported_at")
# Other names a spreadsheet may give a column, as normalised by `_column`.
SYNONYMS = {
    "number": "external_id",
    "category_code": "category",
    "cause_code": "cause",
    "organisation_code": "organisation",
    "organization": "organisation",
    "organization_code": "organisation",
    "contact_email": "email",
    "e_mail": "email",
    "contact_e_mail": "email",
    "contact_phone": "phone",
}

Cell = str | datetime


class UnreadableFile(Exception):
    pass


def _column(header: object) -> str:
    name = re.sub(r"[\s\-]+", "_", str(header or "").strip().lower())
    return SYNONYMS.get(name, name)


def _text(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value
    if isinstance(value, float) and value.is_integer():  # a number typed into a cell
        return str(int(value))
    return str(value).strip()


def _csv_table(path: Path) -> list[list[Cell]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(_("The file is not UTF-8 text; save it as CSV UTF-8.")) from None
    # Sniffed from the header line, which has no quoted separators in practice.
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFile(str(exc)) from None


def _xlsx_table(path: Path) -> list[list[Cell]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError):
        raise UnreadableFile(_("The file is not an Excel workbook (.xlsx).")) from None
    try:
        return [
            [_text(value) for value in row]
            for row in workbook.worksheets[0].iter_rows(values_only=True)
        ]
    finally:
        workbook.close()


def read_rows(path: Path) -> tuple[list[HistoryRow], dict[str, str]]:
    """The file's rows, and the header each column has in it (for messages)."""
    readers = {".csv": _csv_table, ".xlsx": _xlsx_table}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise UnreadableFile(_("Sigap reads .csv and .xlsx files."))
    table = reader(path)
    if not table:
        raise UnreadableFile(_("The file is empty."))
    headers = [str(h or "").strip() for h in table[0]]
    columns = [_column(h) for h in headers]
    unknown = [h for h, c in zip(headers, columns, strict=True) if h and c not in COLUMNS]
    if unknown:
        raise UnreadableFile(
            _("Unknown columns: %(unknown)s. The columns are: %(columns)s.")
            % {"unknown": ", ".join(unknown), "columns": ", ".join(COLUMNS)}
        )
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    missing = [c for c in REQUIRED if c not in columns]
    if twice or missing:
        raise UnreadableFile(
            _("Columns missing: %(missing)s; given twice: %(twice)s.")
            % {"missing": ", ".join(missing) or "-", "twice": ", ".join(twice) or "-"}
        )
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        values = {c: _text(v) for c, v in zip(columns, cells, strict=False) if c}
        if not any(values.values()):
            continue  # a blank line
        for name, value in values.items():
            if isinstance(value, datetime) and name not in MOMENTS:
                values[name] = value.isoformat(sep=" ")
        rows.append(HistoryRow(line=line, **values))
    return rows, dict(zip(columns, headers, strict=True))


class Command(BaseCommand):
    help = (
        "Bring in tickets from the old system (CSV or XLSX) with their own timestamps, "
        "through the same services as live work. Exit status: 0 done, 64 no --as "
        "user, 65 rows refused or the file unreadable, 66 no such file, 77 not allowed."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["tickets"], help="what to import")
        parser.add_argument("path", help="a .csv or .xlsx file with a header row")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check every row and say what would happen; write nothing",
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="the support user who brings them in (needs tickets.import_history)",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language of the messages (default: the site's, LANGUAGE_CODE)",
        )

    def handle(self, *args, path: str, dry_run: bool, as_user: str | None, **options) -> None:
        # Without --language: the one active, which on the command line is the site's.
        with translation.override(options.get("language") or translation.get_language()):
            self._import(Path(path), dry_run=dry_run, username=as_user)

    def _import(self, path: Path, *, dry_run: bool, username: str | None) -> None:
        if not username:
            raise CommandError(
                _("Say who brings the tickets in: --as USERNAME."), returncode=EX_USAGE
            )
        by = User.objects.filter(username=username).first()
        if by is None:
            raise CommandError(
                _("There is no user %(name)s.") % {"name": username}, returncode=EX_USAGE
            )
        if not path.is_file():
            raise CommandError(
                _("There is no file %(path)s.") % {"path": path}, returncode=EX_NOINPUT
            )
        try:
            rows, headers = read_rows(path)
        except UnreadableFile as exc:
            raise CommandError(
                _("%(path)s cannot be read: %(reason)s") % {"path": path, "reason": exc},
                returncode=EX_DATAERR,
            ) from None
        try:
            with job_run("import_tickets_dry_run" if dry_run else "import_tickets", by=by) as run:
                report = history_import(rows=rows, by=by, dry_run=dry_run)
                run.counts = {
                    "file": path.name,
                    "imported": report.imported,
                    "refused": report.refused,
                    "present": report.present,
                }
        except Forbidden as exc:
            raise CommandError(exc.message, returncode=EX_NOPERM) from None
        self._report(report, headers)

    def _report(self, report: HistoryReport, headers: dict[str, str]) -> None:
        for refusal in report.refusals:
            if refusal.column:
                line = _("Row %(line)d, %(column)s: %(reason)s")
            else:
                line = _("Row %(line)d: %(reason)s")
            column = headers.get(refusal.column, refusal.column)
            self.stdout.write(
                line % {"line": refusal.line, "column": column, "reason": refusal.reason}
            )
        counts = {
            "imported": report.imported,
            "refused": report.refused,
            "present": report.present,
        }
        if report.written:
            summary = _("Imported %(imported)d, refused %(refused)d, already present %(present)d.")
        else:
            summary = _(
                "Nothing written. Would import %(imported)d, refuse %(refused)d, "
                "already present %(present)d."
            )
        self.stdout.write(summary % counts)
        if report.refused:
            raise CommandError(
                ngettext(
                    "%(refused)d row cannot be imported as it is; fix it and run again.",
                    "%(refused)d rows cannot be imported as they are; fix them and run again.",
                    report.refused,
                )
                % counts,
                returncode=EX_DATAERR,
            )

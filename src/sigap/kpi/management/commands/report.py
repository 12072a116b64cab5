from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from sigap.core.errors import ValidationFailed
from sigap.kpi.monthly import period_report
from sigap.kpi.report_pdf import report_pdf
from sigap.kpi.report_xlsx import report_xlsx
from sigap.kpi.scorecard import Scorecard, scorecard
from sigap.kpi.selectors import complaints_by_category, complaints_csv_rows, parse_month


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _scorecard_text(card: Scorecard, format: str) -> str:
    data = card.as_dict()
    if format == "json":
        return json.dumps(data, indent=2, default=str) + "\n"
    buffer = io.StringIO()
    rows = csv.writer(buffer, lineterminator="\n")
    rows.writerow(["code", "name", "weight", "target", "realisation", "score", "weighted_score"])
    for k in data["kpis"]:
        rows.writerow(
            [
                k["code"],
                k["name"],
                k["weight"],
                k["target"],
                k["realisation"],
                k["score"],
                k["weighted_score"],
            ]
        )
    rows.writerow(["final_score", "", data["weights"], "", "", "", data["final_score"]])
    return buffer.getvalue()


FILES = {"pdf": report_pdf, "xlsx": report_xlsx}


class Command(BaseCommand):
    help = (
        "Complaints by month and category (the case study's Table 2) for a period; "
        "with --scorecard, the KPI scorecard (Table 5) of those months; as pdf or xlsx, "
        "the monthly report of those months (every section, with charts in the PDF)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="first month, YYYY-MM")
        parser.add_argument("--to", help="last month, YYYY-MM (default: the first)")
        parser.add_argument("--format", choices=["json", "csv", *FILES], default="json")
        parser.add_argument(
            "--out", "--output", dest="out", help="write to this file instead of standard output"
        )
        parser.add_argument(
            "--scorecard", action="store_true", help="the KPI scorecard of the months instead"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help=f"the language of the labels (default: Sigap's, {settings.LANGUAGE_CODE})",
        )

    def handle(self, *args, month: str, to: str | None, format: str, out: str | None, **opts):
        # Without --language, the active one (Sigap's default, or the caller's).
        with translation.override(opts["language"] or translation.get_language()):
            if format in FILES:
                self._write_file(FILES[format], month, to, out)
            else:
                self._write_text(month, to, format, out, opts["scorecard"])

    def _write_file(self, render, month: str, to: str | None, out: str | None) -> None:
        try:
            first = parse_month(month, "month")
            last = parse_month(to, "to") if to else first
            report = period_report(start=first, end=month_end(last))
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        content = render(report)
        if out:
            with open(out, "wb") as fh:
                fh.write(content)
            return
        stream = getattr(self.stdout._out, "buffer", None)
        if stream is None:
            raise CommandError(
                _("A PDF or XLSX needs --output FILE here: standard output takes text only.")
            )
        self.stdout.flush()
        stream.write(content)
        stream.flush()

    def _write_text(
        self, month: str, to: str | None, format: str, out: str | None, wants_scorecard: bool
    ) -> None:
        try:
            first = parse_month(month, "month")
            last = parse_month(to, "to") if to else first
            if wants_scorecard:
                card = scorecard(start=first, end=month_end(last))
            else:
                report = complaints_by_category(first=first, last=last)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        if wants_scorecard:
            text = _scorecard_text(card, format)
        elif format == "json":
            text = json.dumps(report, indent=2) + "\n"
        else:
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(complaints_csv_rows(report))
            text = buffer.getvalue()
        if out:
            with open(out, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        else:
            self.stdout.write(text, ending="")

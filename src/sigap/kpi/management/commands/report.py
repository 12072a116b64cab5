from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from sigap.core.errors import ValidationFailed
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


class Command(BaseCommand):
    help = (
        "Complaints by month and category (the case study's Table 2) for a period; "
        "with --scorecard, the KPI scorecard (Table 5) of those months."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="first month, YYYY-MM")
        parser.add_argument("--to", help="last month, YYYY-MM (default: the first)")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--out", help="write to this file instead of standard output")
        parser.add_argument(
            "--scorecard", action="store_true", help="the KPI scorecard of the months instead"
        )

    def handle(self, *args, month: str, to: str | None, format: str, out: str | None, **opts):
        try:
            first = parse_month(month, "month")
            last = parse_month(to, "to") if to else first
            if opts["scorecard"]:
                card = scorecard(start=first, end=month_end(last))
            else:
                report = complaints_by_category(first=first, last=last)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        if opts["scorecard"]:
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

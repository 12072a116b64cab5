from __future__ import annotations

import csv
import io
import json

from django.core.management.base import BaseCommand, CommandError

from sigap.core.errors import ValidationFailed
from sigap.kpi.selectors import complaints_by_category, complaints_csv_rows, parse_month


class Command(BaseCommand):
    help = "Complaints by month and category (the case study's Table 2) for a period."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="first month, YYYY-MM")
        parser.add_argument("--to", help="last month, YYYY-MM (default: the first)")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--out", help="write to this file instead of standard output")

    def handle(self, *args, month: str, to: str | None, format: str, out: str | None, **opts):
        try:
            first = parse_month(month, "month")
            last = parse_month(to, "to") if to else first
            report = complaints_by_category(first=first, last=last)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        if format == "json":
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

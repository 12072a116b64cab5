"""The monthly report by e-mail: on the first working day of each month (the office
calendar's), the report of the month just ended goes to every active manager with an
address, as PDF and XLSX, in each one's language. The run is a `JobRun` named
`monthly_report` whose counts name the month; a month whose report went out is not
sent again, and one the worker missed (it was down that morning) goes out at its next
check."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sigap.accounts.choices import Role
from sigap.accounts.models import User
from sigap.core import clock
from sigap.core.jobs import job_run
from sigap.core.models import JobRun, JobStatus
from sigap.kpi.monthly import month_report
from sigap.kpi.report_pdf import report_pdf
from sigap.kpi.report_xlsx import report_xlsx
from sigap.sla.seed import OFFICE
from sigap.sla.selectors import calendar_get

JOB = "monthly_report"
SEND_FROM = time(7, 0)  # on that day, not before the desk's morning
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def first_working_day(month: date) -> date:
    """The first day of `month` the office calendar opens (holidays skipped)."""
    calendar = calendar_get(OFFICE)
    day = month.replace(day=1)
    while calendar.window(day) is None:
        day += timedelta(days=1)
    return day


def month_due(now: datetime) -> date | None:
    """The month whose report is due at `now` and not sent yet: the one before, from
    07:00 on the first working day of this month."""
    calendar = calendar_get(OFFICE)
    local = now.astimezone(calendar.zone)
    first = first_working_day(local.date())
    if local.date() < first or (local.date() == first and local.time() < SEND_FROM):
        return None
    previous = (local.date().replace(day=1) - timedelta(days=1)).replace(day=1)
    if JobRun.objects.filter(
        name=JOB, status=JobStatus.OK, counts__month=f"{previous:%Y-%m}"
    ).exists():
        return None
    return previous


def managers() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__name=Role.MANAGER)
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )


def report_mail(month: date, recipients: list[User]) -> list[EmailMessage]:
    """One e-mail per language, to the recipients who read it, with the month's report
    attached as PDF and XLSX (each rendered in that language)."""
    by_language: dict[str, list[str]] = {}
    for user in recipients:
        by_language.setdefault(user.language or settings.LANGUAGE_CODE, []).append(user.email)
    mails = []
    for language, addresses in sorted(by_language.items()):
        with translation.override(language):
            report = month_report(month)
            name = date_format(month, "F Y")
            subject = _("Support report for %(month)s") % {"month": name}
            body = _(
                "Attached is the support team's report for %(month)s: complaints by "
                "category and their trend, the KPI scorecard, SLA compliance, response "
                "and resolution times, top causes, open tickets by age and escalations.\n\n"
                "The same figures for any period are on the desk's dashboard."
            ) % {"month": name}
            filename = f"sigap-report-{month:%Y-%m}-{language}"
            mail = EmailMessage(subject=subject, body=body, to=addresses)
            mail.attach(f"{filename}.pdf", report_pdf(report), "application/pdf")
            mail.attach(f"{filename}.xlsx", report_xlsx(report), XLSX)
        mails.append(mail)
    return mails


def monthly_report_send(*, now: datetime | None = None) -> dict[str, object]:
    """Send the month's report if it is due; what was done (for the JobRun)."""
    month = month_due(now or clock.now())
    if month is None:
        return {}
    with job_run(JOB) as run:
        recipients = managers()
        mails = report_mail(month, recipients)
        with get_connection() as connection:
            connection.send_messages(mails)
        run.counts = {"month": f"{month:%Y-%m}", "reports": len(mails), "managers": len(recipients)}
    return run.counts

"""The one-question survey on closure: "Would you recommend us?", 1 to 5, and a comment.

When a ticket is closed (`tickets.signals.status_changed`, after the commit) a task
makes the ticket's one `Survey` and sends it by the channel the customer used
(`channels.services.reply_channel`; a portal or phone customer by the first way they
can be written to), in their language:

- by e-mail, a text with a signed link to `/survey/<token>/`, a page without login;
- by WhatsApp, a list of the five scores while the customer's 24-hour window is open;
  outside it the template carries the same text with the link (a template cannot be
  interactive). The customer's choice comes back to the webhook as a `list_reply`
  with the id `survey:<survey id>:<score>` (`survey_whatsapp_reply`).

Answers: the first one stands. A second answer changes nothing (the customer is
thanked and told it was already recorded). An answer after `ANSWER_DAYS` is refused
politely and not counted in the NPS; both are only counted on the survey
(`repeat_answers`, `late_answers`), so the desk can see they were tried. A recorded
answer is an internal entry on the ticket's timeline.

A ticket reopened and closed again is not asked again: there is one survey per ticket.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, translation
from django.utils.translation import gettext as _

from sigap.channels.choices import Delivery, Direction
from sigap.channels.models import Message
from sigap.channels.services import Inbound, Received, reply_routes
from sigap.comms.choices import Score, SurveyOutcome
from sigap.comms.models import Survey
from sigap.comms.outbox import message_queue
from sigap.core import clock
from sigap.core.errors import NotFound, ValidationFailed
from sigap.tickets.choices import Channel, EntryKind, Status, Via
from sigap.tickets.models import Entry, Ticket
from sigap.tickets.timeline import record_entry

SALT = "sigap.comms.survey"
ANSWER_DAYS = 30  # how long a survey takes answers after it was sent
COMMENT_LIMIT = 2000
REPLY_ID = re.compile(r"^survey:(\d+):([1-5])$")


class SurveyLinkRefused(NotFound):
    """The link is not a key to a survey (forged, altered, cut short)."""

    code = "survey_link_refused"


# -- Sending -----------------------------------------------------------------------------


def on_status_changed(sender, *, ticket_id: int, status: str, **kwargs) -> None:
    """Sent after the commit of the closure; the survey is made and sent by a task."""
    if status == Status.CLOSED:
        from sigap.comms.tasks import survey_send_task

        survey_send_task(ticket_id)


def survey_route(ticket: Ticket) -> tuple[str, str] | None:
    """Where the survey goes: the channel of the customer's replies, else the first
    way they can be written to (a portal or phone customer with an e-mail address)."""
    routes = reply_routes(ticket)
    return routes.usual or (routes.all[0] if routes.all else None)


def survey_send(*, ticket: Ticket) -> Survey | None:
    """Make the closed ticket's survey and queue its message. None, sending nothing,
    when the ticket is not closed, has no contact or no way to reach them, or has a
    survey already (reopened and closed again, or a second run of the task)."""
    ticket = Ticket.objects.select_related("contact").get(pk=ticket.pk)
    contact = ticket.contact
    if ticket.status != Status.CLOSED or contact is None:
        return None
    if Survey.objects.filter(ticket=ticket).exists():
        return None
    route = survey_route(ticket)
    if route is None:
        return None
    channel, address = route
    now = clock.now()
    try:
        # The unique ticket is the check: of two runs at once, the second one's INSERT
        # fails and it sends nothing.
        with transaction.atomic():
            survey = Survey.objects.create(
                ticket=ticket,
                contact=contact,
                channel=channel,
                address=address,
                language=contact.language,
                key=secrets.token_urlsafe(16),
                sent_at=now,
                answer_by=now + timedelta(days=ANSWER_DAYS),
            )
            entry = record_entry(
                ticket,
                kind=EntryKind.NOTE,
                action="survey",
                by=None,
                via=Via.SYSTEM,
                body=_("The satisfaction survey was sent by %(channel)s to %(address)s.")
                % {"channel": Channel(channel).label, "address": address},
                changes={"survey": [None, "sent"]},
            )
            with translation.override(survey.language):
                content = _survey_content(survey)
            survey.message = message_queue(
                channel=channel,
                recipient=address,
                language=survey.language,
                contact=contact,
                ticket=ticket,
                entry=entry,
                **content,
            )
            survey.save(update_fields=["message"])
    except IntegrityError:
        if Survey.objects.filter(ticket=ticket).exists():
            return None
        raise
    return survey


def _survey_content(survey: Survey) -> dict[str, Any]:
    """The message's subject, text and (WhatsApp) list, in the active language."""
    text = survey_text(survey)
    if survey.channel == Channel.EMAIL:
        return {"subject": _("Would you recommend us?"), "body": text}
    return {"body": text, "payload": survey_choices(survey)}


def survey_text(survey: Survey) -> str:
    """The survey as text with its link (the e-mail, and WhatsApp outside the window)."""
    ticket = survey.ticket
    return _(
        "Dear %(name)s,\n\n"
        "Your ticket %(number)s (%(title)s) is closed. Would you recommend us to others? "
        "Please give us a score from 1 (definitely not) to 5 (definitely) and, if you "
        "like, a comment:\n\n"
        "%(link)s\n\n"
        "The link is valid for %(days)s days. Thank you for your time."
    ) % {
        "name": survey.contact.name,
        "number": ticket.number,
        "title": ticket.title,
        "link": survey_link(survey),
        "days": ANSWER_DAYS,
    }


def survey_choices(survey: Survey) -> dict[str, Any]:
    """The WhatsApp interactive list of the five scores (Cloud API's documented shape;
    a row's title is at most 24 characters, the button's 20)."""
    rows = [
        {"id": f"survey:{survey.pk}:{score}", "title": f"{score} - {label}"[:24]}
        for score, label in reversed(Score.choices)
    ]
    question = _(
        "Your ticket %(number)s is closed. Would you recommend us to others? "
        "Choose a score from 1 (definitely not) to 5 (definitely)."
    ) % {"number": survey.ticket.number}
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": question},
            "action": {
                "button": _("Choose a score")[:20],
                "sections": [{"title": _("Would you recommend us?")[:24], "rows": rows}],
            },
        },
    }


# -- The link ---------------------------------------------------------------------------


def _signer() -> signing.Signer:
    # Not timestamped: how long answers are taken is the survey's own `answer_by`, so a
    # late answer can be told apart from a forged link and refused politely.
    return signing.Signer(salt=SALT)


def survey_token(survey: Survey) -> str:
    return _signer().sign(survey.key)


def survey_link(survey: Survey) -> str:
    return f"{settings.SIGAP_BASE_URL}/survey/{survey_token(survey)}/"


def survey_by_token(token: str) -> Survey:
    """The survey a link's token opens, or SurveyLinkRefused."""
    try:
        key = _signer().unsign(token)
    except signing.BadSignature:
        raise SurveyLinkRefused(_bad_link()) from None
    survey = Survey.objects.select_related("ticket", "contact").filter(key=key).first()
    if survey is None:
        raise SurveyLinkRefused(_bad_link())
    return survey


def _bad_link() -> str:
    return _(
        "This survey link is not valid. Please open the whole link from our message; "
        "if it still does not work, simply reply to the message with your score."
    )


# -- Answers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    survey: Survey
    outcome: SurveyOutcome
    entry: Entry | None  # the timeline entry of a recorded answer


def survey_answer(*, survey: Survey, score: int, comment: str = "", via: str) -> Answered:
    """Record the customer's answer: the first one stands; one after `answer_by` is
    refused. Either refusal is only counted on the survey."""
    if not isinstance(score, int) or score not in Score.values:
        raise ValidationFailed(
            _("Choose a score from 1 to 5."), fields={"score": _("Choose a score from 1 to 5.")}
        )
    comment = (comment or "").strip()
    if len(comment) > COMMENT_LIMIT:
        raise ValidationFailed(
            _("The comment is too long."),
            fields={"comment": _("At most %(n)s characters.") % {"n": COMMENT_LIMIT}},
        )
    with transaction.atomic():
        # The ticket before the survey, as every ticket service locks it first; with
        # both held, two answers at once are taken one after the other and the second
        # finds the first.
        ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=survey.ticket_id)
        survey = Survey.objects.select_for_update(of=("self",)).get(pk=survey.pk)
        survey.ticket = ticket
        now = clock.now()
        if survey.answered_at is not None:
            Survey.objects.filter(pk=survey.pk).update(repeat_answers=F("repeat_answers") + 1)
            return Answered(survey, SurveyOutcome.REPEAT, None)
        if now > survey.answer_by:
            Survey.objects.filter(pk=survey.pk).update(late_answers=F("late_answers") + 1)
            return Answered(survey, SurveyOutcome.LATE, None)
        survey.score, survey.comment = score, comment
        survey.answered_at, survey.answered_via = now, via
        survey.save(update_fields=["score", "comment", "answered_at", "answered_via"])
        body = _("The customer answered the survey: %(score)s/5 (%(label)s).") % {
            "score": score,
            "label": Score(score).label,
        }
        if comment:
            body += "\n\n" + comment
        ticket.version += 1
        ticket.updated_at = now
        ticket.save(update_fields=["version", "updated_at"])
        entry = record_entry(
            ticket,
            kind=EntryKind.NOTE,
            action="survey",
            by=None,
            via=via,
            body=body,
            changes={"survey_score": [None, score]},
        )
    return Answered(survey, SurveyOutcome.RECORDED, entry)


def answer_reply(answered: Answered) -> str:
    """What the customer is told of their answer, in the active language."""
    if answered.outcome == SurveyOutcome.REPEAT:
        return _("You have already answered this survey. Thank you!")
    if answered.outcome == SurveyOutcome.LATE:
        return _(
            "Thank you, but this survey closed on %(date)s and no longer takes answers. "
            "If anything is wrong, just write to us."
        ) % {"date": formats.date_format(answered.survey.answer_by, "j F Y")}
    return _("Thank you for your answer! It helps us serve you better.")


def survey_whatsapp_reply(inbound: Inbound, reply_id: str) -> Received | None:
    """A choice from the survey's WhatsApp list (`survey:<id>:<score>`): stored as a
    message under its WhatsApp id like any other (a repeated delivery changes nothing),
    recorded as the answer and thanked for. None when the id names no survey sent to
    this contact: the message then goes to a ticket as any other."""
    match = REPLY_ID.match(reply_id)
    if match is None:
        return None
    survey = (
        Survey.objects.select_related("ticket")
        .filter(pk=int(match.group(1)), contact=inbound.contact, channel=Channel.WHATSAPP)
        .first()
    )
    if survey is None:
        return None
    now = clock.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                direction=Direction.IN,
                channel=inbound.channel,
                mailbox=inbound.mailbox,
                external_id=inbound.external_id,
                ticket=survey.ticket,
                contact=inbound.contact,
                sender=inbound.sender[:320],
                recipient=inbound.recipient[:320],
                body=inbound.body,
                in_reply_to=inbound.in_reply_to[:255],
                language=inbound.contact.language,
                status=Delivery.RECEIVED,
                created_at=now,
                status_at=now,
            )
            answered = survey_answer(survey=survey, score=int(match.group(2)), via=Via.WHATSAPP)
            if answered.entry is not None:
                message.entry = answered.entry
                message.save(update_fields=["entry"])
            with translation.override(inbound.contact.language):
                thanks = answer_reply(answered)
            # The customer just wrote: their window is open, so this goes as text.
            message_queue(
                channel=Channel.WHATSAPP,
                recipient=inbound.sender,
                body=thanks,
                language=inbound.contact.language,
                contact=inbound.contact,
                ticket=survey.ticket,
            )
    except IntegrityError:
        existing = (
            Message.objects.select_related("ticket")
            .filter(
                channel=inbound.channel, mailbox=inbound.mailbox, external_id=inbound.external_id
            )
            .first()
        )
        if existing is None:
            raise
        return Received(existing, duplicate=True)
    return Received(message, duplicate=False)

"""What the desk sent besides replies, January-May 2022: a satisfaction survey after
each closed ticket, answered by some of the customers, and the notices to all
customers the study's KPI 10 counts (holiday greetings, server maintenance, an
outage). Both go through the `comms` services as they would live, at their historical
moments; the delivery reports that would have come back since are then written on
their messages, so the reached share and the NPS are computed from the same rows the
desk shows. Nothing is sent: a message already reported delivered is never sent again.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import F

from sigap.accounts.models import User
from sigap.channels.choices import Delivery
from sigap.channels.models import Message
from sigap.comms.broadcasts import broadcast_batch_send, broadcast_create, broadcast_send
from sigap.comms.choices import BroadcastKind
from sigap.comms.models import Broadcast
from sigap.comms.surveys import survey_answer, survey_send
from sigap.core import clock
from sigap.demo.calendar import ZONE
from sigap.demo.plan import END
from sigap.tickets.choices import Channel, Status, Via
from sigap.tickets.models import Ticket

ANSWERED = 0.42  # share of surveyed customers who answer
# Scores drawn for a ticket resolved in time, and for one whose resolution was late.
SCORES_ON_TIME = {5: 48, 4: 36, 3: 11, 2: 4, 1: 1}
SCORES_LATE = {5: 18, 4: 34, 3: 30, 2: 13, 1: 5}
COMMENTS = {
    "id": {
        5: ["Respon cepat, terima kasih.", "Teknisi datang tepat waktu."],
        4: ["Cukup baik, semoga lebih cepat lagi."],
        3: ["Butuh waktu lama sampai unit normal kembali."],
        2: ["Harus menelepon beberapa kali."],
        1: ["Unit sering mati, tolong diganti."],
    },
    "en": {
        5: ["Quick response, thank you."],
        4: ["Good, could be a bit faster."],
        3: ["It took long before the unit worked again."],
        2: ["I had to call several times."],
        1: ["The unit keeps failing, please replace it."],
    },
}
# Of the notices' messages: WhatsApp ones read, delivered only, or failed (a number
# no longer on WhatsApp); e-mails that bounced (an address no longer in use).
WHATSAPP_FATES = {Delivery.READ: 88, Delivery.DELIVERED: 10, Delivery.FAILED: 2}
EMAIL_BOUNCED = 0.015
BOUNCE = "550 5.1.1 The email account that you tried to reach does not exist."
UNREACHABLE = "131026: Message undeliverable (the number is not on WhatsApp)."

MANAGER = "mgr.siti"
NOTICES = [
    (
        datetime(2022, 1, 31, 9, 0, tzinfo=ZONE),
        BroadcastKind.SPECIAL,
        ("Selamat Tahun Baru Imlek 2573", "Happy Chinese New Year 2573"),
        (
            "Selamat Tahun Baru Imlek. Layanan support tetap siaga melalui WhatsApp dan "
            "email selama libur 1 Februari 2022.",
            "Happy Chinese New Year. Support stays on call by WhatsApp and e-mail during "
            "the holiday on 1 February 2022.",
        ),
    ),
    (
        datetime(2022, 3, 10, 10, 0, tzinfo=ZONE),
        BroadcastKind.REGULAR,
        ("Pemeliharaan server Sabtu 12 Maret", "Server maintenance on Saturday 12 March"),
        (
            "Pada Sabtu 12 Maret 2022 pukul 22.00-24.00 WIB server pelacakan dipelihara. "
            "Posisi kendaraan tetap tersimpan dan tampil kembali setelah selesai.",
            "On Saturday 12 March 2022, 22:00-24:00 WIB, the tracking server is under "
            "maintenance. Positions are kept and appear again when it is done.",
        ),
    ),
    (
        datetime(2022, 3, 23, 14, 30, tzinfo=ZONE),
        BroadcastKind.EMERGENCY,
        ("Gangguan jaringan operator seluler", "Mobile carrier network disruption"),
        (
            "Sebagian unit GPS tidak mengirim posisi karena gangguan jaringan operator di "
            "Jawa Barat. Tidak perlu tindakan; posisi yang tertunda akan terkirim otomatis.",
            "Some GPS units are not sending positions because of a carrier network "
            "disruption in West Java. No action is needed; delayed positions will arrive "
            "by themselves.",
        ),
    ),
    (
        datetime(2022, 4, 28, 9, 0, tzinfo=ZONE),
        BroadcastKind.SPECIAL,
        ("Selamat Hari Raya Idul Fitri 1443 H", "Happy Eid al-Fitr 1443 H"),
        (
            "Selamat Idul Fitri, mohon maaf lahir dan batin. Selama cuti bersama 29 April - "
            "6 Mei 2022 support tetap melayani melalui WhatsApp.",
            "Happy Eid al-Fitr. During the joint leave of 29 April - 6 May 2022 support stays "
            "available by WhatsApp.",
        ),
    ),
]


def send_surveys(rng: random.Random) -> int:
    """A survey for every closed ticket with a contact who can be written to, sent a
    minute after closure; some are answered. Returns how many were answered."""
    answered = 0
    closed = (
        Ticket.objects.filter(status=Status.CLOSED, contact__isnull=False)
        .select_related("contact")
        .order_by("closed_at", "pk")
    )
    for ticket in closed:
        with clock.at(ticket.closed_at + timedelta(minutes=1)):
            survey = survey_send(ticket=ticket)
        if survey is None:
            continue
        _reported(rng, [survey.message_id])
        if rng.random() >= ANSWERED:
            continue
        answer_at = survey.sent_at + timedelta(minutes=rng.uniform(5, 36 * 60))
        if answer_at >= END:
            continue
        scores = SCORES_LATE if ticket.resolve_breached else SCORES_ON_TIME
        score = rng.choices(list(scores), weights=list(scores.values()))[0]
        comment = rng.choice(COMMENTS[survey.language][score]) if rng.random() < 0.3 else ""
        via = Via.WHATSAPP if survey.channel == Channel.WHATSAPP else Via.EMAIL
        with clock.at(answer_at):
            survey_answer(survey=survey, score=score, comment=comment, via=via)
        answered += 1
    return answered


def send_notices(rng: random.Random) -> list[Broadcast]:
    """The four notices of the period, to all customers by e-mail and WhatsApp."""
    manager = User.objects.get(username=MANAGER)
    sent = []
    for moment, kind, (subject_id, subject_en), (body_id, body_en) in NOTICES:
        with clock.at(moment - timedelta(hours=2)):
            broadcast = broadcast_create(
                by=manager,
                kind=kind,
                subject_id=subject_id,
                subject_en=subject_en,
                body_id=body_id,
                body_en=body_en,
            )
        with clock.at(moment):
            broadcast = broadcast_send(broadcast=broadcast, by=manager)
        batch, more = 0, True
        while more:  # the throttle's batches, a minute apart
            batch += 1
            with clock.at(moment + timedelta(minutes=batch)):
                _count, more = broadcast_batch_send(broadcast_id=broadcast.pk)
        ids = broadcast.deliveries.values_list("message_id", flat=True)
        _reported(rng, ids)
        broadcast.refresh_from_db()
        sent.append(broadcast)
    return sent


def _reported(rng: random.Random, message_ids: Iterable[int]) -> None:
    """Write the delivery reports that came back for these queued messages: sent a few
    seconds after queueing; then, on WhatsApp, delivered and mostly read, or failed;
    by e-mail, a few bounced."""
    fates: dict[str, list[int]] = {status: [] for status in Delivery.values}
    for pk, channel in Message.objects.filter(pk__in=list(message_ids)).values_list(
        "pk", "channel"
    ):
        if channel == Channel.WHATSAPP:
            status = rng.choices(list(WHATSAPP_FATES), weights=list(WHATSAPP_FATES.values()))[0]
        else:
            status = Delivery.FAILED if rng.random() < EMAIL_BOUNCED else Delivery.SENT
        fates[status].append(pk)
    sent_at = F("created_at") + timedelta(seconds=4)
    for status, ids in fates.items():
        if not ids:
            continue
        messages = Message.objects.filter(pk__in=ids)
        if status == Delivery.FAILED:
            messages.filter(channel=Channel.WHATSAPP).update(
                status=status, status_at=sent_at, error=UNREACHABLE, attempts=1
            )
            messages.filter(channel=Channel.EMAIL).update(
                status=status, sent_at=sent_at, status_at=sent_at, error=BOUNCE, attempts=1
            )
        else:
            later = F("created_at") + timedelta(minutes=rng.uniform(1, 90))
            messages.update(status=status, sent_at=sent_at, status_at=later, attempts=1)

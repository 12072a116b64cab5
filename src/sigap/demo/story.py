"""A ticket's timeline as the desk lives it: intake and a first reply, diagnosis,
escalation, waiting for the customer, resolution and closure.

A `Story` only plans: it appends `Step`s with their moments to a `Plan`. The
player then performs each step through the ticket services, so the state machine
checks every one of them.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sigap.accounts.models import User
from sigap.demo import texts
from sigap.demo.calendar import WorkCalendar
from sigap.demo.plan import Plan, Step
from sigap.demo.staff import Staff
from sigap.tickets.choices import PendingReason, Via

# First replies: minutes after the report when the desk answers in time (the study's
# target is 15), and the share answered late, in business minutes, by channel.
QUICK_REPLY = {"email": (2, 14), "whatsapp": (1, 12), "phone": (0.5, 4)}
LATE_REPLY = {"email": 0.18, "whatsapp": 0.10, "phone": 0.04}
LATE_RANGE = (16, 60)
# Share of resolved tickets the customer confirms; the rest the desk closes after
# three working days of silence.
CONFIRMED = 0.65
AUTO_CLOSE_MINUTES = 3 * 9 * 60


class Story:
    def __init__(
        self,
        *,
        rng: random.Random,
        calendar: WorkCalendar,
        staff: Staff,
        plan: Plan,
        language: str,
        values: dict[str, object],
        text_key: str,
    ) -> None:
        self.rng = rng
        self.calendar = calendar
        self.staff = staff
        self.plan = plan
        self.language = language
        self.values = values
        self.text_key = text_key
        self.t = plan.reported_at
        self.agent = rng.choice(staff.of("customer_support"))
        values["agent"] = self.agent.first_name

    # --- time ---------------------------------------------------------------------
    def wait(self, low: float, high: float) -> None:
        """Let `low`..`high` minutes of opening time pass (work stops at closing)."""
        self.t = self._whole(self.calendar.add(self.t, self.rng.uniform(low, high)))

    def pause(self, low: float, high: float) -> None:
        """Let `low`..`high` wall-clock minutes pass (the same sitting)."""
        self.t = self._whole(self.t + timedelta(minutes=self.rng.uniform(low, high)))

    @staticmethod
    def _whole(moment: datetime) -> datetime:
        return moment.replace(microsecond=0)

    # --- steps --------------------------------------------------------------------
    def add(self, action: str, by: User | None, **fields: str) -> None:
        self.plan.steps.append(Step(at=self.t, action=action, by=by, **fields))

    def say(self, key: str, **extra: object) -> str:
        self._set_daypart()
        return texts.say(self.rng, key, self.language, {**self.values, **extra})

    def _set_daypart(self) -> None:
        self.values["daypart"] = texts.daypart(self.t, "id")
        self.values["daypart_en"] = texts.daypart(self.t, "en")

    def reply(self, by: User, key: str, **extra: object) -> None:
        self.add("reply", by, body=self.say(key, **extra))

    def note(self, by: User, key: str, **extra: object) -> None:
        self.add("note", by, body=texts.note(self.rng, key, {**self.values, **extra}))

    def customer(self, key: str, document: str = "") -> None:
        """A message from the customer, with a `document` attached when it names one;
        after a phone report, documents and answers come in writing, on WhatsApp if
        the contact uses it."""
        via = self.plan.channel
        if via == "phone":
            via = "whatsapp" if self.plan.contact.whatsapp_id else "email"
        self.add("customer", None, body=self.say(key), via=via, document=document)

    # --- phases -------------------------------------------------------------------
    def intake(self) -> None:
        """Logged, taken by a first-line agent, answered: mostly within 15 minutes."""
        plan, rng = self.plan, self.rng
        # Written here, not when the plan is made, so that a flow can first add what
        # the customer mentions (the new plate, the buyer).
        plan.title = self.say(f"title.{self.text_key}")
        plan.description = self.say(f"desc.{self.text_key}")
        late = rng.random() < LATE_REPLY[plan.channel]
        minutes = rng.uniform(*(LATE_RANGE if late else QUICK_REPLY[plan.channel]))

        def after(share: float) -> datetime:
            # A late answer waited in the queue over opening hours; a quick one did not.
            if late:
                return self._whole(self.calendar.add(plan.reported_at, minutes * share))
            return self._whole(plan.reported_at + timedelta(minutes=minutes * share))

        if plan.channel == "email":
            # Mail is logged by the mailbox intake and picked from the queue.
            plan.created_by = None
            self.t = after(rng.uniform(0.15, 0.45))
            self.add("assign", self.agent, group="customer_support")
            self.t = after(rng.uniform(0.5, 0.9))
        else:
            # The agent on the phone or WhatsApp logs it while talking to the customer.
            plan.created_by = self.agent
            self.t = after(rng.uniform(0.2, 0.7))
        self.add("start", self.agent)
        self.t = after(1.0)
        self.reply(self.agent, "ack")

    def escalate(self, by: User, group: str, reason: str) -> User:
        """Hand over to `group`; one of its members takes and starts the ticket."""
        self.wait(2, 20)
        self.add("escalate", by, group=group, body=reason)
        member = self.rng.choice(self.staff.of(group))
        self.wait(5, 60)
        self.add("assign", member, group=group)
        self.wait(1, 30)
        self.add("start", member)
        return member

    def wait_for_customer(
        self,
        by: User,
        ask: str,
        what: str,
        answer: str,
        minutes: tuple[float, float],
        document: str = "",
    ) -> None:
        """Ask the customer for something and pend until they answer (with `document`)."""
        self.wait(2, 20)
        self.reply(by, ask)
        self.pause(0.5, 3)
        self.add(
            "pend",
            by,
            reason=PendingReason.CUSTOMER,
            body=texts.note(self.rng, "pend.customer", {"what": what}),
        )
        self.wait(*minutes)
        self.customer(answer, document)
        self.wait(3, 45)
        self.add("resume", by)

    def resolve(self, by: User, code: str, summary: str, cause: str = "", **extra: object) -> None:
        body = texts.note(self.rng, summary, {**self.values, **extra})
        self.add("resolve", by, resolution=code, cause=cause, body=body)

    def finish(self, by: User, key: str, **extra: object) -> None:
        """Tell the customer, then close: on their confirmation, or after silence."""
        self.pause(1, 10)
        self.reply(by, key, **extra)
        if self.rng.random() < CONFIRMED:
            self.wait(10, 300)
            self.customer("cust.thanks")
            self.wait(2, 40)
            self.add("close", self.agent)
        else:
            self.t = self._whole(self.calendar.add(self.t, AUTO_CLOSE_MINUTES))
            self.add("close", None, via=Via.SYSTEM)

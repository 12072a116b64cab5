"""Plays a planned ticket through the ticket services, step by step, each inside
`clock.at(step.at)` so the services stamp the historical time.

Nothing here writes a ticket or a timeline entry directly: creation, every
transition and every reply go through `sigap.tickets.services`, which check the
state machine, so the demo's timelines are ones the desk could have produced.
"""

from __future__ import annotations

from sigap.core import clock
from sigap.demo.calendar import ZONE
from sigap.demo.documents import scanned
from sigap.demo.plan import END, Plan, Step
from sigap.routing.models import SupportGroup
from sigap.tickets import creation, services
from sigap.tickets.attachments import attachment_store
from sigap.tickets.models import Category, Cause, Ticket


class Player:
    def __init__(self) -> None:
        self.categories = {c.code: c for c in Category.objects.all()}
        self.causes = {c.code: c for c in Cause.objects.all()}
        self.groups = {g.code: g for g in SupportGroup.objects.all()}

    def play(self, plan: Plan) -> Ticket:
        with clock.replaying():
            return self._play(plan)

    def _play(self, plan: Plan) -> Ticket:
        with clock.at(plan.reported_at):
            ticket = creation.ticket_create(
                kind=plan.recipe.kind,
                title=plan.title,
                description=plan.description,
                category=self.categories[plan.recipe.category],
                cause=self.causes[plan.cause] if plan.cause else None,
                channel=plan.channel,
                by=plan.created_by,
                organisation=plan.organisation,
                contact=plan.contact,
                vehicle=plan.vehicle,
                unit=plan.unit,
                impact=plan.impact,
                urgency=plan.urgency,
                external_ref=plan.external_ref,
            )
        for step in plan.steps:
            if step.at >= END:  # not happened yet when the data set ends
                break
            with clock.at(step.at):
                ticket = self._step(ticket, step)
                if step.action == "resolve" and plan.effect is not None:
                    plan.effect(step.at.astimezone(ZONE).date())
        return ticket

    def _step(self, ticket: Ticket, step: Step) -> Ticket:
        by, action = step.by, step.action
        if action in ("reply", "note", "customer"):
            entry = services.ticket_comment(
                ticket=ticket,
                by=by,
                body=step.body.replace("{number}", ticket.number),
                public=action != "note",
                via=step.via,
            )
            if step.document:
                attachment_store(ticket=ticket, entry=entry, item=scanned(step.document, ticket))
            return ticket
        if action == "assign":
            return services.ticket_assign(
                ticket=ticket, by=by, assignee=by, group=self.groups[step.group]
            )
        if action == "start":
            return services.ticket_start(ticket=ticket, by=by)
        if action == "escalate":
            return services.ticket_escalate(
                ticket=ticket, by=by, group=self.groups[step.group], reason=step.body
            )
        if action == "pend":
            return services.ticket_pend(ticket=ticket, by=by, reason=step.reason, note=step.body)
        if action == "resume":
            return services.ticket_resume(ticket=ticket, by=by)
        if action == "resolve":
            return services.ticket_resolve(
                ticket=ticket,
                by=by,
                resolution_code=step.resolution,
                summary=step.body,
                cause=self.causes[step.cause] if step.cause else None,
            )
        if action == "close":
            return services.ticket_close(ticket=ticket, by=by, via=step.via)
        raise ValueError(f"unknown demo step {action!r}")

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sigap.routing.choices import SupportLevel
from sigap.sla.choices import Level, Priority
from sigap.tickets.choices import (
    CategoryKind,
    Channel,
    EntryKind,
    Kind,
    PendingReason,
    ResolutionCode,
    Status,
    Via,
)


class Bilingual(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=150)
    name_id = models.CharField(_("name (Indonesian)"), max_length=150)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return self.name_id if translation.get_language() == "id" else self.name_en

    def __str__(self) -> str:
        return self.name


class Category(Bilingual):
    """A node of the category tree; codes are stable (`gps_unit.not_updating`)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    kind = models.CharField(
        _("used for"), max_length=8, choices=CategoryKind.choices, default=CategoryKind.BOTH
    )
    support_group = models.ForeignKey(
        "routing.SupportGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("second-line group"),
    )
    urgency = models.CharField(
        _("urgency"),
        max_length=8,
        choices=Level.choices,
        default=Level.MEDIUM,
        help_text=_("Proposed for a ticket of this category when whoever logs it does not say."),
    )
    urgent_when_moving = models.BooleanField(
        _("urgent while the vehicle is moving"),
        default=False,
        help_text=_("A ticket about a vehicle on the road is proposed as high urgency."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    @property
    def top_code(self) -> str:
        return self.code.split(".", 1)[0]

    def allows(self, kind: str) -> bool:
        return self.kind in (CategoryKind.BOTH, kind)


class Cause(Bilingual):
    """A known cause (the study's Table 1), offered for the categories it applies to."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    categories = models.ManyToManyField(
        Category, related_name="causes", verbose_name=_("categories")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("cause")
        verbose_name_plural = _("causes")


class TicketSequence(models.Model):
    """The last number handed out per kind. Incremented under a row lock, so
    concurrent creations get distinct, consecutive numbers."""

    kind = models.CharField(max_length=8, choices=Kind.choices, primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket number sequence")


class Ticket(models.Model):
    # Empty only inside the transaction that logs the ticket: the number is its last write.
    number = models.CharField(_("number"), max_length=16, unique=True, null=True, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    organisation = models.ForeignKey(
        "customers.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("organisation"),
    )
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("contact"),
    )
    vehicle = models.ForeignKey(
        "customers.Vehicle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("vehicle"),
    )
    unit = models.ForeignKey(
        "customers.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("GPS unit"),
    )

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("category")
    )
    cause = models.ForeignKey(
        Cause,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("cause"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    external_ref = models.CharField(
        _("sender's id"),
        max_length=255,
        null=True,
        blank=True,
        help_text=_(
            "The sender's own id for this ticket; a retry with the same id is not doubled."
        ),
    )

    impact = models.CharField(_("impact"), max_length=8, choices=Level.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Level.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    pending_reason = models.CharField(
        _("pending reason"), max_length=16, choices=PendingReason.choices, blank=True
    )
    support_level = models.CharField(
        _("support level"), max_length=16, choices=SupportLevel.choices, default=SupportLevel.L1
    )
    support_group = models.ForeignKey(
        "routing.SupportGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("support group"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    resolution_code = models.CharField(
        _("resolution code"), max_length=32, choices=ResolutionCode.choices, blank=True
    )
    resolution_summary = models.TextField(_("resolution summary"), blank=True)

    sla_policy = models.ForeignKey(
        "sla.SlaPolicy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SLA policy"),
    )
    response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    sla_paused_at = models.DateTimeField(_("resolution clock paused since"), null=True, blank=True)
    # When the sweep warns that a target is nearly used, and when it hands a ticket
    # still with first line to second line. Emptied once done, or when not applicable.
    response_warn_at = models.DateTimeField(_("first response warning at"), null=True, blank=True)
    resolve_warn_at = models.DateTimeField(_("resolution warning at"), null=True, blank=True)
    escalate_at = models.DateTimeField(_("escalate to second line at"), null=True, blank=True)
    response_breached = models.BooleanField(_("first response late"), default=False)
    resolve_breached = models.BooleanField(_("resolution late"), default=False)

    reported_at = models.DateTimeField(_("reported"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # Working time on the SLA policy's calendar (office hours without one) from report
    # to resolution and to the first response, stamped when they happen, so a report
    # can average them with one aggregate instead of walking a calendar per ticket.
    first_response_working_time = models.DurationField(
        _("working time to first response"), null=True, blank=True
    )
    resolution_working_time = models.DurationField(
        _("working time to resolution"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last activity"))

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
        help_text=_("The closed ticket a customer answered, which this one continues."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent ticket"),
        help_text=_("The ticket this one is part of, such as an outage many customers report."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
        help_text=_("The ticket that carries on the work; this one was cancelled for it."),
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised by every change; guards concurrent edits.")
    )

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        permissions = [
            (
                "import_history",
                _("Can bring in tickets from the old system, with their own timestamps"),
            ),
        ]
        indexes = [
            models.Index(fields=["-reported_at", "-id"], name="ticket_reported_idx"),
            models.Index(fields=["status", "-reported_at"], name="ticket_status_idx"),
            models.Index(fields=["kind", "-reported_at"], name="ticket_kind_idx"),
            # The scorecard's realisations over the tickets resolved in a period.
            models.Index(
                fields=["resolved_at"],
                name="ticket_resolved_idx",
                condition=models.Q(resolved_at__isnull=False),
            ),
            # The desk's queue counts and its sparse queues: open tickets of one kind.
            models.Index(fields=["kind", "status", "-reported_at"], name="ticket_kind_status_idx"),
            models.Index(fields=["organisation", "-reported_at"], name="ticket_org_idx"),
            models.Index(fields=["category", "-reported_at"], name="ticket_category_idx"),
            models.Index(fields=["response_due_at"], name="ticket_response_due_idx"),
            models.Index(fields=["resolve_due_at"], name="ticket_resolve_due_idx"),
            # The sweep's breach claims: only clocks still running and not yet breached,
            # so the many tickets long answered or already late do not weigh on it.
            models.Index(
                fields=["response_due_at"],
                name="ticket_response_running_idx",
                condition=models.Q(response_breached=False, first_response_at__isnull=True),
            ),
            models.Index(
                fields=["resolve_due_at"],
                name="ticket_resolve_running_idx",
                condition=models.Q(resolve_breached=False, sla_paused_at__isnull=True),
            ),
            models.Index(fields=["response_warn_at"], name="ticket_response_warn_idx"),
            # Only while the resolution clock runs: a resolved, closed or cancelled
            # ticket (its clock paused or stopped) keeps its marks without weighing on
            # every sweep; the sweep's conditions repeat these predicates.
            models.Index(
                fields=["resolve_warn_at"],
                name="ticket_resolve_warn_idx",
                condition=models.Q(sla_paused_at__isnull=True),
            ),
            models.Index(
                fields=["escalate_at"],
                name="ticket_escalate_idx",
                condition=models.Q(sla_paused_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_ref"],
                condition=models.Q(external_ref__isnull=False),
                name="ticket_external_ref_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=5), name="ticket_priority_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class EntryQuerySet(models.QuerySet):
    def update(self, **kwargs):  # the timeline is an audit trail
        raise TypeError("timeline entries are never changed")

    def delete(self):
        raise TypeError("timeline entries are never deleted")


class Entry(models.Model):
    """One line of a ticket's timeline: who did what, when, through which channel,
    with the values before and after. Written once, never edited or deleted."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="entries", verbose_name=_("ticket")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    action = models.CharField(_("action"), max_length=16, blank=True)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    via = models.CharField(_("via"), max_length=16, choices=Via.choices)
    public = models.BooleanField(_("visible to the customer"), default=False)
    body = models.TextField(_("text"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [models.Index(fields=["ticket", "at", "id"], name="entry_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("timeline entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("timeline entries are never deleted")


def _attachment_path(attachment: Attachment, filename: str) -> str:
    return f"attachments/{attachment.created_at:%Y/%m}/{attachment.sha256[:2]}/{filename}"


class Attachment(models.Model):
    """A file a timeline entry carries: a customer's document, an e-mail's attachment,
    a WhatsApp photo, the raw message itself. A refused one keeps its name and why."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("ticket")
    )
    entry = models.ForeignKey(
        Entry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("timeline entry"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=127, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=400, blank=True)
    refused = models.CharField(
        _("refused because"),
        max_length=200,
        blank=True,
        help_text=_("Empty when the file was stored."),
    )
    created_at = models.DateTimeField(_("received"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

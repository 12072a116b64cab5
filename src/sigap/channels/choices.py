from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    IN = "in", _("Received")
    OUT = "out", _("Sent")


class Delivery(models.TextChoices):
    """Where a message stands. Received messages are `received`; outbound ones move
    queued -> sent -> delivered -> read, or end `failed`."""

    RECEIVED = "received", _("Received")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")


# A status report never moves a message back: "delivered" after "read" changes nothing.
DELIVERY_ORDER = {
    Delivery.QUEUED: 0,
    Delivery.SENT: 1,
    Delivery.DELIVERED: 2,
    Delivery.READ: 3,
    Delivery.FAILED: 4,
}

"""One factory per model, with deterministic defaults."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group

from sigap.accounts.choices import Role
from sigap.accounts.models import ApiToken, User
from sigap.channels.models import Message, Quarantine
from sigap.customers.models import (
    Contact,
    DeviceModel,
    Organisation,
    Subscription,
    Unit,
    Vehicle,
)
from sigap.customers.validators import luhn_ok
from sigap.demo.models import DemoLoad
from sigap.routing.models import SupportGroup
from sigap.sla.models import PriorityRule
from sigap.tickets.models import Attachment, Category, Cause, Entry, Ticket


def imei_for(n: int) -> str:
    """A valid IMEI (Luhn check digit) derived from n."""
    body = f"35{n:012d}"
    for check in "0123456789":
        if luhn_ok(body + check):
            return body + check
    raise AssertionError("unreachable")


def plate_for(n: int) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return f"B {1000 + n % 9000} {letters[n % 23]}{letters[(n // 23) % 23]}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@sigap.test")
    password = factory.django.Password("secret-password")
    language = "en"

    @factory.post_generation
    def role(self, create: bool, extracted: Role | None, **kwargs) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
            self.__dict__.pop("roles", None)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"org{n:04d}")
    name = factory.Sequence(lambda n: f"PT Armada {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@armada.test")
    phone = factory.Sequence(lambda n: f"+62812{n:07d}")


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    organisation = factory.SubFactory(OrganisationFactory)
    plate = factory.Sequence(plate_for)


class DeviceModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeviceModel
        django_get_or_create = ("vendor", "name")

    vendor = "Teltonika"
    name = "FMB920"
    min_firmware = "03.27"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    imei = factory.Sequence(imei_for)
    device_model = factory.SubFactory(DeviceModelFactory)
    firmware = "03.28"
    vehicle = factory.SubFactory(VehicleFactory)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    unit = factory.SubFactory(UnitFactory)
    organisation = factory.LazyAttribute(lambda s: s.unit.vehicle.organisation)
    starts_on = datetime.date(2022, 1, 1)


class ApiTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    prefix = factory.Sequence(lambda n: f"sgp_{n:06d}")
    digest = factory.Sequence(lambda n: f"{n:064x}")


class SupportGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportGroup
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"group{n}")
    name_en = factory.LazyAttribute(lambda g: g.code)
    name_id = factory.LazyAttribute(lambda g: g.code)
    level = "l2"


class PriorityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityRule
        django_get_or_create = ("impact", "urgency")

    impact = "medium"
    urgency = "medium"
    priority = 3


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test_category_{n}")
    name_en = factory.LazyAttribute(lambda c: c.code)
    name_id = factory.LazyAttribute(lambda c: c.code)


class CauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cause
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test_cause_{n}")
    name_en = factory.LazyAttribute(lambda c: c.code)
    name_id = factory.LazyAttribute(lambda c: c.code)


def _create_ticket(**kwargs) -> Ticket:
    from sigap.tickets.creation import ticket_create

    return ticket_create(**kwargs)


class TicketFactory(factory.Factory):
    """Tickets are made through `ticket_create`, so numbers and the first
    timeline entry are real."""

    class Meta:
        model = Ticket

    kind = "incident"
    title = factory.Sequence(lambda n: f"Unit {n} not updating")
    category = factory.LazyFunction(lambda: Category.objects.get(code="gps_unit.not_updating"))
    channel = "email"
    contact = factory.SubFactory(ContactFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return _create_ticket(**kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("tickets are only made through ticket_create")


class EntryFactory(factory.Factory):
    """Entries come from services; this makes an internal note the way the desk does."""

    class Meta:
        model = Entry

    ticket = factory.SubFactory(TicketFactory)
    body = factory.Sequence(lambda n: f"note {n}")
    public = False

    @classmethod
    def _create(cls, model_class, *args, ticket, body, public, **kwargs):
        from sigap.tickets.services import ticket_comment

        return ticket_comment(ticket=ticket, by=None, body=body, public=public)


class DemoLoadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DemoLoad

    key = factory.Sequence(lambda n: f"data-set-{n}")
    seed = 2022
    loaded_at = factory.LazyFunction(lambda: datetime.datetime(2022, 6, 1, tzinfo=datetime.UTC))
    seconds = 1.0


class MessageFactory(factory.django.DjangoModelFactory):
    """A received e-mail on a ticket; outbound ones come from `message_send`."""

    class Meta:
        model = Message

    direction = "in"
    channel = "email"
    mailbox = "support@sigap.localhost"
    external_id = factory.Sequence(lambda n: f"<m{n}@armada.test>")
    ticket = factory.SubFactory(TicketFactory)
    contact = factory.LazyAttribute(lambda m: m.ticket.contact)
    sender = factory.LazyAttribute(lambda m: m.contact.email if m.contact else "")
    body = "Unit tidak update sejak pagi."
    status = "received"
    created_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.UTC)
    )


class QuarantineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quarantine

    channel = "email"
    source = "pipe"
    raw = b"not an e-mail"
    error = "no From header"
    received_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.UTC)
    )


class AttachmentFactory(factory.Factory):
    """Attachments are stored through `attachment_store`, so the file is real."""

    class Meta:
        model = Attachment

    ticket = factory.SubFactory(TicketFactory)
    entry = None
    filename = "stnk.pdf"
    content_type = "application/pdf"
    content = b"%PDF-1.4 test document"

    @classmethod
    def _create(cls, model_class, *args, ticket, entry, filename, content_type, content):
        from sigap.tickets.attachments import AttachmentIn, attachment_store

        return attachment_store(
            ticket=ticket, entry=entry, item=AttachmentIn(filename, content_type, content)
        )

"""The portal's forms. They check what the customer typed and say what is wrong next
to the field; the writes themselves are in `services.py`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sigap.accounts.models import User
from sigap.customers.models import Vehicle
from sigap.customers.validators import normalise_plate
from sigap.portal.access import may_use_portal, may_write
from sigap.portal.choices import REQUESTS, RequestType
from sigap.portal.selectors import incident_categories, portal_vehicles
from sigap.sla.proposal import Scope
from sigap.tickets.attachments import AttachmentIn
from sigap.tickets.models import Category

MAX_DOCUMENTS = 5
TEXT_LIMIT = 5000


def size_label(size: int) -> str:
    """A byte count as a customer reads it: `10 MB`, `512 KB`."""
    if size >= 1024 * 1024:
        return _("%(n)s MB") % {"n": f"{size / (1024 * 1024):.3g}"}
    if size >= 1024:
        return _("%(n)s KB") % {"n": f"{size / 1024:.3g}"}
    return _("%(n)s bytes") % {"n": size}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several files, each checked against SIGAP_ATTACHMENT_MAX_BYTES before anything is
    stored, so a file the desk would refuse is reported to the customer instead."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        cleaned = [super(DocumentsField, self).clean(f, initial) for f in files]
        if len(cleaned) > MAX_DOCUMENTS:
            raise ValidationError(
                _("Attach at most %(n)s files.") % {"n": MAX_DOCUMENTS}, code="too_many"
            )
        limit = settings.SIGAP_ATTACHMENT_MAX_BYTES
        too_big = [f for f in cleaned if f.size > limit]
        if too_big:
            raise ValidationError(
                [
                    _("%(name)s is %(size)s; files may be at most %(limit)s.")
                    % {"name": f.name, "size": size_label(f.size), "limit": size_label(limit)}
                    for f in too_big
                ],
                code="too_big",
            )
        return cleaned


def _attachments(files: list[UploadedFile]) -> list[AttachmentIn]:
    return [
        AttachmentIn(f.name or "", f.content_type or "application/octet-stream", f.read())
        for f in files
    ]


class SubmissionForm(forms.Form):
    """A form whose hidden UUID makes a repeated submission harmless (see services.py)."""

    submission = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submission"].initial = uuid.uuid4
        self.fields["submission"].error_messages["required"] = gettext_lazy(
            "This form is out of date. Please reload the page and try again."
        )

    def documents(self) -> list[AttachmentIn]:
        return _attachments(self.cleaned_data.get("documents") or [])


def _vehicle_field(user: User, *, required: bool) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=portal_vehicles(user=user),
        required=required,
        label=_("Vehicle (plate)"),
        empty_label=_("Choose a vehicle") if required else _("No particular vehicle"),
        error_messages={
            "invalid_choice": _("Choose one of your organisation's vehicles."),
            "required": _("Choose the vehicle this is about."),
        },
    )


class ReportProblemForm(SubmissionForm):
    category = forms.ChoiceField(label=gettext_lazy("What is wrong?"))
    vehicle = forms.ModelChoiceField(queryset=Vehicle.objects.none())
    description = forms.CharField(
        label=gettext_lazy("Describe the problem"),
        help_text=gettext_lazy("Since when, what you see, and what you already tried."),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("How many of your vehicles are affected?"),
        choices=Scope.choices,
        initial=Scope.ONE,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Say how many vehicles are affected.")},
    )
    moving = forms.TypedChoiceField(
        label=gettext_lazy("Is the vehicle on the road now?"),
        choices=[
            ("", gettext_lazy("I don't know")),
            ("yes", gettext_lazy("Yes")),
            ("no", gettext_lazy("No")),
        ],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )
    documents = DocumentsField(
        label=gettext_lazy("Screenshots or photos (optional)"),
    )

    field_order = [
        "category",
        "vehicle",
        "scope",
        "moving",
        "description",
        "documents",
        "submission",
    ]

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._categories = {c.code: c for c in incident_categories()}
        groups: dict[str, list[tuple[str, str]]] = {}
        for category in self._categories.values():
            groups.setdefault(category.parent.name, []).append((category.code, category.name))
        self.fields["category"].choices = [("", _("Choose what is wrong")), *groups.items()]
        self.fields["vehicle"] = _vehicle_field(user, required=False)
        self.order_fields(self.field_order)
        self.fields["category"].error_messages["required"] = _("Choose what is wrong.")
        self.fields["description"].error_messages["required"] = _("Describe the problem.")

    def clean_category(self) -> Category:
        return self._categories[self.cleaned_data["category"]]


class RequestChangeForm(SubmissionForm):
    vehicle = forms.ModelChoiceField(queryset=Vehicle.objects.none())
    new_plate = forms.CharField(
        label=gettext_lazy("New plate number"),
        max_length=20,
        help_text=gettext_lazy("As on the new vehicle registration, e.g. B 1234 XYZ."),
    )
    description = forms.CharField(max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 5}))
    documents = DocumentsField(label=gettext_lazy("Documents"))

    def __init__(self, *args, user: User, request_type: RequestType, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request_type = request_type
        spec = REQUESTS[request_type]
        if spec.needs_vehicle:
            self.fields["vehicle"] = _vehicle_field(user, required=True)
        else:
            del self.fields["vehicle"]
        if not spec.new_plate:
            del self.fields["new_plate"]
        description = self.fields["description"]
        description.label = spec.description_label
        description.required = spec.description_required
        description.error_messages["required"] = _("Please fill this in.")
        if not spec.takes_documents:
            del self.fields["documents"]
        elif spec.needs_document:
            documents = self.fields["documents"]
            documents.required = True
            documents.error_messages["required"] = _(
                "Attach the document that shows the change (a scan or a photo)."
            )
            documents.help_text = _("PDF or photo; at most %(n)s files of %(limit)s each.") % {
                "n": MAX_DOCUMENTS,
                "limit": size_label(settings.SIGAP_ATTACHMENT_MAX_BYTES),
            }
        else:
            self.fields["documents"].label = _("Documents (optional)")
        self.order_fields(["vehicle", "new_plate", "description", "documents", "submission"])

    def clean_new_plate(self) -> str:
        return normalise_plate(self.cleaned_data["new_plate"])

    def clean(self) -> dict:
        cleaned = super().clean()
        vehicle, new_plate = cleaned.get("vehicle"), cleaned.get("new_plate")
        if vehicle is not None and new_plate and new_plate == vehicle.plate:
            self.add_error("new_plate", _("This is the vehicle's current plate."))
        return cleaned


class ReplyForm(SubmissionForm):
    body = forms.CharField(
        label=gettext_lazy("Your reply"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Write your reply first.")},
    )
    documents = DocumentsField(label=gettext_lazy("Attach files (optional)"))


class VersionForm(forms.Form):
    """The ticket's version the customer saw: acting on a ticket changed since is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ConfirmForm(VersionForm):
    pass


class ReopenForm(VersionForm):
    reason = forms.CharField(
        label=gettext_lazy("Why is the problem not solved?"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Tell us why you reopen the ticket.")},
    )


class TicketFilterForm(forms.Form):
    """The list's filters; unknown values fall back to showing everything."""

    STATES = {
        "open": ["new", "assigned", "in_progress", "pending"],
        "resolved": ["resolved"],
        "closed": ["closed", "cancelled"],
    }

    kind = forms.ChoiceField(
        required=False,
        choices=[
            ("", gettext_lazy("All kinds")),
            ("incident", gettext_lazy("Problems")),
            ("request", gettext_lazy("Requests")),
        ],
        label=gettext_lazy("Kind"),
    )
    state = forms.ChoiceField(
        required=False,
        choices=[
            ("", gettext_lazy("Any status")),
            ("open", gettext_lazy("Open")),
            ("resolved", gettext_lazy("Waiting for your confirmation")),
            ("closed", gettext_lazy("Closed")),
        ],
        label=gettext_lazy("Status"),
    )
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)


class PortalAuthenticationForm(AuthenticationForm):
    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not may_use_portal(user):
            raise ValidationError(
                _(
                    "This account cannot use the customer portal. If you are a customer, "
                    "please ask our support team to set up your account."
                ),
                code="not_a_portal_user",
            )


class PortalPasswordResetForm(PasswordResetForm):
    """Resets for customers only, with the e-mail in each user's own language. Staff
    accounts can do more, so a stolen mailbox must not be enough to take one over:
    their passwords are reset by an administrator."""

    def get_users(self, email: str) -> Iterator[User]:
        return (u for u in super().get_users(email) if may_write(u))

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        with translation.override(context["user"].language or settings.LANGUAGE_CODE):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )

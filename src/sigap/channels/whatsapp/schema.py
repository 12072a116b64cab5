"""The webhook payload of the WhatsApp Cloud API, as Meta documents it.

Only what Sigap reads is declared; fields Meta adds later are ignored, so a new
attribute does not turn a good delivery into a 400. What is declared is required
where the documentation says it is always sent: a payload without it is not one we
understand, and the sender is told which field is missing.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

# Message types whose content is read into a ticket entry; a message of another type
# ("order", "system", "unsupported", ...) is valid but cannot be taken in and is
# quarantined whole, so an operator sees it.
MEDIA_TYPES = ("image", "video", "sticker", "document", "audio")
TAKEN_TYPES = (
    "text",
    *MEDIA_TYPES,
    "location",
    "contacts",
    "interactive",
    "button",
    "reaction",
)


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Profile(Model):
    name: str = ""


class WaContact(Model):
    wa_id: str = Field(min_length=1)
    profile: Profile = Profile()


class Metadata(Model):
    phone_number_id: str = Field(min_length=1)
    display_phone_number: str = ""


class Text(Model):
    body: str


class Media(Model):
    """image, video, sticker, document and audio all carry a media id."""

    id: str = Field(min_length=1)
    mime_type: str = ""
    sha256: str = ""
    caption: str = ""
    filename: str = ""
    voice: bool = False


class Location(Model):
    latitude: float
    longitude: float
    name: str = ""
    address: str = ""
    url: str = ""


class Reply(Model):
    id: str
    title: str
    description: str = ""


INTERACTIVE_TYPES = ("button_reply", "list_reply", "nfm_reply")


class Interactive(Model):
    type: str = Field(min_length=1)
    button_reply: Reply | None = None
    list_reply: Reply | None = None
    nfm_reply: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _reply_present(self) -> Interactive:
        if self.type in INTERACTIVE_TYPES and getattr(self, self.type) is None:
            raise ValueError(f"an interactive {self.type} message needs its {self.type!r} object")
        return self


class Button(Model):
    text: str
    payload: str = ""


class Reaction(Model):
    message_id: str
    emoji: str = ""


class Name(Model):
    formatted_name: str = ""


class Phone(Model):
    phone: str = ""
    wa_id: str = ""


class SharedContact(Model):
    name: Name = Name()
    phones: list[Phone] = []


class Context(Model):
    id: str = ""


class ErrorInfo(Model):
    code: int
    title: str = ""
    message: str = ""


class Message(Model):
    id: str = Field(min_length=1)
    from_: str = Field(alias="from", min_length=1)
    timestamp: str
    type: str = Field(min_length=1)
    context: Context | None = None
    text: Text | None = None
    image: Media | None = None
    video: Media | None = None
    sticker: Media | None = None
    document: Media | None = None
    audio: Media | None = None
    location: Location | None = None
    contacts: list[SharedContact] | None = None
    interactive: Interactive | None = None
    button: Button | None = None
    reaction: Reaction | None = None
    errors: list[ErrorInfo] = []

    @model_validator(mode="after")
    def _content_present(self) -> Message:
        # A known type must carry the object that holds its content: a "text" message
        # without "text" is a malformed payload, not an empty message.
        if self.type in TAKEN_TYPES and getattr(self, self.type) is None:
            raise ValueError(f"a {self.type} message needs its {self.type!r} object")
        return self

    @property
    def media(self) -> Media | None:
        return getattr(self, self.type) if self.type in MEDIA_TYPES else None


class Status(Model):
    # Any status word is accepted: one Sigap does not know yet is ignored rather than
    # refused, since a 400 would hold back the messages Meta batched with it.
    id: str = Field(min_length=1)
    status: str = Field(min_length=1)
    timestamp: str
    recipient_id: str = ""
    errors: list[ErrorInfo] = []


class Value(Model):
    messaging_product: Literal["whatsapp"]
    metadata: Metadata
    contacts: list[WaContact] = []
    messages: list[Message] = []
    statuses: list[Status] = []
    errors: list[ErrorInfo] = []

    def profile_name(self, wa_id: str) -> str:
        for contact in self.contacts:
            if contact.wa_id == wa_id:
                return contact.profile.name
        return ""


class Change(Model):
    field: str
    value: Value | None = None

    @model_validator(mode="before")
    @classmethod
    def _only_messages(cls, data: Any) -> Any:
        # Other subscriptions (template reviews, account updates) share the webhook
        # and have their own shapes; Sigap does not read them.
        if isinstance(data, dict) and data.get("field") != "messages" and "field" in data:
            return {"field": data["field"]}
        return data

    @model_validator(mode="after")
    def _value_present(self) -> Change:
        if self.field == "messages" and self.value is None:
            raise ValueError("a 'messages' change needs its 'value' object")
        return self


class Entry(Model):
    id: str = ""
    changes: list[Change]


class Webhook(Model):
    object: Literal["whatsapp_business_account"]
    entry: list[Entry]


class BadPayload(ValueError):
    """The body is not a WhatsApp webhook payload; the message names what is wrong."""


def webhook_parse(raw: bytes) -> Webhook:
    """The payload in `raw`, or BadPayload naming the first few problems."""
    try:
        return Webhook.model_validate_json(raw)
    except ValidationError as exc:
        raise BadPayload(describe(exc)) from None


def describe(exc: ValidationError, limit: int = 5) -> str:
    problems = []
    for error in exc.errors(include_url=False)[:limit]:
        where = ".".join(str(part) for part in error["loc"])
        if error["type"] == "json_invalid":
            problems.append(f"the body is not valid JSON ({error['msg']})")
        else:
            problems.append(f"{where or 'payload'}: {error['msg']}")
    more = len(exc.errors()) - limit
    if more > 0:
        problems.append(f"and {more} more")
    return "; ".join(problems)

# Django finds commands only in installed apps; the e-mail package is not one.
from sigap.channels.email.management.commands.mail_in import Command  # noqa: F401

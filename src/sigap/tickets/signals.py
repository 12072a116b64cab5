"""Signals other apps listen to, sent after the commit of the change they announce."""

from django.dispatch import Signal

# A ticket's status changed: ticket_id, status (the new one).
status_changed = Signal()

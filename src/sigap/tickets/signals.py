"""Signals other apps listen to, sent after the commit of the change they announce."""

from django.dispatch import Signal

# A ticket's status changed: ticket_id, status (the new one).
status_changed = Signal()

# A ticket was logged: ticket. Sent inside the transaction that logs it, so that a
# receiver's writes (linking it, say) commit or roll back with it.
ticket_logged = Signal()

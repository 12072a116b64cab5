"""Every way a customer reaches the desk, and every message the desk sends back.

Channel packages (`email/`, `whatsapp/`) parse what arrives and hand it to
`services.message_receive`; they send through a `Transport` (`transport.py`) that
`tasks.message_deliver` calls after the commit that queued the message.
"""

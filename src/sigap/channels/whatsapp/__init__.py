"""WhatsApp (Cloud API) in and out: `/hooks/whatsapp`, intake, media, delivery.

- `views.py`, `urls.py`: the verification handshake and the signed webhook.
- `schema.py`: the documented webhook payload as pydantic models (400 when it is not).
- `intake.py`: messages -> ticket entries (threading, dedupe, quarantine), status
  reports -> outbound messages, and `replay` for the quarantine.
- `tasks.py`: the media download, queued after the commit, retried with backoff.
- `transport.py`: sending: text inside the 24-hour window, the template outside it
  or when WhatsApp answers 131047.
- `services.py`: `whatsapp_reply`, an agent's reply by WhatsApp.
- `graph.py`: the three Graph API calls, over urllib.

Why not pywa (evaluated: 4.5.0, read from its wheel). It is a bot framework of ~27,000
lines, not a client library we can call piecemeal:
- the Graph API base URL is fixed: `GraphAPI.__init__` sets the httpx session's
  `base_url` to `https://graph.facebook.com/v{version}` whatever the caller passed,
  so our local fake server (and SIGAP_WHATSAPP_API_BASE) could only be reached by
  rewriting requests inside a custom httpx transport;
- webhook updates are parsed as it dispatches them to registered handler callbacks,
  reading `entry[0].changes[0].messages[0]` only (a batched delivery loses the rest),
  with plain dict indexing: a malformed payload is a KeyError, not a 400 that names
  the field; its duplicate filter is an in-process cache, where ours is a unique
  constraint;
- it brings httpx, and its releases have broken its API (see its 2.0 migration guide).
Sigap needs three HTTP calls (send a message, get a media URL, download it) and a
validated payload model; those are `graph.py` and `schema.py`, standard library and
pydantic (already a dependency through django-ninja) only.
"""

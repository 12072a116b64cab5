from __future__ import annotations

from ninja import NinjaAPI

from sigap.api import calls, customers, reports, ticket_changes, ticket_work, tickets
from sigap.api.auth import TokenAuth
from sigap.api.errors import install_handlers

api = NinjaAPI(
    title="Sigap API",
    version="1",
    description="Tickets, customers and reports of a Sigap service desk. "
    "Authenticate with `Authorization: Bearer <token>` (`sigap token USERNAME`).",
    auth=TokenAuth(),
    urls_namespace="api-v1",
)
install_handlers(api)
api.add_router("", tickets.router)
api.add_router("", ticket_work.router)
api.add_router("", ticket_changes.router)
api.add_router("", customers.router)
api.add_router("", reports.router)
api.add_router("", calls.router)

"""What the desk's tests share."""

from __future__ import annotations

from datetime import datetime

import time_machine
from django.test import Client

from sigap.accounts.models import User


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)

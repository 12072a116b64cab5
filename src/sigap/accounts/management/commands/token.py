from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sigap.accounts.models import User
from sigap.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (shown once; only its digest is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, username: str, name: str, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None
        if not user.is_active:
            raise CommandError(f"user {username!r} is inactive")
        self.stdout.write(api_token_create(user=user, name=name))

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from commitments.demo import DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Load the Brunei 2000 summit, its commitments and the demo users. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Create the demo users even though DEBUG is off.")
        parser.add_argument("--no-users", action="store_true", help="Load the data only, no demo users.")

    def handle(self, *args: Any, force: bool, no_users: bool, verbosity: int, **options: Any) -> None:
        with_users = not no_users
        if with_users and not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo users with well-known passwords while DEBUG is off. "
                "Use --no-users to load only the data, or --force if this really is a demo server."
            )
        password = settings.PLEDGEBOOK_DEMO_PASSWORD

        def progress(message: str) -> None:
            if verbosity >= 1:
                self.stdout.write(f"  {message}")

        self.stdout.write("Loading the demo data (Japan–Russia summit, Brunei, 15 November 2000)…")
        result = demo_load(now=timezone.now(), with_users=with_users, password=password, progress=progress)
        created = ", ".join(f"{n} {what}" for what, n in sorted(result.created.items())) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"Done: created {created}."))
        if with_users:
            self.stdout.write("Demo logins (password from PLEDGEBOOK_DEMO_PASSWORD):")
            for username in result.users:
                group, desk_role, superuser = DEMO_USERS[username]
                role = "administrator" if superuser else (group or "")
                where = f", {desk_role} of the Russian Federation Division" if desk_role else ""
                self.stdout.write(f"  {username:<11} {password:<12} {role}{where}")

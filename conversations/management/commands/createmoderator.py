"""`python manage.py createmoderator EMAIL [--lead] [--password-from-stdin]` (README, "Your first moderator")."""

from __future__ import annotations

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from conversations.moderation import selectors, team


class Command(BaseCommand):
    help = ("Make EMAIL a moderator: a staff account in the Moderators group (Moderation leads with --lead), "
            "created when there is none. Safe to run again. The password is asked for, or read from stdin.")

    def add_arguments(self, parser):
        parser.add_argument("email", help="the person's email address; it is also their username")
        parser.add_argument("--lead", action="store_true",
                            help="a moderation lead: also assigns cases to others and takes over cases others claimed")
        parser.add_argument("--password-from-stdin", action="store_true",
                            help="read the password from the first line of stdin instead of asking for it")

    def handle(self, *args, email: str, lead: bool, password_from_stdin: bool, **options):
        try:
            email = team.moderator_email_clean(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not a usable email address: {' '.join(exc.messages)}") from None
        password = self.password_read(email, from_stdin=password_from_stdin)
        try:
            done = team.moderator_create(email=email, lead=lead, password=password)
        except ValidationError as exc:
            # Django's validators describe the rule broken, never the password itself.
            raise CommandError(" ".join(exc.messages)) from None
        role = "moderation lead" if lead else "moderator"
        if not done.changed:
            self.stdout.write(f"{done.username} already is a {role} ({done.group}); nothing changed.")
        else:
            what = "Created" if done.created else "Updated"
            self.stdout.write(self.style.SUCCESS(f"{what} {done.username}: staff, in {done.group}."))
        self.stdout.write("They sign in at /admin/. Where EMOCHAT_STAFF_TWO_FACTOR is `required`, the first sign-in "
                          "leads them to set up an authenticator app (/admin/two-factor/).")

    def password_read(self, email: str, *, from_stdin: bool) -> str | None:
        """The password to set, or None to keep an existing account's own. Never echoed or printed."""
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("--password-from-stdin: stdin held no password.")
            return password
        if selectors.moderator_accounts(email=email).exists():
            return None  # an existing account keeps its password; pass --password-from-stdin to set a new one
        if not sys.stdin.isatty():
            raise CommandError("A new account needs a password: pass --password-from-stdin, or run this in a "
                               "terminal to be asked for it.")
        password = getpass.getpass(f"Password for {email}: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ; nothing was changed.")
        return password

"""`python manage.py rotate_keys [--reencrypt] [--dry-run] [--batch-size N]` (docs/privacy.md, "Rotation")."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from conversations.privacy import crypto, rotation


class Command(BaseCommand):
    help = ("Re-wrap every data key under the newest master key in EMOCHAT_ENCRYPTION_KEYS; with --reencrypt, "
            "also give every person a fresh data key and re-encrypt their values. Online and resumable.")

    def add_arguments(self, parser):
        parser.add_argument("--reencrypt", action="store_true",
                            help="also re-encrypt every value under a fresh data key per person")
        parser.add_argument("--dry-run", action="store_true", help="report what would be done; change nothing")
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")

    def handle(self, *args, reencrypt: bool, dry_run: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        primary = crypto.key_ring().primary
        plan = rotation.plan(reencrypt=reencrypt)
        self.stdout.write(f"Newest master key: {primary!r}.")
        self.stdout.write(f"Data keys to re-wrap: {plan.keys_to_rewrap}.")
        if reencrypt:
            if plan.resuming:
                self.stdout.write("Resuming an unfinished re-encryption.")
            self.stdout.write(f"People to get a fresh data key: {plan.subjects_to_renew}.")
            self.stdout.write(f"Values to re-encrypt: {plan.values_to_reencrypt}.")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return

        started = time.perf_counter()
        with tqdm(total=plan.keys_to_rewrap, desc="re-wrap data keys", unit="key", disable=None) as bar:
            rewrapped = rotation.rewrap(batch_size=batch_size, progress=bar.update)
        self.stdout.write(f"Re-wrapped {rewrapped} data keys under {primary!r}.")
        if not reencrypt:
            return
        with tqdm(total=plan.values_to_reencrypt, desc="re-encrypt values", unit="value", disable=None) as bar:
            summary = rotation.reencrypt(batch_size=batch_size, progress=bar.update)
        elapsed = time.perf_counter() - started
        rate = summary.reencrypted / elapsed if elapsed else 0.0
        self.stdout.write(
            f"{'Resumed and finished' if summary.resumed else 'Finished'}: {summary.renewed} fresh data keys, "
            f"{summary.reencrypted} values re-encrypted in {elapsed:.1f} s ({rate:.0f}/s), "
            f"{summary.retired_deleted} retired data keys deleted."
        )
        for note in summary.notes:
            self.stdout.write(note)

"""Every write of the optional account: creating one, and an account adopting what a visitor wrote anonymously.

Anonymous use stays the default. A person who signs up, or logs in from a browser where they chatted anonymously,
keeps what they wrote there: their conversations, consents, mood check-ins, the record of staff reading them, and
the data keys that seal their words, all pass from `visitor:<uuid>` to `user:<pk>` (docs/privacy.md, "Accounts").
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from conversations.chat import services as chat
from conversations.identity import Owner
from conversations.mood import services as mood
from conversations.privacy import services as privacy


class AccountError(Exception):
    """An account refused; `field` is the form field it is about, `detail` what the person is told."""

    def __init__(self, field: str, detail: str):
        super().__init__(detail)
        self.field, self.detail = field, detail


def email_normalized(email: str) -> str:
    """The email as it names an account: trimmed and lower-cased, so "Sam@Example.org" logs in as sam@…"""
    return email.strip().lower()


def account_create(*, email: str, password: str, visitor: Owner | None):
    """A new account named by its email, with a password Django's validators accept (AccountError otherwise),
    which adopts `visitor`'s conversations when there is a visitor. The account is committed before the adoption
    starts: keys moved to a `user:<pk>` whose row was then rolled back would belong to no one, and no erasure
    would ever reach them. If the adoption fails, the account stands and logging in adopts again."""
    User = get_user_model()
    email = email_normalized(email)
    if User.objects.filter(username__iexact=email).exists():
        raise AccountError("email", gettext("There is already an account with this email. Log in instead."))
    try:
        password_validation.validate_password(password, user=User(username=email, email=email))
    except ValidationError as exc:
        raise AccountError("password", " ".join(exc.messages)) from None
    with transaction.atomic():
        user = User.objects.create_user(username=email, email=email, password=password)
    if visitor is not None and visitor.visitor_id is not None:
        visitor_adopt(visitor_id=visitor.visitor_id, user=user)
    return user


@dataclass(frozen=True)
class Adopted:
    conversations: int
    keys: int
    consents: int
    checkins: int
    accesses: int


def visitor_adopt(*, visitor_id: uuid.UUID, user) -> Adopted:
    """Move everything of the visitor to the account, in two transactions (the keys have a database of their
    own) nested so that a failure in either rolls both back.

    The keys database commits first. Should the conversations' commit then fail, the keys are the account's while
    the rows are still the visitor's: every value still opens (a value names its key by id), the visitor's next
    value is sealed under a fresh key of theirs, and running this again (the next log-in) finishes the move. The
    other order could leave the rows the account's with the keys still the visitor's: erasing the account would
    then miss the keys, and the words would stay readable in backups. That case cannot happen here.

    The account may have data of its own (a person logging in from a browser where they chatted anonymously):
    its active data key keeps sealing, the visitor's keys arrive retired; its open conversation stays open and the
    visitor's is closed (chat.conversations_adopt)."""
    old, new = Owner(visitor_id=visitor_id), Owner(user_id=user.pk)
    # The outer block commits last: the conversations' database, after the keys'.
    with transaction.atomic(), transaction.atomic(using=privacy.KEYS_DATABASE):
        # Rows first: locking the conversations waits for a message being stored in them, which may still seal
        # under the visitor's key (it is then moved with the others).
        conversations = chat.conversations_adopt(visitor_id=visitor_id, user_id=user.pk)
        consents, accesses = privacy.subject_records_move(old=old, new=new)
        checkins = mood.checkins_move(old=old, new=new)
        keys = privacy.subject_keys_move(old=old, new=new)
    return Adopted(conversations=conversations, keys=keys, consents=consents, checkins=checkins, accesses=accesses)

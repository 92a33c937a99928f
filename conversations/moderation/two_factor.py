"""Two-factor sign-in for staff (django-otp, time-based codes from an authenticator app).

EMOCHAT_STAFF_TWO_FACTOR decides how much a session signed in with a password alone may do:

- `off`: nothing changes; the admin signs in with a password, as it always has.
- `optional`: staff who have set up an authenticator must give its code when they sign in, and a session of theirs
  that was not signed in with one reaches neither the admin nor the moderators' socket; the others sign in with a
  password alone.
- `required`: every admin page and the moderators' socket need a session signed in with a code. The one
  exception is the setup page, for staff who have no authenticator yet: a password alone leads there and nowhere
  else, so each person can set theirs up on the first sign-in (a lost phone: a superuser deletes the person's
  device under "TOTP devices", and they set up a new one the same way).

A wrong code counts as a failed sign-in for django-axes, like a wrong password, so guessing codes locks the
username out too; django-otp also slows down guesses against each device on its own.
"""

from __future__ import annotations

import base64
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

OFF, OPTIONAL, REQUIRED = "off", "optional", "required"
DEVICE_NAME = "Authenticator app"


# --- the rules ------------------------------------------------------------------------------------------------

def mode() -> str:
    return settings.EMOCHAT_STAFF_TWO_FACTOR


def code_asked(user) -> bool:
    """Whether signing in needs a code: whenever two-factor is on and the person has an authenticator."""
    return mode() != OFF and user_has_device(user)


def satisfied(user, *, verified: bool) -> bool:
    """Whether a staff session signed in with (`verified`) or without a code may use the admin and the socket."""
    if mode() == OFF or verified:
        return True
    return mode() == OPTIONAL and not user_has_device(user)


def session_verified(user, session) -> bool:
    """Whether `session` was signed in with a code from one of `user`'s confirmed devices (for sockets, which
    have no OTPMiddleware)."""
    device_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    device = Device.from_persistent_id(device_id) if device_id else None
    return device is not None and device.user_id == user.pk and device.confirmed


def session_satisfied(user, session) -> bool:
    return mode() == OFF or satisfied(user, verified=session_verified(user, session))


def request_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)  # set by django_otp's OTPMiddleware
    return is_verified() if is_verified is not None else session_verified(request.user, request.session)


# --- a person's authenticator ----------------------------------------------------------------------------------

def totp_device_pending(*, user) -> TOTPDevice:
    """The device being set up: its secret is shown until a first code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_device_confirm(*, user, device_id: int, token: str) -> TOTPDevice | None:
    """Confirm the pending device with a first code; it replaces the person's other devices. None if the code is
    wrong (which counts towards django-otp's own slowing down of guesses)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        if device is None or not device.verify_is_allowed()[0] or not device.verify_token(token):
            return None
        for other in devices_for_user(user, confirmed=None):
            if other != device:
                other.delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as an SVG data URI: drawn here, so the secret never leaves the server (the admin's
    Content-Security-Policy allows data: images)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


# --- forms -----------------------------------------------------------------------------------------------------

def code_field(label: str, *, required: bool) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=16, widget=forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "off"}))


class StaffAuthenticationForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin's sign-in: the password, then, when code_asked(), a code from the person's authenticator."""

    otp_token = code_field("Authentication code", required=False)
    # Only shown to someone with several devices (a superuser can add more); one device is chosen for them.
    otp_device = forms.CharField(label="Device", required=False, widget=forms.Select)
    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": "Enter the code your authenticator app shows for emochat.",
        "invalid_token": "That code is not right, or has expired. Enter the code the app shows now.",
        "device_required": "Choose the device whose code you entered.",
    }

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        if user is not None and code_asked(user):
            try:
                self.clean_otp(user)
            except ValidationError:
                if cleaned_data.get("otp_token"):
                    # A code given and refused (wrong, or while django-otp slows guesses down) counts for
                    # django-axes like a wrong password; a code forgotten does not.
                    user_login_failed.send(sender=type(self), request=self.request,
                                           credentials={"username": cleaned_data.get("username")})
                raise
        return cleaned_data

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None and not self.cleaned_data.get("otp_device"):
            devices = list(devices_for_user(user, for_verify=True))
            device = devices[0] if len(devices) == 1 else None
        return device

    def _update_form(self, user):
        # django-otp would also render the password back into the page; it is typed again instead.
        self.fields["otp_device"].widget.choices = self.device_choices(user)


class SetupForm(forms.Form):
    code = code_field("Code from the app", required=True)


# --- the admin site --------------------------------------------------------------------------------------------

class StaffAdminSite(admin.AdminSite):
    """Django's admin, with two-factor sign-in as EMOCHAT_STAFF_TWO_FACTOR asks and a page where each staff member
    sets up their own authenticator (admin:two_factor_setup)."""

    index_template = "admin/emochat/index.html"
    # The queue's columns need the width at 1280 px more than a second list of the admin's pages does (the
    # breadcrumbs and the home page lead everywhere).
    enable_nav_sidebar = False

    @property
    def login_form(self):
        return StaffAuthenticationForm if mode() != OFF else None

    @property
    def login_template(self):
        return "admin/emochat/login.html" if mode() != OFF else None

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and satisfied(request.user, verified=request_verified(request))

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if request.method == "GET" and self._may_set_up(request) and not self.has_permission(request):
            return redirect("admin:two_factor_setup")  # signed in with a password, with no authenticator yet
        return super().login(request, extra_context)

    def get_urls(self):
        setup = never_cache(csrf_protect(self.two_factor_setup_view))
        return [path("two-factor/", setup, name="two_factor_setup"), *super().get_urls()]

    def _may_set_up(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return satisfied(user, verified=request_verified(request)) or not user_has_device(user)

    def two_factor_setup_view(self, request: HttpRequest) -> HttpResponse:
        if not self._may_set_up(request):
            return redirect_to_login(request.get_full_path(), reverse("admin:login", current_app=self.name))
        user = request.user
        device = totp_device_pending(user=user)
        form = SetupForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            confirmed = totp_device_confirm(user=user, device_id=device.pk, token=form.cleaned_data["code"])
            if confirmed is not None:
                # The session now counts as signed in with a code; a new key, as for any change of privilege.
                request.session.cycle_key()
                otp_login(request, confirmed)
                messages.success(request, "Two-factor sign-in is set up: from now on, signing in asks for a code "
                                          "from your authenticator app.")
                return redirect("admin:index")
            form.add_error("code", "That code is not right, or has expired. Wait a few seconds, then enter the "
                                   "code the app shows now.")
        key = b32encode(device.bin_key).decode("ascii")
        context = {
            **self.each_context(request),
            "title": "Two-factor sign-in",
            "form": form,
            "mode": mode(),
            "has_device": user_has_device(user),
            "otpauth_uri": device.config_url,
            "qr_code": qr_data_uri(device.config_url),
            "key": " ".join(key[i:i + 4] for i in range(0, len(key), 4)),
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/emochat/two_factor_setup.html", context)

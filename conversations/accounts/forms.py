"""The account pages' forms: email and password, with labels and errors a person can act on."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from conversations.accounts.services import email_normalized


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=150,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("At least 8 characters, not only numbers, and not a common password."))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", _("The two passwords are not the same."))
        return cleaned


class LoginForm(AuthenticationForm):
    """Django's log-in form, asking for the email that names the account."""

    username = forms.CharField(label=_("Email"), max_length=254,
                               widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That email and password don't match an account. Check both and try again."),
    }

    def clean_username(self) -> str:
        return email_normalized(self.cleaned_data["username"])

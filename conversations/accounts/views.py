"""The account pages: sign up, log in, log out, and a password reset by email (Django's auth views). Signing up
or logging in from a browser where the person chatted anonymously adopts what they wrote there (services.py).
Views check, call one service, answer; nothing here ever asks an anonymous visitor to sign up."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth import views as auth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.debug import sensitive_post_parameters

from conversations import identity
from conversations.accounts import services
from conversations.accounts.forms import LoginForm, SignupForm

CHAT = "conversations:chat"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _visitor(request: HttpRequest) -> identity.Owner | None:
    owner = identity.owner_from_request(request)
    return owner if owner is not None and owner.visitor_id is not None else None


def _signed_in(request: HttpRequest, user) -> None:
    """Log in (Django rotates the session key) and drop the visitor id: from now on the account is the owner,
    and after logging out the browser starts afresh as a new visitor."""
    login(request, user, backend=MODEL_BACKEND)
    request.session.pop(identity.VISITOR_KEY, None)


@sensitive_post_parameters("password1", "password2")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(CHAT)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_create(email=form.cleaned_data["email"], password=form.cleaned_data["password1"],
                                           visitor=_visitor(request))
        except services.AccountError as exc:
            form.add_error("password1" if exc.field == "password" else exc.field, exc.detail)
        else:
            _signed_in(request, user)
            return redirect(CHAT)
    return render(request, "conversations/account/signup.html", {"form": form},
                  status=400 if form.errors else 200)


class LoginView(auth.LoginView):
    """Django's log-in (django-axes counts the failures), which also adopts the visitor's conversations."""

    form_class = LoginForm
    template_name = "conversations/account/login.html"
    redirect_authenticated_user = True
    next_page = CHAT

    def form_valid(self, form):
        user = form.get_user()
        visitor = _visitor(self.request)
        if visitor is not None:
            services.visitor_adopt(visitor_id=visitor.visitor_id, user=user)
        _signed_in(self.request, user)
        return redirect(self.get_success_url())


class LogoutView(auth.LogoutView):
    """POST only (Django's): the session is flushed, and the chat page then starts a new anonymous one."""

    next_page = CHAT


class PasswordResetView(auth.PasswordResetView):
    template_name = "conversations/account/password_reset.html"
    email_template_name = "conversations/account/password_reset_email.txt"
    subject_template_name = "conversations/account/password_reset_subject.txt"
    success_url = reverse_lazy("conversations:password-reset-sent")


class PasswordResetDoneView(auth.PasswordResetDoneView):
    template_name = "conversations/account/password_reset_sent.html"


class PasswordResetConfirmView(auth.PasswordResetConfirmView):
    template_name = "conversations/account/password_reset_confirm.html"
    success_url = reverse_lazy("conversations:password-reset-complete")


class PasswordResetCompleteView(auth.PasswordResetCompleteView):
    template_name = "conversations/account/password_reset_complete.html"

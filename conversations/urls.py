from django.urls import path

from conversations.accounts import views as accounts
from conversations.chat import views as chat
from conversations.mood import views as mood
from conversations.privacy import views as privacy

app_name = "conversations"

urlpatterns = [
    path("", chat.chat_page, name="chat"),
    path("helplines/", chat.helplines_view, name="helplines"),
    path("replies/<uuid:message_id>/feedback", chat.reply_feedback, name="reply-feedback"),
    path("mood/", mood.mood_page, name="mood"),
    path("mood/data", mood.mood_data, name="mood-data"),
    path("mood/checkin", mood.checkin_create, name="checkin"),
    path("mood/checkin/due", mood.checkin_due, name="checkin-due"),
    path("privacy/", privacy.privacy_state, name="privacy"),
    path("privacy/consent", privacy.consent_give, name="consent"),
    path("privacy/consent/withdraw", privacy.consent_withdraw, name="consent-withdraw"),
    path("privacy/export", privacy.export, name="export"),
    path("privacy/erase", privacy.erase, name="erase"),
    path("account/signup", accounts.signup, name="signup"),
    path("account/login", accounts.LoginView.as_view(), name="login"),
    path("account/logout", accounts.LogoutView.as_view(), name="logout"),
    path("account/password-reset", accounts.PasswordResetView.as_view(), name="password-reset"),
    path("account/password-reset/sent", accounts.PasswordResetDoneView.as_view(), name="password-reset-sent"),
    path("account/reset/<uidb64>/<token>", accounts.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("account/reset/done", accounts.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
]

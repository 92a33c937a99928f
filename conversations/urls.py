from django.urls import path

from conversations.chat import views as chat
from conversations.privacy import views as privacy

app_name = "conversations"

urlpatterns = [
    path("", chat.chat_page, name="chat"),
    path("helplines/", chat.helplines_view, name="helplines"),
    path("privacy/", privacy.privacy_state, name="privacy"),
    path("privacy/consent", privacy.consent_give, name="consent"),
    path("privacy/consent/withdraw", privacy.consent_withdraw, name="consent-withdraw"),
    path("privacy/export", privacy.export, name="export"),
    path("privacy/erase", privacy.erase, name="erase"),
]

from django.urls import path

from conversations import views

app_name = "conversations"

urlpatterns = [
    path("", views.chat_page, name="chat"),
    path("helplines/", views.helplines_view, name="helplines"),
    path("privacy/", views.privacy_state, name="privacy"),
    path("privacy/consent", views.consent_give, name="consent"),
    path("privacy/consent/withdraw", views.consent_withdraw, name="consent-withdraw"),
    path("privacy/export", views.export, name="export"),
    path("privacy/erase", views.erase, name="erase"),
]

from django.urls import path

from conversations import views

app_name = "conversations"

urlpatterns = [
    path("", views.chat_page, name="chat"),
]

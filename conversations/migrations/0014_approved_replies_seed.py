"""A first set of approved replies, in English and in Simplified Chinese, for the moderation leads to change or
withdraw (conversations/moderation/canned_admin.py). Each Chinese one was written in Chinese, not translated, and
speaks to the person as 你. Undoing this deletes them by title."""

from django.db import migrations

REPLIES = [
    ("en", "Introduce yourself",
     "Hi, I'm one of the people on the support team here. I've read what you wrote, and I'm really glad you "
     "reached out. I'm here with you now."),
    ("en", "Are you safe right now?",
     "Before anything else, I want to check in with you: are you safe right now? Whatever the answer is, it's okay "
     "to tell me honestly."),
    ("en", "Helplines",
     "If you'd like to talk to someone by phone as well, a crisis line can help at any hour. \"Get help now\" at the "
     "top of your screen shows the helplines for your country. If you are in danger right now, please call your "
     "local emergency number."),
    ("en", "I'll stay with you",
     "I'm not going anywhere. Take all the time you need; I'll stay right here with you while we talk."),
    ("zh", "自我介绍",
     "你好，我是这里支持团队的一员。你写的话我都看到了，谢谢你愿意说出来。现在我在这里陪着你。"),
    ("zh", "问问你现在是否安全",
     "我想先问一下：你现在安全吗？不管是什么情况，都可以如实告诉我。"),
    ("zh", "求助热线",
     "如果你也想打电话和人聊聊，心理援助热线随时都有人接听。点屏幕上方的“立即求助”，就能看到你所在地区的热线。"
     "如果你现在就有危险，请马上拨打当地的紧急电话。"),
    ("zh", "我会一直陪着你",
     "我不会走开的。慢慢来，不用着急，我们聊的时候我会一直在这里陪着你。"),
]


def replies_add(apps, schema_editor) -> None:
    CannedReply = apps.get_model("conversations", "CannedReply")
    CannedReply.objects.using(schema_editor.connection.alias).bulk_create(
        CannedReply(language=language, title=title, text=text) for language, title, text in REPLIES)


def replies_remove(apps, schema_editor) -> None:
    CannedReply = apps.get_model("conversations", "CannedReply")
    CannedReply.objects.using(schema_editor.connection.alias).filter(
        title__in=[title for _, title, _ in REPLIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("conversations", "0013_team_shifts_and_approved_replies")]

    operations = [migrations.RunPython(replies_add, replies_remove)]

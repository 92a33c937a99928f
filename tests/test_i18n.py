"""Languages on the server side: the templates, forms, e-mails and privacy notice in English and Simplified
Chinese, chosen from the browser's language or the person's own choice (a cookie the switch sets).

The catalogue is checked for completeness, the compiled file for matching it, and every page is rendered in the
pseudo-locale (tests/pseudo_locale.py), where any English word left shows text that skipped the translations.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import polib
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import translation

from conversations.accounts import services as accounts
from conversations.mood import selectors as mood
from conversations.mood.summary import Week, week_summary
from tests import pseudo_locale

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "keys"])

COMPILED = pseudo_locale.SOURCE.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|<[^>]+>")
PAGES = ["/", "/mood/", "/account/login", "/account/signup", "/account/password-reset",
         "/account/password-reset/sent", "/account/reset/done", "/account/reset/MQ/not-a-token"]
# Words that are the same in every language: the name, and each language's own name on the switch.
NAMES = {"emochat", "English"}


class _Text(HTMLParser):
    """The words a person sees or hears on a page: text, titles, labels, placeholders."""

    def __init__(self):
        super().__init__()
        self.words: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._hidden += 1
        self.words += [value for name, value in attrs if name in {"title", "aria-label", "placeholder", "alt"}]

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.words.append(data.strip())


def _translations(entry) -> list[str]:
    return [entry.msgstr_plural[form] for form in sorted(entry.msgstr_plural)] if entry.msgid_plural \
        else [entry.msgstr]


def english_left(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [text for text in parser.words
            if any(word not in NAMES for word in pseudo_locale.ENGLISH_WORD.findall(text))]


def test_every_string_is_translated_into_chinese_with_its_placeholders():
    catalogue = polib.pofile(str(pseudo_locale.SOURCE))

    assert len(catalogue) >= 60
    assert catalogue.untranslated_entries() == [] and catalogue.fuzzy_entries() == []
    for entry in catalogue:
        for translated in _translations(entry):
            assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(entry.msgid)), entry.msgid
            assert re.search(r"[\u4e00-\u9fff]", translated), entry.msgid


def test_the_compiled_catalogue_is_the_translations_as_they_stand():
    """`make messages` compiles locale/*.po; a .po changed without it would ship the old words."""
    source = {(e.msgctxt, e.msgid): _translations(e) for e in polib.pofile(str(pseudo_locale.SOURCE)) if not e.obsolete}
    compiled = {(e.msgctxt, e.msgid): _translations(e) for e in polib.mofile(str(COMPILED)) if e.msgid}

    assert compiled == source


@pytest.mark.parametrize("path", PAGES)
def test_no_page_shows_text_that_skipped_the_translations(path):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = pseudo_locale.CODE

    response = client.get(path, follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{pseudo_locale.CODE}">' in html and pseudo_locale.OPEN in html
    assert english_left(html) == []


def test_the_busy_page_and_the_reset_email_skip_no_translation():
    request = RequestFactory().get("/")
    with translation.override(pseudo_locale.CODE):
        busy = render_to_string("conversations/busy.html", {"resources": []}, request=request)
        email = render_to_string("conversations/account/password_reset_email.txt",
                                 {"email": "sam@example.org", "protocol": "https", "domain": "example.org",
                                  "uid": "MQ", "token": "set-token"})
        subject = render_to_string("conversations/account/password_reset_subject.txt")

    assert english_left(busy) == []
    assert pseudo_locale.OPEN in subject and not pseudo_locale.ENGLISH_WORD.search(subject.replace("emochat", ""))
    lines = [line for line in email.splitlines() if line.strip() and "://" not in line]
    assert lines and all(pseudo_locale.OPEN in line for line in lines)


def test_a_chinese_browser_gets_the_page_and_the_notice_in_chinese():
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")

    page = client.get("/").content.decode()
    notice = client.get("/privacy/").json()["notice"]

    assert '<html lang="zh-hans">' in page and "一个安静的地方，说说你的心事。" in page and "快速离开" in page
    assert notice["title"] == "开始之前" and all(re.search(r"[\u4e00-\u9fff]", p) for p in notice["paragraphs"])
    assert [p["label"].startswith(("加密保存", "使用我")) for p in notice["purposes"]] == [True, True]
    # The same notice, whatever its language: agreeing to it in Chinese agrees to the version everyone sees.
    english = Client()
    english.get("/")
    assert notice["version"] == english.get("/privacy/").json()["notice"]["version"]


def test_the_switch_remembers_the_choice_over_the_browser_language():
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN", enforce_csrf_checks=True)
    page = client.get("/").content.decode()
    assert 'name="language" value="en"' in page and 'value="zh-hans"' not in page  # only the other language

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/",
                                              "csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    assert (switched.status_code, switched["Location"]) == (302, "/")
    cookie = client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE and cookie["httponly"]
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page and "A quiet place to say what's on your mind." in page
    assert 'name="language" value="zh-hans"' in page and ">简体中文<" in page


def test_a_switch_to_a_language_emochat_does_not_speak_changes_nothing():
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")

    client.post("/i18n/setlang/", {"language": "tlh", "next": "/"})

    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_account_forms_and_the_reset_email_speak_the_persons_language(mailoutbox):
    accounts.account_create(email="lin@example.org", password="a quiet harbour at dusk", visitor=None)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")

    refused = client.post("/account/signup", {"email": "lin@example.org", "password1": "x", "password2": "y"})
    client.post("/account/password-reset", {"email": "lin@example.org"})

    html = refused.content.decode()
    assert refused.status_code == 400 and "两次输入的密码不一样。" in html and "请修改下面标出的地方。" in html
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "重设你的 emochat 密码" and "要设置新密码，请打开这个链接：" in mailoutbox[0].body


def test_the_mood_summary_and_check_in_answers_are_written_in_chinese():
    week = Week(readings=4, positive=0, negative=4, feelings=(("sadness", 3), ("nervousness", 1)), checkins=(2, 2, 4))

    with translation.override("zh-hans"):
        sentences = week_summary(week, Week())
        answers = [str(choice["label"]) for choice in mood.checkin_choices()]

    assert sentences == ["这个星期，最常出现的感受是“难过”和“紧张”。", "总的来说，你的日子偏沉重一些，请对自己温柔一些。",
                         "你打卡了 3 次，最常说自己感觉有点低落。"]
    assert answers == ["很低落", "有点低落", "还行", "不错", "很好"]

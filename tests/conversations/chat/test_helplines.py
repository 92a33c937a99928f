"""Helplines: every country the page offers has someone to call now, and a person's country is read from their
choice or their browser's language, never guessed from where they connect."""

from __future__ import annotations

import pytest

from conversations.chat import helplines

REQUIRED = {"US", "GB", "CA", "AU", "IE", "IN", "CN", "HK", "TW", "SG", "DE", "FR", "ES", "INTL"}


def test_the_data_file_covers_every_required_country_with_a_way_to_reach_someone():
    directory = helplines.directory()

    assert REQUIRED <= set(directory)
    for code, country in directory.items():
        assert country.helplines, code
        for line in country.helplines:
            assert line.name and (line.phone or line.sms or line.url), (code, line.name)
            assert line.hours, (code, line.name)
            assert line.url is None or line.url.startswith(("https://", "http://")), (code, line.name)
        assert country.emergency, code


@pytest.mark.parametrize("code", sorted(helplines.directory()))
def test_every_country_and_the_international_list_offer_a_number_to_call(code):
    assert any(resource["phone"] for resource in helplines.resources(code)), code


@pytest.mark.parametrize(("choice", "accept_language", "expected"), [
    ("gb", None, "GB"),
    ("GB", "de-DE", "GB"),  # the person's own choice wins
    ("XX", "en-AU,en;q=0.9", "AU"),  # an unknown choice falls through to the browser
    (None, "en-US,en;q=0.9", "US"),
    (None, "fr-CA,fr;q=0.9", "CA"),
    (None, "zh-CN,zh;q=0.9", "CN"),
    (None, "zh-Hant", "TW"),
    (None, "zh-Hant-HK", "HK"),
    (None, "de", "DE"),
    (None, "en", "INTL"),  # English says nothing of where someone is
    (None, "pt-BR", "INTL"),
    (None, "en;q=0.1, es-ES;q=0.8", "ES"),  # by preference, not order
    (None, "", "INTL"),
    (None, "!!!,;;q=x", "INTL"),
])
def test_the_country_comes_from_the_choice_then_the_browser_language(choice, accept_language, expected):
    assert helplines.country_code(choice, accept_language) == expected


def test_the_emergency_number_comes_first_only_when_life_is_in_danger_now():
    ordinary = helplines.resources("GB", level="ideation")
    imminent = helplines.resources("GB", level="imminent")

    assert ordinary[0]["name"] == "Samaritans" and ordinary[-1]["phone"] == "999"
    assert imminent[0] == {**ordinary[-1]}
    assert {tuple(sorted(r)) for r in imminent} == {("country", "hours", "name", "phone", "sms", "sms_body", "url")}


def test_the_page_can_ask_for_any_country_without_a_session(client):
    response = client.get("/helplines/?country=au", HTTP_ACCEPT_LANGUAGE="de-DE")
    fallback = client.get("/helplines/")

    assert response.status_code == 200
    body = response.json()
    assert body["country"] == "AU"
    assert body["resources"][0]["name"] == "Lifeline"
    assert body["countries"][-1] == {"code": "INTL", "name": "Another country"}
    assert {c["code"] for c in body["countries"]} == set(helplines.directory())
    assert fallback.json()["country"] == "INTL"
    assert fallback.json()["resources"][0]["url"] == "https://findahelpline.com"

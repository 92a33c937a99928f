"""The page a visitor opens."""

import pytest


@pytest.mark.django_db
def test_page_gives_a_session_cookie_and_loads_the_bundle(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "sessionid" in response.cookies
    html = response.content.decode()
    assert '<script type="module" src="/static/app/chat.js">' in html
    assert 'id="app"' in html


def test_the_compiled_bundle_is_served(client):
    response = client.get("/static/app/chat.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")

"""The opt-out portal in the visitor's language, against a real service: `?lang=` wins over
the browser's Accept-Language, the form posts back in its language, Arabic is right to left,
an unknown language gets English, and the shipped texts are complete in every language."""

import re
import string
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from depiction.errors import DataError
from depiction.registry.store import OptoutStore
from depiction.service.portal import PHOTO_LIMIT
from depiction.service.portal_languages import (
    PLACEHOLDERS,
    load_portal_languages,
    portal_languages,
    preferred_languages,
)

from ..conftest import created
from .conftest import running_service

MESSAGES = Path(__file__).parents[2] / "src" / "depiction" / "data" / "portal" / "messages.yaml"
LANGUAGES = {"en", "zh", "es", "fr", "de", "pt", "it", "ru", "ja", "ko", "ar", "hi"}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A running service and its registry's URL."""
    folder = tmp_path_factory.mktemp("portal-languages")
    url = created(f"sqlite:///{folder / 'registry.db'}")
    environment = {"DEPICTION_DATABASE_URL": url, "DEPICTION_PORTAL_SUBMISSIONS_PER_HOUR": "100"}
    with running_service(folder, **environment) as base:
        yield base, url


def send(
    client: httpx.Client, fields: dict[str, str], query: str = "", **headers: str
) -> httpx.Response:
    """Open the form (`/optout` + `query`) as a browser would and submit it to its own action."""
    form = client.get(f"/optout{query}", headers=headers).text
    action = re.search(r'<form method="post" action="([^"]+)"', form)
    assert action, form
    token = client.cookies["depiction_csrf"]
    return client.post(action[1], data={"csrf_token": token, **fields}, headers=headers)


def language(page: httpx.Response) -> str:
    found = re.search(r"<html lang='([a-z]+)'", page.text)
    assert found, page.text
    return found[1]


def test_the_form_is_in_french_for_a_french_browser(service: tuple[str, str]) -> None:
    base, _ = service
    page = httpx.get(f"{base}/optout", headers={"accept-language": "fr-CH, fr;q=0.9, en;q=0.8"})
    assert language(page) == "fr" and page.headers["content-language"] == "fr"
    assert "accept-language" in page.headers["vary"].lower()
    assert "<title>Demander qu&#x27;aucune image de vous ne soit générée</title>" in page.text
    assert "Votre nom" in page.text and "Envoyer la demande" in page.text
    assert 'action="/optout?lang=fr"' in page.text
    assert "Your name" not in page.text


def test_arabic_is_right_to_left(service: tuple[str, str]) -> None:
    base, _ = service
    page = httpx.get(f"{base}/optout", headers={"accept-language": "ar-EG,ar;q=0.9"})
    assert "<html lang='ar' dir='rtl'>" in page.text
    assert "طلب عدم توليد صور لك" in page.text and "إرسال الطلب" in page.text
    english = httpx.get(f"{base}/optout").text
    assert "<html lang='en'>" in english and "العربية</a>" in english  # the switcher only


def test_the_query_parameter_wins_over_the_header_and_the_switcher_links_every_language(
    service: tuple[str, str],
) -> None:
    base, _ = service
    page = httpx.get(f"{base}/optout?lang=ja", headers={"accept-language": "fr, de;q=0.5"})
    assert language(page) == "ja"
    assert "お名前" in page.text and 'action="/optout?lang=ja"' in page.text
    linked = set(re.findall(r"<a href='/optout\?lang=([a-z]+)' hreflang='\1'", page.text))
    assert linked == LANGUAGES
    assert "lang='ja' aria-current='page'>日本語</a>" in page.text
    assert language(httpx.get(f"{base}/optout?lang=pt-BR")) == "pt"
    assert language(httpx.get(f"{base}/optout", headers={"accept-language": "zh-Hant"})) == "zh"


def test_a_missing_name_is_answered_in_german_and_nothing_is_stored(
    service: tuple[str, str],
) -> None:
    base, url = service
    with httpx.Client(base_url=base) as client:  # the language is chosen on the form page only
        reply = send(
            client,
            {"name": "", "contact": "k@example.org", "aliases": "x" * 2001},
            "?lang=de",
        )
    assert reply.status_code == 400 and language(reply) == "de"
    assert "<h1>Bitte prüfen Sie das Formular</h1>" in reply.text
    assert "<li>Bitte geben Sie Ihren Namen an.</li>" in reply.text
    assert "<li>Die weiteren Namen sind zu lang (insgesamt höchstens 2000 Zeichen).</li>" in (
        reply.text
    )
    assert "<a href='/optout?lang=de'>Zurück zum Formular</a>" in reply.text
    assert OptoutStore(url).entries("pending") == []


def test_the_confirmation_is_in_hindi_and_the_same_for_a_registered_name(
    service: tuple[str, str],
) -> None:
    base, url = service
    OptoutStore(url).add("Ravi Registered", actor="admin")
    hindi = {"accept-language": "hi-IN,hi;q=0.9,en;q=0.8"}
    with httpx.Client(base_url=base) as client:
        new = send(client, {"name": "Asha Portal", "contact": "a@example.org"}, **hindi)
        known = send(client, {"name": "Ravi Registered", "contact": "r@example.org"}, **hindi)
    assert new.status_code == known.status_code == 200 and language(new) == "hi"
    assert "<h1 id='confirmation'>अनुरोध मिल गया</h1>" in new.text
    assert new.text == known.text
    assert "Asha Portal" in {p.display_name for p in OptoutStore(url).entries("pending")}


def test_errors_before_the_form_is_read_are_in_the_visitors_language(
    service: tuple[str, str],
) -> None:
    base, _ = service
    expired = httpx.post(
        f"{base}/optout", data={"csrf_token": "forged"}, headers={"accept-language": "ru"}
    )
    assert expired.status_code == 403 and language(expired) == "ru"
    assert "Форма устарела" in expired.text and "/optout?lang=ru" in expired.text
    with httpx.Client(base_url=base) as client:
        client.get("/optout?lang=ko")
        too_big = client.post(
            "/optout?lang=ko",
            data={
                "csrf_token": client.cookies["depiction_csrf"],
                "name": "Big Photo",
                "contact": "b@example.org",
            },
            files={"photo": ("me.jpg", b"\xff" * (PHOTO_LIMIT + 1), "image/jpeg")},
        )
    assert too_big.status_code == 400 and language(too_big) == "ko"
    assert "<li>사진이 10MB를 넘습니다.</li>" in too_big.text


def test_an_unknown_language_gets_english_and_is_never_echoed(service: tuple[str, str]) -> None:
    base, _ = service
    page = httpx.get(
        f"{base}/optout?lang=%3Cscript%3Exx",
        headers={"accept-language": "tlh, x-klingon;q=0.9, *;q=0.5"},
    )
    assert language(page) == "en" and "<title>Ask not to be depicted</title>" in page.text
    assert "<script>" not in page.text and "tlh" not in page.text
    assert 'action="/optout?lang=en"' in page.text


def test_accept_language_is_ranked_by_quality() -> None:
    assert preferred_languages("de;q=0.5, ja, fr;q=0.9") == ["ja", "fr", "de"]
    assert preferred_languages("es;q=0.8, it;q=0.8") == ["es", "it"]  # ties keep the order
    assert preferred_languages("ru;q=0, en;q=0.1") == ["en"]  # q=0: not this one
    assert preferred_languages("ko;q=2, hi;q=abc, ar;q=0.5") == ["ar"]  # malformed: dropped
    assert preferred_languages("*, zh-Hant-TW;q=0.3, pt_BR;q=0.2") == ["zh", "pt"]
    assert preferred_languages("") == []


def test_every_key_has_a_text_in_every_language() -> None:
    table = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))
    for key, by_lang in table.items():
        assert set(by_lang) == LANGUAGES, f"{key}: {sorted(LANGUAGES ^ set(by_lang))}"
        for lang, text in by_lang.items():
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
            assert names == PLACEHOLDERS.get(key, set()), f"{key}.{lang}"
    assert set(portal_languages().texts) == LANGUAGES


def test_a_missing_translation_stops_the_load_and_is_named(tmp_path: Path) -> None:
    table = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))
    del table["submit"]["ko"]
    table["received_body"]["fr"] = "Merci {name}."
    del table["back"]
    broken = tmp_path / "messages.yaml"
    broken.write_text(yaml.safe_dump(table, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load_portal_languages(broken)
    message = str(raised.value)
    assert "key 'submit' has no text in ko" in message
    assert "received_body.fr: uses ['name'], must use no placeholder" in message
    assert "key 'back' is missing" in message

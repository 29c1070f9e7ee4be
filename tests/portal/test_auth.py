import re

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories as f

LOGIN = "/portail/"


def login(client, identifiant, password=f.PASSWORD, url=LOGIN):
    return client.post(url, {"username": identifiant, "password": password})


def test_login_page_has_the_guides_fields(client, db):
    response = client.get(LOGIN)
    html = response.content.decode()
    for text in ["Identifiant", "Mot de passe", "Connexion", "Mot de passe oublié ?"]:
        assert text in html


@pytest.mark.parametrize("identifiant", ["alice@example.org", "381623867924"])
def test_a_parent_logs_in_by_email_or_numero_famille(client, world, identifiant):
    response = login(client, identifiant)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:accueil")
    assert client.get(reverse("portal:accueil")).status_code == 200


def test_a_wrong_password_says_so_in_french(client, world):
    response = login(client, "alice@example.org", "mauvais")
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in response.content.decode()


def test_portail_sends_a_logged_in_parent_to_accueil(alice_client):
    response = alice_client.get(LOGIN)
    assert response.status_code == 302 and response["Location"] == reverse("portal:accueil")


def test_an_agent_logging_in_at_portail_goes_to_the_back_office(client, world):
    response = login(client, "agent.chatte@example.org")
    assert response["Location"] == "/gestion/"


def test_an_agent_asking_a_parent_page_is_sent_to_the_back_office(agent_client):
    response = agent_client.get(reverse("portal:accueil"))
    assert response.status_code == 302 and response["Location"] == "/gestion/"


def test_logout_needs_a_post_and_ends_the_session(alice_client):
    assert alice_client.get(reverse("portal:logout")).status_code == 405
    response = alice_client.post(reverse("portal:logout"))
    assert response.status_code == 302
    assert alice_client.get(reverse("portal:accueil")).status_code == 302


def test_lockout_after_repeated_failures_with_a_french_message(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "alice@example.org", "mauvais").status_code == 200
    response = login(client, "alice@example.org", "mauvais")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Trop de tentatives" in html
    assert re.search(r"réessayez dans 15\s+minutes", html)
    # Even the right password is refused while locked…
    assert login(client, "alice@example.org").status_code == 429
    # …but another identifiant from the same address is not locked (shared networks).
    assert login(client, "bob@example.org").status_code == 302


def test_reset_answers_the_same_whether_the_account_exists_or_not(client, world):
    url = reverse("portal:password_reset")
    known = client.post(url, {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]
    unknown = client.post(url, {"email": "personne@example.org"})
    assert len(mail.outbox) == 1
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    done = client.get(known["Location"]).content.decode()
    assert "Si un compte correspond à cet identifiant" in done


def test_reset_by_numero_famille_and_the_link_sets_a_new_password(client, world):
    client.post(reverse("portal:password_reset"), {"email": "381623867924"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/portail/reinitialiser/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session one
    response = client.post(form_url, {"new_password1": "Nouveau-mot-2026!", "new_password2": "Nouveau-mot-2026!"})
    assert response["Location"] == reverse("portal:password_reset_complete")
    assert login(client, "alice@example.org", "Nouveau-mot-2026!").status_code == 302


def test_change_password(alice_client):
    url = reverse("portal:password_change")
    page = alice_client.get(url).content.decode()
    assert "Changer mot de passe" in page
    response = alice_client.post(
        url,
        {"old_password": f.PASSWORD, "new_password1": "Encore-un-autre-2026", "new_password2": "Encore-un-autre-2026"},
    )
    assert response["Location"] == reverse("portal:password_change_done")
    alice_client.post(reverse("portal:logout"))
    assert login(alice_client, "alice@example.org", "Encore-un-autre-2026").status_code == 302

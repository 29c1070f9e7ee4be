from marelle.families.auth import IdentifiantBackend
from tests import factories as f


def test_email_is_an_identifiant_case_insensitively(world):
    assert (
        IdentifiantBackend().authenticate(None, username="ALICE@example.org", password=f.PASSWORD) == world.alice.user
    )


def test_numero_famille_is_an_identifiant_even_with_spaces(world):
    assert IdentifiantBackend().authenticate(None, username="381 623 867 924", password=f.PASSWORD) == world.alice.user


def test_separated_parents_log_in_with_their_email_not_the_shared_numero(world):
    # Checking each parent's password would take one hash per parent: the response time would
    # tell how many logins a numéro has. A shared numéro logs in nobody; each uses their email.
    other = f.ResponsableFactory(famille=world.famille, user__username="paul@example.org")
    other.user.set_password("Un-autre-mot-de-passe-2026")
    other.user.save()
    assert IdentifiantBackend().authenticate(None, username=world.famille.numero, password=f.PASSWORD) is None
    assert (
        IdentifiantBackend().authenticate(None, username="paul@example.org", password="Un-autre-mot-de-passe-2026")
        == other.user
    )


def test_wrong_password_unknown_account_and_inactive_user_are_refused(world):
    assert IdentifiantBackend().authenticate(None, username="alice@example.org", password="faux") is None
    assert IdentifiantBackend().authenticate(None, username="personne@example.org", password=f.PASSWORD) is None
    assert IdentifiantBackend().authenticate(None, username="000000000", password=f.PASSWORD) is None
    world.alice.user.is_active = False
    world.alice.user.save()
    assert IdentifiantBackend().authenticate(None, username="alice@example.org", password=f.PASSWORD) is None

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management import call_command

from marelle.families.models import Famille
from marelle.planning.models import DeadlineRule, Inscription, PlanningDefaults, Service
from marelle.territory.models import Closure, Commune


def test_load_demo_twice_and_reset(db, capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "ztest@example.org" in first and "marelle-demo" in first and "http://127.0.0.1:" in first
    counts = (Famille.objects.count(), Inscription.objects.count(), Closure.objects.count())
    call_command("load_demo")
    assert "déjà présentes" in capsys.readouterr().out
    assert (Famille.objects.count(), Inscription.objects.count(), Closure.objects.count()) == counts
    call_command("load_demo", reset=True)
    assert (Famille.objects.count(), Inscription.objects.count(), Closure.objects.count()) == counts


def test_demo_matches_the_guide(db):
    call_command("load_demo")
    assert Commune.objects.count() == 17
    soon = set(Commune.objects.filter(status=Commune.Status.SOON).values_list("name", flat=True))
    assert soon == {"La Sône", "Montagne", "Saint-Lattier"}
    own = Commune.objects.get(status=Commune.Status.OWN_PORTAL)
    assert own.name == "Saint-Marcellin" and "saint-marcellin.fr/mes-demarches/portail-famille" in own.own_portal_url
    assert len(set(Commune.objects.values_list("colour", flat=True))) == 17

    ztest = Famille.objects.get(numero="381623867924")
    pays = ztest.responsables.get()
    assert (pays.civilite, pays.nom, pays.prenom, pays.user.email) == ("Mme", "ZTEST", "PAYS", "ztest@example.org")
    child = ztest.enfants.get()
    assert (child.nom, child.prenom, child.birth_date) == ("ZTEST", "COMMUNE", dt.date(2016, 1, 1))
    names = set(Inscription.objects.filter(enfant=child).values_list("service__name", flat=True))
    assert names == {"GARDERIE MATIN", "GARDERIE MIDI", "GARDERIE SOIR", "RESTAURATION"}

    for slug in ["chatte", "saint-antoine-labbaye"]:
        services = {s.name: s for s in Service.objects.filter(etablissement__commune__slug=slug)}
        assert services["GARDERIE MATIN"].capacity == 30 and services["GARDERIE MATIN"].tracks_times
        assert services["GARDERIE MATIN"].booking_mode == "automatic"
        assert services["RESTAURATION"].booking_mode == "validation" and services["RESTAURATION"].capacity == 60
        defaults = PlanningDefaults.objects.get(commune__slug=slug)
        assert (defaults.booking_rule.kind, defaults.booking_rule.days) == (DeadlineRule.Kind.CALENDAR_DAYS, 2)
        assert Closure.objects.filter(commune__slug=slug, day_type__code="F", label="Noël").exists()
        assert Closure.objects.filter(commune__slug=slug, day_type__code="P", label="Vacances d'hiver").exists()

    # Separated parents, each with their own login, paying different services.
    martin = Famille.objects.get(numero="381600000102")
    payers = set(Inscription.objects.filter(enfant__famille=martin).values_list("responsable__user__email", flat=True))
    assert payers == {"julien.martin@example.org", "sophie.bernard@example.org"}


def test_demo_logins_work(client, db):
    call_command("load_demo")
    for identifiant in ["ztest@example.org", "381623867924", "sophie.bernard@example.org"]:
        response = client.post("/portail/", {"username": identifiant, "password": "marelle-demo"})
        assert response["Location"] == "/portail/accueil/", identifiant
        client.post("/portail/deconnexion/")
    response = client.post("/portail/", {"username": "agent.chatte@example.org", "password": "marelle-demo"})
    assert response["Location"] == "/gestion/"
    assert get_user_model().objects.get(username="admin@example.org").is_superuser


def test_demo_has_documents_and_a_family_question_waiting_for_the_commune(db, client):
    from marelle.documents.models import PublishedDocument
    from marelle.messaging.models import Message

    call_command("load_demo")
    chatte = Commune.objects.get(slug="chatte")
    documents = PublishedDocument.objects.filter(commune=chatte)
    assert set(documents.values_list("kind", flat=True)) == {"menu", "reglement", "tarifs"}
    for document in documents:
        with document.file.open("rb") as stored:
            assert stored.read(5) == b"%PDF-"
    question = Message.objects.get(famille__numero="381623867924", from_commune=False)
    assert question.handled_at is None and question.thread_id is None
    client.force_login(get_user_model().objects.get(username="agent.chatte@example.org"))
    assert "Sortie scolaire du vendredi" in client.get("/gestion/messagerie/").content.decode()


def test_demo_regies_price_every_service_and_the_agent_can_preview_and_issue(db, client):
    from marelle.billing.models import Regie, ServiceBilling
    from marelle.billing.services.runs import invoice_run_preview

    call_command("load_demo")
    for regie in Regie.objects.all():
        preview = invoice_run_preview(regie=regie, month=dt.date(2026, 12, 1))
        assert preview.missing_tarifs == []
    assert (
        ServiceBilling.objects.count()
        == Service.objects.filter(etablissement__commune__slug__in=["chatte", "saint-antoine-labbaye"]).count()
    )
    chatte = Regie.objects.get(commune__slug="chatte")
    preview = invoice_run_preview(regie=chatte, month=dt.date(2026, 12, 1))
    assert any(d.famille.numero == "381623867924" and d.total > 0 for d in preview.invoices)
    agent = get_user_model().objects.get(username="agent.chatte@example.org")
    assert agent.has_perm("billing.issue_invoices")


def test_demo_last_month_is_invoiced_and_ztest_owes_an_invoice_payable_online(db):
    import time_machine

    from marelle.billing.models import Facture, InvoiceRun, SepaMandat
    from marelle.billing.selectors import unpaid_invoices

    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        call_command("load_demo")
    run = InvoiceRun.objects.get(regie__commune__slug="chatte", month=dt.date(2026, 11, 1))
    assert run.invoice_count >= 2 and Facture.objects.filter(run=run).count() == run.invoice_count
    ztest = Famille.objects.get(numero="381623867924")
    (owed,) = unpaid_invoices(ztest)
    assert owed.remaining > 0 and owed.pdf
    assert SepaMandat.objects.filter(responsable__famille__numero="381600000102").exists()

import datetime as dt

import pytest
from django.urls import reverse

from marelle.planning.models import CellState
from tests import factories as f

pytestmark = pytest.mark.usefixtures("frozen")


def url(enfant, **params):
    base = reverse("portal:planning", args=[enfant.pk])
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{base}?{query}" if query else base


def test_grid_is_a_table_with_headers_legend_and_named_cells(alice_client, world, garderie):
    f.CellFactory(enfant=world.enfant, service=garderie, date=dt.date(2026, 12, 11), state=CellState.BOOKED)
    response = alice_client.get(url(world.enfant, mois="2026-12"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption" in html and "Décembre 2026" in html
    assert '<th scope="col" class="col-service">Structure</th>' in html
    assert '<th scope="row" class="col-service">GARDERIE MATIN' in html
    assert 'Ma</span> <span class="d-num">01' in html and 'Je</span> <span class="d-num">31' in html
    for label in [
        "Réservé",
        "Demande en attente",
        "Réservation refusée",
        "Liste d&#x27;attente",
        "Absent excusé",
        "Absence en cours de traitement",
        "Absent facturé",
        "Présent",
        "Heure hors contrat régulier",
        "Erreur",
        "Congé parental",
        "Fermeture",
    ]:
        assert label in html, label
    assert (
        'aria-label="GARDERIE MATIN, vendredi 11 décembre 2026 : Réservé — absence sans frais jusqu&#x27;au '
        'mercredi 9 décembre à 23:59"' in html
    )
    assert "GARDERIE MATIN, lundi 7 décembre 2026 : Libre — réservable jusqu&#x27;au samedi 5 décembre à 23:59" in html
    for text in [
        "Mois précédent",
        "Mois en cours",
        "Mois suivant",
        "Établissements",
        "Pointage arrivée ou départ manquant",
    ]:
        assert text in html
    # The child card of H1's page is above the grid.
    assert "381623867924" in html


def test_a_cells_name_holds_the_letters_it_shows(alice_client, world, garderie):
    """Voice control: a parent says the "AE" they see (WCAG 2.5.3); a symbol such as ✓ is not read."""
    f.CellFactory(enfant=world.enfant, service=garderie, date=dt.date(2026, 12, 11), state=CellState.ABSENCE_EXCUSED)
    f.CellFactory(enfant=world.enfant, service=garderie, date=dt.date(2026, 12, 14), state=CellState.BOOKED)
    html = alice_client.get(url(world.enfant, mois="2026-12")).content.decode()
    assert 'aria-label="GARDERIE MATIN, vendredi 11 décembre 2026 : Absent excusé (AE)' in html
    assert "lundi 14 décembre 2026 : Réservé — " in html and "(✓)" not in html


def test_the_week_buttons_say_1er(alice_client, world, garderie):
    html = alice_client.get(url(world.enfant, mois="2026-12")).content.decode()
    assert ">Semaine du 1er décembre</button>" in html and "Semaine du 1 décembre" not in html


def test_the_cached_day_headers_follow_today_and_the_language(alice_client, world, garderie, frozen):
    """The day headers are rendered once per month, day and language (the "fragments" cache):
    tomorrow's page frames tomorrow, and the English page has English days."""

    def today_header(**headers):
        html = alice_client.get(url(world.enfant, mois="2026-12"), **headers).content.decode()
        thead = html.split('class="planning__grid"', 1)[1].split("</thead>", 1)[0]
        return thead.split('aria-current="date"', 1)[1].split("</th>", 1)[0]

    first = today_header()
    frozen.shift(dt.timedelta(hours=15))  # 10:00 → 01:00 the next day, well within the cache's life
    second = today_header()
    assert first != second and "décembre" in second
    assert "December" in today_header(HTTP_ACCEPT_LANGUAGE="en")


def test_closed_days_show_their_letter(alice_client, world, garderie):
    day_type = f.DayTypeFactory(commune=world.commune, code="P", label="Vacances scolaires")
    f.ClosureFactory(
        commune=world.commune,
        day_type=day_type,
        start_date=dt.date(2026, 12, 21),
        end_date=dt.date(2026, 12, 31),
        label="Vacances de Noël",
    )
    html = alice_client.get(url(world.enfant, mois="2026-12")).content.decode()
    assert "GARDERIE MATIN, lundi 21 décembre 2026 : Vacances scolaires — Vacances de Noël" in html
    assert '<span aria-hidden="true">P</span>' in html


def test_month_navigation_and_bad_month_falls_back(alice_client, world, garderie):
    html = alice_client.get(url(world.enfant, mois="2027-02")).content.decode()
    assert "Février 2027" in html and "mois=2027-01" in html and "mois=2027-03" in html
    assert "Décembre 2026" in alice_client.get(url(world.enfant, mois="nonsense")).content.decode()


def test_service_filter(alice_client, world, garderie, cantine):
    html = alice_client.get(url(world.enfant, mois="2026-12", service=cantine.pk)).content.decode()
    assert '<th scope="row" class="col-service">RESTAURATION' in html
    assert '<th scope="row" class="col-service">GARDERIE MATIN' not in html


def test_missing_attendance_filter_keeps_rows_with_errors(alice_client, world, garderie, cantine):
    f.CellFactory(enfant=world.enfant, service=cantine, date=dt.date(2026, 12, 1), state=CellState.ERROR)
    html = alice_client.get(url(world.enfant, mois="2026-12", pointage=1)).content.decode()
    assert '<th scope="row" class="col-service">RESTAURATION' in html
    assert '<th scope="row" class="col-service">GARDERIE MATIN' not in html


def test_another_familys_child_is_404(alice_client, world):
    assert alice_client.get(url(world.other_enfant)).status_code == 404


def test_logged_out_goes_to_login(client, world):
    response = client.get(url(world.enfant))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def enrol(world, n):
    for i in range(n):
        service = f.ServiceFactory(etablissement=world.etablissement, name=f"S{i}", position=i)
        f.InscriptionFactory(
            enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice
        )
        f.CellFactory(enfant=world.enfant, service=service, date=dt.date(2026, 12, 14), state=CellState.BOOKED)
        f.CellFactory(enfant=world.enfant, service=service, date=dt.date(2027, 2, 15), state=CellState.PENDING)
    f.ClosureFactory(commune=world.commune, start_date=dt.date(2026, 12, 19), end_date=dt.date(2027, 1, 3))


@pytest.mark.parametrize(("services", "mois"), [(1, "2027-02"), (4, "2027-02"), (1, "2026-12"), (4, "2026-12")])
def test_page_query_count_is_constant(alice_client, world, django_assert_max_num_queries, services, mois):
    enrol(world, services)
    # session, user, responsable, enfant, inscriptions (card and grid), closures, cells
    with django_assert_max_num_queries(7):
        response = alice_client.get(url(world.enfant, mois=mois))
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row" class="col-service">') == services


@pytest.mark.parametrize(("services", "mois"), [(1, "2027-02"), (4, "2026-12")])
def test_page_takes_six_queries_with_a_shared_session_cache(
    alice_client, world, settings, django_assert_max_num_queries, services, mois
):
    """Production runs with REDIS_URL: the session is read from the cache, not the database."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    enrol(world, services)
    alice_client.force_login(world.alice.user)  # a session written through to the cache
    with django_assert_max_num_queries(6):
        response = alice_client.get(url(world.enfant, mois=mois))
    assert response.status_code == 200


def test_mangled_filters_are_ignored(alice_client, world, garderie, cantine):
    response = alice_client.get(url(world.enfant, mois="2026-12", service="abc", etablissement="-3"))
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row" class="col-service">') == 2


def test_selected_filter_is_kept_in_the_form(alice_client, world, garderie, cantine):
    html = alice_client.get(url(world.enfant, mois="2026-12", service=garderie.pk, pointage=1)).content.decode()
    assert f'<option value="{garderie.pk}" selected>GARDERIE MATIN</option>' in html
    assert 'name="pointage" value="1" checked' in html


def test_an_agent_is_sent_to_the_back_office(agent_client, world, garderie):
    response = agent_client.get(url(world.enfant))
    assert response.status_code == 302 and response["Location"] == "/gestion/"


def test_cells_say_their_state_once_and_leave_the_checkboxes_to_the_selection_page(alice_client, world, garderie):
    url = reverse("portal:planning", args=[world.enfant.pk])
    html = alice_client.get(url, {"mois": "2026-12"}).content.decode()
    assert 'class="cell__btn"' in html
    assert 'class="cell__pick"' not in html  # planning.js adds them
    assert ' title="' not in html.split("<table", 1)[1].split("</table>", 1)[0]  # the state is in aria-label only
    selecting = alice_client.get(url, {"mois": "2026-12", "selection": "1"}).content.decode()
    assert selecting.count('class="cell__pick"') == selecting.count('class="cell__btn"') > 0  # no-JS selection


def test_the_page_is_lighter_without_titles_and_checkboxes(alice_client, world, garderie, cantine):
    """Two services over a month: 55.8 KB of HTML with a title and a checkbox in every cell,
    42.5 KB without; 45.1 KB once the phone layout added the skip link, the collapsible child
    card and legend, and the week buttons."""
    html = alice_client.get(reverse("portal:planning", args=[world.enfant.pk]), {"mois": "2026-12"}).content
    assert len(html) < 46_000, len(html)


def test_column_headers_give_the_full_day_to_assistive_technology(alice_client, world, garderie):
    html = alice_client.get(reverse("portal:planning", args=[world.enfant.pk]), {"mois": "2026-12"}).content.decode()
    thead = html.split('class="planning__grid"', 1)[1].split("</thead>", 1)[0]
    assert '<span class="pl-sr-only">mardi 1er décembre 2026</span>' in thead
    assert "<abbr" not in thead  # "Ma 01" is hidden from screen readers, the full day is read instead


@pytest.mark.django_db
def test_a_free_day_too_late_to_book_has_its_own_symbol_and_name(alice_client, world, garderie):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC), tick=False):
        alice_client.force_login(world.alice.user)
        html = alice_client.get(
            reverse("portal:planning", args=[world.enfant.pk]), {"mois": "2026-12"}
        ).content.decode()
    grid = html.split('class="planning__grid"', 1)[1]
    past = grid.split(f'data-key="{garderie.pk}:2026-12-01"', 1)[1].split("</td>", 1)[0]
    future = grid.split(f'data-key="{garderie.pk}:2026-12-21"', 1)[1].split("</td>", 1)[0]
    assert "⊘" in past and "Libre, délai dépassé (plus réservable)" in past
    assert "⊘" not in future and "réservable jusqu" in future  # bookable: no symbol, its deadline
    legend = html.split('class="planning__grid"', 1)[0]
    assert "Libre, délai dépassé (plus réservable)" in legend  # the legend explains it

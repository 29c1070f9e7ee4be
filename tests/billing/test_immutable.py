"""An issued invoice never changes: not through the model, not through a queryset, not in the
admin, and the back office has no page that edits one. A credit note is the only correction
(tests/billing/test_runs_backoffice.py::test_a_credit_note_needs_a_reason_then_corrects_the_invoice)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from marelle.billing.models import Facture, FactureLine, ImmutableInvoiceError
from tests.billing.factories import FactureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def facture(world):
    facture = FactureFactory(famille=world.famille, responsable=world.alice, total=Decimal("28.70"))
    FactureLine.objects.create(
        facture=facture,
        label="RESTAURATION",
        quantity=Decimal("7"),
        unit_price=Decimal("4.10"),
        amount=Decimal("28.70"),
    )
    return facture


def test_the_model_refuses_a_change_or_a_deletion(facture):
    facture.total = Decimal("1.00")
    with pytest.raises(ImmutableInvoiceError):
        facture.save()
    with pytest.raises(ImmutableInvoiceError):
        facture.delete()
    line = facture.lines.get()
    line.amount = Decimal("0.01")
    with pytest.raises(ImmutableInvoiceError):
        line.save()
    with pytest.raises(ImmutableInvoiceError):
        line.delete()
    stored = Facture.objects.get(pk=facture.pk)
    assert stored.total == Decimal("28.70") and stored.lines.get().amount == Decimal("28.70")


def test_querysets_refuse_too_but_the_status_may_move(facture):
    with pytest.raises(ImmutableInvoiceError):
        Facture.objects.filter(pk=facture.pk).update(total=Decimal("0"))
    with pytest.raises(ImmutableInvoiceError):
        Facture.objects.filter(pk=facture.pk).delete()
    with pytest.raises(ImmutableInvoiceError):
        FactureLine.objects.filter(facture=facture).update(amount=Decimal("0"))
    with pytest.raises(ImmutableInvoiceError):
        FactureLine.objects.filter(facture=facture).delete()
    # Being paid is not a change of the invoice: its status follows its payments.
    Facture.objects.filter(pk=facture.pk).update(status=Facture.Status.PAID)
    assert Facture.objects.get(pk=facture.pk).status == Facture.Status.PAID
    assert FactureLine.objects.filter(facture=facture).count() == 1


def test_the_admin_shows_an_invoice_and_cannot_change_or_delete_it(client, facture):
    client.force_login(get_user_model().objects.create_superuser("root@example.org", "root@example.org", "x"))
    change = reverse("admin:billing_facture_change", args=[facture.pk])
    page = client.get(change)
    assert page.status_code == 200 and facture.number in page.content.decode()
    assert 'name="_save"' not in page.content.decode()  # read-only: no save button
    assert client.post(change, {"total": "1.00", "number": "X"}).status_code == 403
    assert client.post(reverse("admin:billing_facture_delete", args=[facture.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:billing_facture_add")).status_code == 403
    stored = Facture.objects.get(pk=facture.pk)
    assert (stored.number, stored.total) == (facture.number, Decimal("28.70"))


def test_the_back_office_pages_of_one_invoice_are_its_pdf_and_its_credit_note():
    """An agent reads an invoice or corrects it by a credit note; no page edits it."""
    from marelle.backoffice import urls

    per_invoice = {p.name for p in urls.urlpatterns if str(p.pattern).startswith("facturation/factures/<int:pk>/")}
    assert per_invoice == {"facture_pdf", "credit_note"}

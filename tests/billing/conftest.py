from __future__ import annotations

import pytest

from tests.billing.factories import RegieFactory, tarif_for


@pytest.fixture(autouse=True)
def _private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def regie(world):
    return RegieFactory(commune=world.commune, name="Régie périscolaire de Chatte", code="PERI", invoice_prefix="CHA")


@pytest.fixture
def cantine_tarif(cantine, regie):
    """RESTAURATION: 2,10 € / 3,20 € / 4,10 € for QF ≤ 400 / ≤ 800 / above or unknown."""
    return tarif_for(cantine, regie, out_of_contract_price="5.00")

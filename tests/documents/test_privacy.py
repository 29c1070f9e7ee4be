"""The family's documents are in its RGPD export (rows and files), and nobody else's."""

from __future__ import annotations

import io
import zipfile

from django.utils import timezone

from marelle.documents import privacy
from marelle.privacy.export import family_data, family_export_zip
from tests.documents.conftest import pdf_bytes, png_bytes, stored_files


def test_the_export_holds_the_familys_documents_and_their_files_only(world, make_family_document):
    mine = make_family_document(kind="quotient", content=pdf_bytes("QF ALICE"))
    make_family_document(famille=world.other_famille, responsable=world.bob, content=png_bytes())
    data = family_data(world.famille)
    assert [(d["id"], d["kind_libelle"], d["status_libelle"]) for d in data["documents"]] == [
        (mine.pk, "Justificatif de quotient familial", "en attente de vérification")
    ]
    with zipfile.ZipFile(io.BytesIO(family_export_zip(world.famille, now=timezone.now()))) as z:
        names = [n for n in z.namelist() if n.startswith("documents/")]
        assert names == [f"documents/{mine.pk}-quotient.pdf"]
        assert z.read(names[0]).startswith(b"%PDF-")


def test_the_purge_removes_the_files_after_commit(world, make_family_document, django_capture_on_commit_callbacks):
    make_family_document()
    bobs = make_family_document(famille=world.other_famille, responsable=world.bob)
    with django_capture_on_commit_callbacks(execute=True):
        privacy.purge(enfants=[], familles=[world.famille.pk])
    assert [p.name for p in stored_files()] == [bobs.file.name.rsplit("/", 1)[-1]]

"""Infos/Documents: what the commune publishes for this family, and the family's own
documents (sent here, or attached to an absence) with their status. Every read starts from
the logged-in family: another family's document is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from marelle.documents.responses import document_response
from marelle.documents.selectors import (
    absence_justificatifs,
    family_document_rows,
    family_documents,
    published_document_for_famille,
    published_for_famille,
)
from marelle.documents.services import family_document_upload
from marelle.documents.validators import max_document_bytes
from marelle.families.access import records_scope
from marelle.families.selectors import famille_for, responsable_for
from marelle.portal.access import ResponsableRequiredMixin
from marelle.portal.forms_documents import FamilyDocumentForm


def size_label(size: int) -> str:
    """ "5 Mo", as the rest of the portal writes it (filesizeformat says "5,0 Mio")."""
    megabytes = size / (1024 * 1024)
    if megabytes >= 1:
        number = f"{megabytes:.1f}".removesuffix(".0").replace(".", ",")
        return _("%(n)s Mo") % {"n": number}
    return _("%(n)s Ko") % {"n": max(1, round(size / 1024))}


def _form(data=None, files=None) -> FamilyDocumentForm:
    return FamilyDocumentForm(data, files, max_size_label=size_label(max_document_bytes()))


class InfosView(ResponsableRequiredMixin, View):
    template_name = "portal/infos.html"

    def get(self, request, form=None, status=200):
        responsable = responsable_for(request.user)
        famille = responsable.famille
        today = timezone.localdate()
        context = {
            "famille": famille,
            "today": today,
            "published": list(published_for_famille(famille, today)),
            "rows": family_document_rows(famille, records_scope(responsable)),
            "form": form or _form(),
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        form = _form(request.POST, request.FILES)
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        responsable = responsable_for(request.user)
        try:
            family_document_upload(
                famille=responsable.famille,
                responsable=responsable,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self.get(request, form=form, status=400)
        messages.success(request, _("Votre document a été envoyé ; la mairie va le vérifier."))
        return redirect("portal:infos")


class FamilyDocumentFileView(ResponsableRequiredMixin, View):
    def get(self, request, pk: int):
        responsable = responsable_for(request.user)
        document = family_documents(responsable.famille, records_scope(responsable)).filter(pk=pk).first()
        if document is None:
            raise Http404
        return document_response(document.file, title=document.get_kind_display(), extension=document.extension)


class PublishedDocumentFileView(ResponsableRequiredMixin, View):
    """Only a document published for this family and valid today."""

    def get(self, request, pk: int):
        document = published_document_for_famille(famille_for(request.user), pk, timezone.localdate())
        if document is None:
            raise Http404
        return document_response(document.file, title=document.title, extension=document.extension)


class JustificatifFileView(ResponsableRequiredMixin, View):
    """The supporting document of one of the family's absences (it stays on its demande)."""

    def get(self, request, pk: int):
        responsable = responsable_for(request.user)
        demande = absence_justificatifs(responsable.famille, records_scope(responsable)).filter(pk=pk).first()
        if demande is None:
            raise Http404
        return document_response(demande.document, title=_("justificatif"))

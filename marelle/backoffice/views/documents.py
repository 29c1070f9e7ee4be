"""Documents: what the commune publishes, and the families' documents to validate or refuse.
Every query is scoped to the agent's communes: another commune's document is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marelle.backoffice.access import agent_view
from marelle.backoffice.forms_documents import DecideForm, DocumentFilterForm, PublishForm
from marelle.backoffice.scoping import agent_commune_ids, get_scoped_or_404, scoped
from marelle.backoffice.views.common import flash_service_errors, now, today
from marelle.documents.models import FamilyDocument, PublishedDocument
from marelle.documents.responses import document_response
from marelle.documents.selectors import pending_first
from marelle.documents.services import family_document_decide, published_document_create, published_document_withdraw

MAX_ROWS = 200


def _family_documents(user):
    return scoped(
        FamilyDocument.objects.select_related("famille", "responsable", "decided_by"), user, "famille__commune"
    )


@agent_view
def index(request):
    """Families' documents, those to check first; and the documents the commune publishes."""
    return _render_index(request)


def _render_index(request, *, status: int = 200, refusing: int | None = None):
    filters = DocumentFilterForm(request.GET or None)
    documents = _family_documents(request.user)
    if filters.is_valid() and filters.cleaned_data["status"]:
        documents = documents.filter(status=filters.cleaned_data["status"])
    published = scoped(PublishedDocument.objects.select_related("commune", "etablissement"), request.user, "commune")
    return render(
        request,
        "backoffice/documents/index.html",
        {
            "filters": filters,
            "documents": list(pending_first(documents)[:MAX_ROWS]),
            "pending": _family_documents(request.user).filter(status=FamilyDocument.Status.PENDING).count(),
            "published": list(published.order_by("-valid_from", "title")[:MAX_ROWS]),
            "today": today(),
            "refusing": refusing,
        },
        status=status,
    )


@agent_view
@require_http_methods(["GET", "POST"])
def publish(request):
    commune_ids = agent_commune_ids(request.user)
    form = PublishForm(request.POST or None, request.FILES or None, commune_ids=commune_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            published_document_create(
                commune=data["commune"],
                etablissement=data["etablissement"],
                kind=data["kind"],
                title=data["title"],
                upload=data["file"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                actor=request.user,
                now=now(),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Document publié."))
            return redirect("backoffice:documents")
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/documents/publish.html", {"form": form}, status=status)


@agent_view
def published_file(request, pk: int):
    document = get_scoped_or_404(PublishedDocument.objects.all(), request.user, "commune", pk=pk)
    return document_response(document.file, title=document.title, extension=document.extension)


@agent_view
@require_http_methods(["GET", "POST"])
def published_withdraw(request, pk: int):
    """GET asks for confirmation; POST withdraws."""
    document = get_scoped_or_404(
        PublishedDocument.objects.select_related("commune", "etablissement"), request.user, "commune", pk=pk
    )
    if request.method == "GET":
        return render(request, "backoffice/documents/withdraw.html", {"document": document})
    published_document_withdraw(document=document, actor=request.user)
    messages.success(request, _("Document retiré : les familles ne le voient plus."))
    return redirect("backoffice:documents")


@agent_view
def family_file(request, pk: int):
    document = get_scoped_or_404(FamilyDocument.objects.all(), request.user, "famille__commune", pk=pk)
    return document_response(
        document.file, title=f"{document.get_kind_display()} {document.famille.numero}", extension=document.extension
    )


@agent_view
@require_http_methods(["GET", "POST"])
def family_decide(request, pk: int):
    """GET shows the document and the decision forms; POST validates or refuses."""
    document = get_scoped_or_404(
        FamilyDocument.objects.select_related("famille", "responsable", "decided_by"),
        request.user,
        "famille__commune",
        pk=pk,
    )
    if request.method == "GET":
        return render(request, "backoffice/documents/family_document.html", {"doc": document})
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez de valider ou de refuser le document."))
        return _render_index(request, status=400)
    try:
        decided = family_document_decide(
            document=document,
            validate=form.cleaned_data["decision"] == "validate",
            reason=form.cleaned_data["reason"],
            actor=request.user,
            now=now(),
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return _render_index(request, status=400, refusing=document.pk)
    if decided.status == FamilyDocument.Status.VALIDATED:
        messages.success(request, _("Document validé."))
    else:
        messages.success(request, _("Document refusé ; la famille voit le motif."))
    return redirect("backoffice:documents")

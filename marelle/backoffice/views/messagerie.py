"""Messagerie: the commune's shared inbox of the families' messages (non lu / traité),
the agent's replies, messages to one family or a group, and the emails that failed.
Every query is scoped to the agent's communes: another commune's message is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from marelle.backoffice import audiences
from marelle.backoffice.access import agent_view
from marelle.backoffice.forms_messagerie import ComposeForm
from marelle.backoffice.scoping import agent_commune_ids, get_scoped_or_404
from marelle.backoffice.views.common import add_service_errors, now, today
from marelle.messaging import selectors
from marelle.messaging.downloads import attachment_response
from marelle.messaging.forms import ReplyForm
from marelle.messaging.models import Attachment, Message, OutboxEmail
from marelle.messaging.services import (
    MessagingError,
    agent_mark_read,
    agent_reply,
    broadcast_send,
    message_mark_handled,
    outbox_retry,
)

STATES = (
    ("a_traiter", gettext_lazy("À traiter")),
    ("non_lus", gettext_lazy("Non lus")),
    ("traites", gettext_lazy("Traités")),
    ("tous", gettext_lazy("Tous")),
)
MAX_ROWS = 200


@agent_view
def index(request):
    ids = agent_commune_ids(request.user)
    state = request.GET.get("etat", "a_traiter")
    if state not in dict(STATES):
        state = "a_traiter"
    return render(
        request,
        "backoffice/messagerie/index.html",
        {
            "state": state,
            "states": STATES,
            "rows": list(selectors.commune_inbox(ids, state=state)[:MAX_ROWS]),
            "counts": selectors.commune_inbox_counts(ids),
            "broadcasts": list(selectors.broadcasts(ids)[:10]),
            "failed": selectors.failed_emails(ids).filter(status=OutboxEmail.Status.FAILED).count(),
        },
    )


@agent_view
@require_http_methods(["GET", "POST"])
def compose(request):
    ids = agent_commune_ids(request.user)
    initial = {}
    if request.method == "GET" and request.GET.get("famille"):
        initial = {"audience": "famille", "famille": request.GET["famille"]}
    form = ComposeForm(request.POST or None, request.FILES or None, commune_ids=ids, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recipients = audiences.resolve(
            commune=data["commune"],
            audience=data["audience"],
            today=today(),
            famille=data.get("famille_obj"),
            etablissement=data.get("etablissement"),
            service=data.get("service"),
            day=data.get("day"),
        )
        try:
            broadcast = broadcast_send(
                actor=request.user,
                commune=data["commune"],
                audience=recipients.audience,
                audience_label=recipients.label,
                famille_ids=recipients.famille_ids,
                etablissement=recipients.etablissement,
                subject=data["subject"],
                body=data["body"],
                files=data["files"],
                now=now(),
            )
        except MessagingError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Message envoyé à %(n)s famille(s) : %(label)s.")
                % {"n": broadcast.recipients, "label": broadcast.audience_label},
            )
            return redirect("backoffice:messagerie")
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/messagerie/compose.html", {"form": form}, status=status)


@agent_view
@require_http_methods(["GET", "POST"])
def conversation(request, pk: int):
    message = get_scoped_or_404(Message.objects.all(), request.user, "famille__commune", pk=pk)
    root = message.root
    thread = selectors.conversation(root)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if root.system:
            return redirect("backoffice:messagerie_message", pk=root.pk)
        if form.is_valid():
            try:
                agent_reply(
                    actor=request.user,
                    message=root,
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["files"],
                    now=now(),
                )
            except MessagingError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Réponse envoyée à la famille ; la conversation est traitée."))
                return redirect("backoffice:messagerie_message", pk=root.pk)
    else:
        moment = now()
        for m in thread:
            agent_mark_read(message=m, now=moment)
    family_messages = [m for m in thread if not m.from_commune]
    return render(
        request,
        "backoffice/messagerie/conversation.html",
        {
            "root": root,
            "thread": thread,
            "form": form,
            "famille": root.famille,
            "open_count": sum(1 for m in family_messages if m.handled_at is None),
            "has_family_messages": bool(family_messages),
        },
        status=400 if request.method == "POST" else 200,
    )


@agent_view
@require_POST
def handled(request, pk: int):
    """Mark the family's messages of a conversation traité, or back to à traiter."""
    message = get_scoped_or_404(Message.objects.all(), request.user, "famille__commune", pk=pk)
    root = message.root
    done = request.POST.get("traite") == "1"
    moment = now()
    for m in selectors.conversation(root):
        if not m.from_commune:
            message_mark_handled(message=m, actor=request.user, now=moment, handled=done)
    messages.success(request, _("Conversation traitée.") if done else _("Conversation remise à traiter."))
    return redirect("backoffice:messagerie_message", pk=root.pk)


@agent_view
def attachment(request, pk: int):
    found = get_scoped_or_404(Attachment.objects.all(), request.user, "message__famille__commune", pk=pk)
    return attachment_response(found)


@agent_view
def failed_emails(request):
    ids = agent_commune_ids(request.user)
    return render(
        request,
        "backoffice/messagerie/courriels.html",
        {"rows": list(selectors.failed_emails(ids)[:MAX_ROWS])},
    )


@agent_view
@require_POST
def email_retry(request, pk: int):
    row = get_scoped_or_404(OutboxEmail.objects.all(), request.user, "famille__commune", pk=pk)
    if outbox_retry(outbox=row, actor=request.user):
        messages.success(request, _("Nouvel essai d'envoi à %(to)s.") % {"to": row.recipient})
    else:
        messages.info(request, _("Ce courriel n'est pas en échec."))
    return redirect("backoffice:messagerie_courriels")

"""Boîte de réception: the family's conversations with its commune. Every query starts from
the logged-in responsable's family (another family's message or attachment is a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from marelle.core.errors import add_service_errors
from marelle.families.selectors import responsable_for
from marelle.messaging import selectors
from marelle.messaging.downloads import attachment_response
from marelle.messaging.forms import ReplyForm, WriteForm
from marelle.messaging.services import MessagingError, family_reply, family_write, message_mark_read
from marelle.portal.access import ResponsableRequiredMixin


class MessagesView(ResponsableRequiredMixin, TemplateView):
    """The list: reading it marks nothing read."""

    template_name = "portal/messages.html"

    def get_context_data(self, **kwargs):
        responsable = responsable_for(self.request.user)
        return super().get_context_data(
            messages_list=list(selectors.inbox(responsable.famille, responsable)),
            unread=selectors.unread_count(responsable.famille, responsable),
            **kwargs,
        )


def is_prefetch(request) -> bool:
    """A speculative load (link prefetch or prerender): `Sec-Purpose: prefetch` (Chromium,
    Firefox) or the older `Purpose: prefetch` / `X-Moz: prefetch`."""
    purpose = request.headers.get("Sec-Purpose") or request.headers.get("Purpose") or request.headers.get("X-Moz") or ""
    return "prefetch" in purpose.lower() or "prerender" in purpose.lower()


class MessageView(ResponsableRequiredMixin, FormView):
    """One conversation; opening it marks the commune's messages in it read."""

    template_name = "portal/message.html"
    form_class = ReplyForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        try:
            self.responsable = responsable_for(request.user)
        except Http404:
            return super().dispatch(request, *args, **kwargs)
        message = get_object_or_404(selectors.visible_to(self.responsable.famille, self.responsable), pk=kwargs["pk"])
        self.root = message.root
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if is_prefetch(request):  # the browser guessing a click is not the parent reading
            return super().get(request, *args, **kwargs)
        now = timezone.now()
        for m in selectors.conversation(self.root):
            if m.from_commune and m.read_at is None and (m.responsable_id in (None, self.responsable.pk)):
                message_mark_read(message=m, now=now)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        thread = [m for m in selectors.conversation(self.root) if m.responsable_id in (None, self.responsable.pk)]
        return super().get_context_data(message=self.root, thread=thread, can_reply=not self.root.system, **kwargs)

    def form_valid(self, form):
        if self.root.system:
            raise Http404
        try:
            family_reply(
                responsable=self.responsable,
                message=self.root,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
                now=timezone.now(),
            )
        except MessagingError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Votre réponse a été envoyée à la mairie."))
        return redirect("portal:message", pk=self.root.pk)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class MessageWriteView(ResponsableRequiredMixin, FormView):
    """Écrire à la mairie."""

    template_name = "portal/message_write.html"
    form_class = WriteForm

    def form_valid(self, form):
        try:
            message = family_write(
                responsable=responsable_for(self.request.user),
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
                now=timezone.now(),
            )
        except MessagingError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Votre message a été envoyé à la mairie."))
        return redirect("portal:message", pk=message.pk)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class AttachmentView(ResponsableRequiredMixin, View):
    """A message's attachment, sent only to the family the message belongs to."""

    def get(self, request, pk):
        responsable = responsable_for(request.user)
        attachment = selectors.attachment_for_family(responsable.famille, responsable, pk)
        return attachment_response(attachment)

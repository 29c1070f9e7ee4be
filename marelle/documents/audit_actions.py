"""Audit codes written about documents (see marelle/audit/labels.py)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "document.published": _("Document publié : %(title)s"),
    "document.withdrawn": _("Document retiré : %(title)s"),
    "document_famille.uploaded": _("Document envoyé par la famille : %(kind)s"),
    "document_famille.validated": _("Document de la famille validé : %(kind)s"),
    "document_famille.refused": _("Document de la famille refusé : %(kind)s"),
}

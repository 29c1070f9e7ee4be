from django.contrib.auth import views as auth_views
from django.urls import include, path

from marelle.portal.views import account, auth, billing, documents, family, messages, payments, public

app_name = "portal"

urlpatterns = [
    path("", public.landing, name="landing"),
    path("accessibilite/", public.AccessibiliteView.as_view(), name="accessibilite"),
    path("donnees-personnelles/", public.DonneesPersonnellesView.as_view(), name="donnees_personnelles"),
    path("c/<slug:slug>/", auth.LoginView.as_view(), name="commune"),
    path("portail/", auth.LoginView.as_view(), name="login"),
    path("portail/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("portail/mot-de-passe/", auth.PasswordChangeView.as_view(), name="password_change"),
    path(
        "portail/mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("portail/mot-de-passe-oublie/", auth.PasswordResetView.as_view(), name="password_reset"),
    path(
        "portail/mot-de-passe-oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "portail/reinitialiser/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "portail/reinitialiser/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("portail/accueil/", family.AccueilView.as_view(), name="accueil"),
    path("portail/compte/", account.CompteView.as_view(), name="compte"),
    path("portail/compte/export/", family.ExportView.as_view(), name="export"),
    path("portail/enfants/", family.EnfantsView.as_view(), name="enfants"),
    path("portail/enfants/<int:pk>/", family.EnfantView.as_view(), name="enfant"),
    path("portail/releve/", billing.ReleveView.as_view(), name="releve"),
    path("portail/factures/<int:pk>/pdf/", billing.FacturePdfView.as_view(), name="facture_pdf"),
    path("portail/payer/", payments.PayerView.as_view(), name="payer"),
    path("portail/paiement/retour/<str:reference>/", payments.PaymentReturnView.as_view(), name="paiement_retour"),
    path(
        "portail/paiement/notification/<int:regie_pk>/",
        payments.PaymentNotificationView.as_view(),
        name="paiement_notification",
    ),
    path("portail/messages/", messages.MessagesView.as_view(), name="messages"),
    path("portail/messages/ecrire/", messages.MessageWriteView.as_view(), name="message_write"),
    path("portail/messages/<int:pk>/", messages.MessageView.as_view(), name="message"),
    path("portail/pieces-jointes/<int:pk>/", messages.AttachmentView.as_view(), name="attachment"),
    path("portail/infos/", documents.InfosView.as_view(), name="infos"),
    path("portail/documents/<int:pk>/", documents.FamilyDocumentFileView.as_view(), name="document_famille"),
    path("portail/documents/publies/<int:pk>/", documents.PublishedDocumentFileView.as_view(), name="document_publie"),
    path(
        "portail/documents/justificatifs/<int:pk>/",
        documents.JustificatifFileView.as_view(),
        name="document_justificatif",
    ),
    # The planning's routes (grid, cell actions, rhythm, demandes) live in their own package.
    path("portail/", include("marelle.portal.planning.urls")),
]

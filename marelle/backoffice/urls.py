from django.urls import path

from marelle.backoffice.views import calendrier, dashboard, demandes, effectifs, familles, inscriptions, otp, pointage
from marelle.backoffice.views import documents as documents_views
from marelle.backoffice.views import messagerie

app_name = "backoffice"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("demandes/", demandes.queue, name="demandes"),
    path("demandes/decider/", demandes.decide, name="demandes_decide"),
    path("demandes/<int:pk>/", demandes.detail, name="demande"),
    path("familles/", familles.search, name="familles"),
    path("familles/<int:pk>/", familles.detail, name="famille"),
    path("familles/<int:pk>/modifier/", familles.famille_edit, name="famille_edit"),
    path("responsables/<int:pk>/modifier/", familles.responsable_edit, name="responsable_edit"),
    path("enfants/<int:pk>/modifier/", familles.enfant_edit, name="enfant_edit"),
    path("enfants/<int:pk>/planning/", familles.planning, name="enfant_planning"),
    path("enfants/<int:pk>/inscription/", inscriptions.inscription_create, name="inscription_create"),
    path("inscriptions/<int:pk>/contrat/", inscriptions.contrat_create, name="contrat_create"),
    path("contrats/<int:pk>/modifier/", inscriptions.contrat_modify, name="contrat_change"),
    path("calendrier/", calendrier.index, name="calendrier"),
    path("calendrier/<int:pk>/", calendrier.commune, name="calendrier_commune"),
    path("fermetures/<int:pk>/supprimer/", calendrier.closure_delete, name="closure_delete"),
    path("pointage/", pointage.index, name="pointage"),
    path("pointage/<int:service_pk>/<str:day>/", pointage.sheet, name="pointage_sheet"),
    path("effectifs/", effectifs.index, name="effectifs"),
    path("effectifs/effectifs.csv", effectifs.export_csv, name="effectifs_csv"),
    path("effectifs/effectifs.xlsx", effectifs.export_xlsx, name="effectifs_xlsx"),
    path("effectifs/liste/<int:service_pk>/<str:day>/", effectifs.children_list, name="effectifs_liste"),
    path("documents/", documents_views.index, name="documents"),
    path("documents/publier/", documents_views.publish, name="document_publish"),
    path("documents/publies/<int:pk>/", documents_views.published_file, name="document_published_file"),
    path("documents/publies/<int:pk>/retirer/", documents_views.published_withdraw, name="document_withdraw"),
    path("documents/familles/<int:pk>/", documents_views.family_file, name="document_family_file"),
    path("documents/familles/<int:pk>/decider/", documents_views.family_decide, name="document_decide"),
    path("securite/", otp.enrol, name="otp_enrol"),
    path("securite/verification/", otp.verify, name="otp_verify"),
    path("messagerie/", messagerie.index, name="messagerie"),
    path("messagerie/ecrire/", messagerie.compose, name="messagerie_compose"),
    path("messagerie/<int:pk>/", messagerie.conversation, name="messagerie_message"),
    path("messagerie/<int:pk>/traite/", messagerie.handled, name="messagerie_handled"),
    path("messagerie/pieces-jointes/<int:pk>/", messagerie.attachment, name="messagerie_attachment"),
    path("messagerie/courriels/", messagerie.failed_emails, name="messagerie_courriels"),
    path("messagerie/courriels/<int:pk>/reessayer/", messagerie.email_retry, name="messagerie_email_retry"),
]

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Marelle — administration"
admin.site.site_title = "Marelle"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("gestion/", include("marelle.backoffice.urls")),
    # 404 unless settings.PAYMENT_STANDIN_BANK (demo and tests).
    path("banque-fictive/", include("marelle.standin_bank.urls")),
    path("", include("marelle.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

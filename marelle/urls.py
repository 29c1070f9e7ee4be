from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Marelle — administration"
admin.site.site_title = "Marelle"

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says: send them to the SVG icon.
    path("favicon.ico", RedirectView.as_view(url=static_url("favicon.svg"), permanent=True)),
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

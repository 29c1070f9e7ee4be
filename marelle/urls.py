from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView

from marelle.portal.views import language

admin.site.site_header = "Marelle — administration"
admin.site.site_title = "Marelle"

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says: send them to the SVG icon.
    path("favicon.ico", RedirectView.as_view(url=static_url("favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    # Django's set_language, which also keeps a parent's choice on their responsable.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("gestion/", include("marelle.backoffice.urls")),
    # 404 unless settings.PAYMENT_STANDIN_BANK (demo and tests).
    path("banque-fictive/", include("marelle.standin_bank.urls")),
    path("", include("marelle.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

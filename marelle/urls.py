from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView

from marelle.portal.views import language


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page says: send them to the SVG icon. Its
    URL is looked up per request: at import, with hashed names (STATIC_MANIFEST=1), it would
    need collectstatic's manifest before any management command (even `check`) could run."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static_url("favicon.svg")


admin.site.site_header = "Marelle — administration"
admin.site.site_title = "Marelle"

urlpatterns = [
    path("favicon.ico", FaviconView.as_view()),
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

if settings.BENCH_FLOOR:
    from django.http import HttpResponse

    def bench_floor(request):
        """The benchmark's floor: what Django costs with no work of ours."""
        return HttpResponse(b"ok", content_type="text/plain")

    urlpatterns.insert(0, path("bench/floor/", bench_floor))

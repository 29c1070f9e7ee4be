from django.contrib.admin.apps import AdminConfig


class MarelleAdminConfig(AdminConfig):
    """Replaces django.contrib.admin in INSTALLED_APPS: `admin.site`, and so every
    `@admin.register`, is then the administrators-only site of marelle/core/admin_site.py."""

    default_site = "marelle.core.admin_site.MarelleAdminSite"

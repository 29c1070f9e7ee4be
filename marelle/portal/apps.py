from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "marelle.portal"
    label = "portal"

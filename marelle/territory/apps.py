from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "marelle.territory"
    label = "territory"

from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "marelle.families"
    label = "families"

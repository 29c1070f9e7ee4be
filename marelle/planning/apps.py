from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "marelle.planning"
    label = "planning"

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "marelle.demo"
    label = "demo"

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "marelle.messaging"
    label = "messaging"

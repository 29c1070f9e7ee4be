from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "marelle.attendance"
    label = "attendance"

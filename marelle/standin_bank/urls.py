from django.urls import path

from marelle.standin_bank import views

app_name = "standin_bank"

urlpatterns = [path("", views.pay, name="pay")]

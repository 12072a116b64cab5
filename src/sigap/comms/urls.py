"""The survey's page, mounted at /survey/ (namespace "survey"); `surveys.survey_link`
writes the same path into the survey message."""

from django.urls import path

from sigap.comms import views

app_name = "survey"

urlpatterns = [
    path("<str:token>/", views.survey_page, name="answer"),
]

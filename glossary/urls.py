from django.urls import path

from . import views

urlpatterns = [
    path("glossary/", views.GlossaryView.as_view(), name="glossary"),
    path("glossary/<int:pk>/", views.TermView.as_view(), name="glossary-term"),
]

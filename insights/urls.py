from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("search/open/", views.open_result, name="open"),
    path("entries/<int:pk>/feedback/", views.feedback_form, name="feedback"),
]

from django.urls import path

from . import views

app_name = "questions"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("topics/<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path("entries/<int:pk>/", views.EntryView.as_view(), name="entry"),
    path("documents/<slug:slug>/", views.DocumentView.as_view(), name="document"),
]

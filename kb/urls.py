from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from questions import views as question_views
from questions.languages import switch_language
from questions.sitemaps import sitemap
from search import views as search_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/switch/", switch_language, name="switch_language"),
    path("api/topics/", question_views.topics_api, name="api-topics"),
    path(
        "sitemap.xml",
        sitemap,
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots",
    ),
    path("favicon.ico", question_views.favicon, name="favicon"),
]

urlpatterns += i18n_patterns(
    path("api/entries/", question_views.entries_api, name="api-entries"),
    path("api/search/", search_views.search_api, name="api-search"),
    path("search/", search_views.SearchView.as_view(), name="search"),
    path(
        "opensearch.xml",
        TemplateView.as_view(
            template_name="opensearch.xml",
            content_type="application/opensearchdescription+xml; charset=utf-8",
        ),
        name="opensearch",
    ),
    path("", include("insights.urls")),
    path("", include("glossary.urls")),
    path("", include("questions.urls")),
    prefix_default_language=False,
)

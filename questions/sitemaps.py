"""sitemap.xml: every public page, in both languages, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from kb.links import reverse

from .models import Document, Entry, Topic


class I18nSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class HomeSitemap(I18nSitemap):
    priority = 1.0
    changefreq = "weekly"

    def items(self):
        return ["questions:home"]

    def location(self, item):
        return reverse(item)


class TopicSitemap(I18nSitemap):
    priority = 0.8
    changefreq = "weekly"

    def items(self):
        return list(Topic.objects.order_by("position", "slug"))


class DocumentSitemap(I18nSitemap):
    priority = 0.6

    def items(self):
        return list(Document.objects.annotate(last=Max("entries__updated_at")).order_by("filename"))

    def lastmod(self, document):
        return document.last


class EntrySitemap(I18nSitemap):
    priority = 0.5

    def items(self):
        return list(Entry.objects.listed().only("pk", "updated_at").order_by("pk"))

    def lastmod(self, entry):
        return entry.updated_at


SITEMAPS = {
    "home": HomeSitemap,
    "topics": TopicSitemap,
    "documents": DocumentSitemap,
    "entries": EntrySitemap,
}

"""The entry form's preview: the public page's rendering of the unsaved text, both languages."""

import re

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from kb.middleware import ContentSecurityPolicyMiddleware
from questions.models import Entry
from tests.conftest import change_form_data, entry

ANSWER_ZH = """先看三点：

- 数据：**质量**优先
- 算力：预算 $C = N \\times t$
  - 两空格缩进的子项

$$
E = mc^2
$$

```mermaid
graph TD
  A[想法] --> B[产品]
```

```python
print("你好")
```
"""
ANSWER_EN = """Three things first:

1. Data: quality first
2. Compute: budget $C = N \\times t$

```mermaid
graph LR
  A[Idea] --> B[Product]
```
"""
BODY = re.compile(r"<!-- entry body -->.*?<!-- /entry body -->", re.S)


def preview_url(e):
    return reverse("admin:questions_entry_preview", args=[e.pk])


def bodies(html):
    return BODY.findall(html)


def test_preview_equals_the_public_page_in_both_languages(seeded, admin_client):
    e = entry("000", "19")
    url, data = change_form_data(admin_client, e, answer_zh_hans=ANSWER_ZH, answer_en=ANSWER_EN)
    preview = admin_client.post(preview_url(e), data)
    assert preview.status_code == 200
    zh_preview, en_preview = bodies(preview.content.decode())
    unchanged = Entry.objects.get(pk=e.pk)
    assert (unchanged.answer_zh_hans, unchanged.revision) == (e.answer_zh_hans, e.revision)

    assert admin_client.post(url, data).status_code == 302
    reader = Client()
    [zh_public] = bodies(reader.get(e.get_absolute_url()).content.decode())
    [en_public] = bodies(reader.get(f"/en{e.get_absolute_url()}").content.decode())
    assert zh_preview == zh_public
    assert en_preview == en_public
    for piece in (
        '<span class="math math-inline">C = N \\times t</span>',
        '<div class="math math-display">E = mc^2</div>',
        '<pre class="mermaid">graph TD\n  A[想法] --&gt; B[产品]</pre>',
        "<strong>质量</strong>",
        '<div class="highlight">',
    ):
        assert piece in zh_preview
    assert '<pre class="mermaid">graph LR\n  A[Idea] --&gt; B[Product]</pre>' in en_preview
    assert '<div class="prose" lang="en">' in en_preview


def test_preview_is_served_under_the_sites_policy(seeded, admin_client):
    e = entry("000", "19")
    _, data = change_form_data(admin_client, e, answer_zh_hans=ANSWER_ZH)
    response = admin_client.post(preview_url(e), data)
    policy = response["Content-Security-Policy"]
    assert policy == ContentSecurityPolicyMiddleware.POLICY.replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'"
    )
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    html = response.content.decode()
    assert "<script>" not in html and " style=" not in html
    assert "js/site.js" in html  # the public page's script draws formulas and diagrams


def test_change_form_offers_the_preview_without_inline_script(seeded, admin_client):
    e = entry("000", "19")
    page = admin_client.get(reverse("admin:questions_entry_change", args=[e.pk]))
    html = page.content.decode()
    assert f'formaction="{preview_url(e)}"' in html
    assert 'formtarget="kb-preview"' in html and '<iframe name="kb-preview"' in html
    assert "admin/entry_preview.js" in html
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_preview_is_staff_only_post_with_csrf(seeded, admin_user):
    e = entry("000", "19")
    User.objects.create_user("reader", password="s3cret-pass")
    reader = Client()
    reader.login(username="reader", password="s3cret-pass")
    response = reader.post(preview_url(e), {"answer_zh_hans": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    assert strict.post(preview_url(e), {"answer_zh_hans": "x"}).status_code == 403
    assert strict.get(preview_url(e)).status_code == 405
    missing = reverse("admin:questions_entry_preview", args=[999999])
    admin = Client()
    admin.force_login(admin_user)
    assert admin.post(missing, {"answer_zh_hans": "x"}).status_code == 404

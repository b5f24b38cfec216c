"""The API docs page: the site's own page (header, menu) listing every endpoint of the
schema, readable without JavaScript (issue 9: it was Swagger UI, without the site header,
and failed axe-core; the browser test tests/browser/test_api_docs.py runs axe)."""

from django.urls import reverse

from imhhv.api.schema import api_reference

DOCS = reverse("api:docs")


def test_the_docs_page_has_the_site_header_and_lists_the_endpoints(cast, login):
    page = login(cast.admin_a).get(DOCS)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert '<header class="site-header">' in html and 'aria-label="Main"' in html
    assert "<h1>API reference</h1>" in html
    for endpoint in ("GET /api/v1/families/", "POST /api/v1/referrals/", "GET /api/v1/me/"):
        assert f"<code>{endpoint}</code>" in html
    assert 'id="shape-Family"' in html and 'href="#shape-FamilyListResponse"' in html
    assert f'href="{reverse("api:schema")}"' in html
    assert "<script>" not in html and "swagger-ui" not in html


def test_every_path_of_the_schema_is_on_the_page(cast, login):
    html = login(cast.hv_a).get(DOCS).content.decode()
    operations = [op for _, ops in api_reference().groups for op in ops]
    assert len(operations) > 20
    for op in operations:
        assert f'id="{op.anchor}"' in html
    assert len({op.anchor for op in operations}) == len(operations)


def test_every_link_on_the_page_to_a_shape_has_its_target(cast, login):
    import re

    html = login(cast.hv_a).get(DOCS).content.decode()
    targets = set(re.findall(r'id="(shape-[^"]+)"', html))
    links = set(re.findall(r'href="#(shape-[^"]+)"', html))
    assert links and links <= targets


def test_anonymous_is_refused(client, db):
    assert client.get(DOCS).status_code in (401, 403)

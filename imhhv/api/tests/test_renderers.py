"""Outside DEBUG the API speaks JSON only: no browsable HTML page of a PHI endpoint."""

from imhhv.api.services import issue_token

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_browser_asking_for_html_gets_json(cast, client):
    key, _ = issue_token(user=cast.hv_a)
    url = f"/api/v1/families/{cast.family_a.pk}/"
    response = client.get(url, HTTP_ACCEPT=BROWSER, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    only_html = client.get(url, HTTP_ACCEPT="text/html", HTTP_AUTHORIZATION=f"Token {key}")
    assert only_html.status_code == 406
    assert b"<html" not in response.content.lower() + only_html.content.lower()

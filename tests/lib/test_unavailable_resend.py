"""The 503 page's "Skicka igen" form (digiplan/lib/unavailable.py), request by request: which
posts get it, which token it carries. The whole fault, with a submission that counts once, is in
tests/assessments/test_faults_submission.py."""

from urllib.parse import urlencode

from django.middleware.csrf import CsrfViewMiddleware, _get_new_csrf_string, _unmask_cipher_token

from digiplan.lib.unavailable import unavailable_response
from tests.assessments.test_faults_submission import FORM, ResendForm


def _page(request) -> tuple[str, ResendForm]:
    response = unavailable_response(request)
    assert response.status_code == 503 and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    return page, ResendForm(page)


def test_a_form_with_a_password_is_never_written_into_the_page(rf):
    request = rf.post(
        "/konto/logga-in/", urlencode({"username": "a@b.test", "password": "Hemligt-123"}), FORM
    )
    page, form = _page(request)
    assert form.action is None and "Hemligt-123" not in page and "a@b.test" not in page
    assert "Gå tillbaka i webbläsaren" in page


def test_the_page_carries_the_current_token_when_the_csrf_check_has_run(rf):
    secret = _get_new_csrf_string()
    rf.cookies["csrftoken"] = secret
    request = rf.post("/x/?a=1", urlencode({"csrfmiddlewaretoken": "posted", "name": 'A "B" <i>'}), FORM)
    CsrfViewMiddleware(lambda r: None).process_request(request)  # reads the cookie
    page, form = _page(request)
    [(field, token), *rest] = form.fields
    assert form.action == "/x/?a=1" and rest == [("name", 'A "B" <i>')]
    assert field == "csrfmiddlewaretoken" and token != "posted"
    assert _unmask_cipher_token(token) == secret  # the cookie's secret: the check accepts it
    assert "&quot;B&quot; &lt;i&gt;" in page and "<i>" not in page


def test_before_the_csrf_check_the_posted_token_is_kept(rf):
    """A connection lost in a middleware before the CSRF one: the posted token matches the
    cookie the browser still holds."""
    request = rf.post("/x/", urlencode([("csrfmiddlewaretoken", "posted"), ("v", "1"), ("v", "2")]), FORM)
    _page_text, form = _page(request)
    assert form.fields == [("csrfmiddlewaretoken", "posted"), ("v", "1"), ("v", "2")]


def test_a_get_keeps_its_try_again_link(rf):
    page, form = _page(rf.get("/hem/?x=1"))
    assert form.action is None and 'href="/hem/?x=1"' in page and "Försök igen" in page

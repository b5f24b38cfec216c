"""The catalogue's strategy rows: a form posted without its management fields (tampered
or outdated) is refused in words, not Django's "ManagementForm data is missing"."""

from imhhv.visits.forms import StrategyFormSet


def test_a_form_without_its_management_fields_says_so_in_plain_words():
    rows = StrategyFormSet({"title": "A new version"}, form_kwargs={"components": []})
    assert not rows.is_valid()
    assert rows.non_form_errors() == [
        "This form was incomplete or out of date. Reload the page and enter the strategies again."
    ]
    assert "ManagementForm" not in str(rows.non_form_errors())

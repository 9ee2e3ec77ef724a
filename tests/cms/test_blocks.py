"""Every block of the shared page body has an icon, a template and, where it needs no media, a preview."""

import pytest
from django.template.loader import get_template

from cms.blocks import BaseStreamBlock

STREAM = BaseStreamBlock()
NEEDS_MEDIA = {"image", "document"}  # their previews would need a library item


@pytest.mark.parametrize("name", list(STREAM.child_blocks))
def test_each_block_has_an_icon_a_label_and_an_existing_template(name):
    block = STREAM.child_blocks[name]

    assert block.meta.icon
    assert block.label
    assert get_template(block.meta.template)


@pytest.mark.parametrize("name", sorted(set(STREAM.child_blocks) - NEEDS_MEDIA))
def test_each_block_renders_its_preview_value(name):
    block = STREAM.child_blocks[name]
    html = block.render(block.normalize(block.get_preview_value()))

    assert html.strip()
    assert "None" not in html


def test_the_heading_block_renders_the_chosen_level():
    block = STREAM.child_blocks["heading"]

    assert block.render(block.to_python({"text": "Quorum", "level": "h3"})).strip() == "<h3>Quorum</h3>"


def test_the_callout_is_a_labelled_note_with_its_kind():
    block = STREAM.child_blocks["callout"]

    html = block.render(block.normalize(block.get_preview_value()))

    assert 'class="callout callout--tip"' in html
    assert 'role="note" aria-label="Tip"' in html


def test_the_reading_list_renders_citations_with_links():
    block = STREAM.child_blocks["reading_list"]

    html = block.render(block.normalize(block.get_preview_value()))

    assert html.count("<li>") == 2
    assert '<a href="https://www.ifla.org/">' in html
    assert "Short and practical." in html


def test_a_video_is_a_link_to_its_own_site_never_a_third_party_frame():
    """The CSP frames only the site's own pages, and an embed would tell the video site who reads the lesson."""
    block = STREAM.child_blocks["video"]

    untitled = block.render(block.to_python({"video": "https://www.youtube.com/watch?v=abc", "transcript": ""}))
    titled = block.render(block.to_python({"video": "https://peertube.example/w/1", "title": "Quorum explained"}))

    assert "<iframe" not in untitled + titled
    assert 'href="https://www.youtube.com/watch?v=abc"' in untitled
    assert "Watch the video on youtube.com" in untitled
    assert ">Quorum explained</a>" in titled

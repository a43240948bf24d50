from codesign.core.markdown import render_markdown


def test_markdown_becomes_html_with_lists_links_and_emphasis():
    html = render_markdown("**Bold** and *soft*\n\n- one\n- two\n\n[Map](https://example.org/map)")

    assert "<strong>Bold</strong>" in html
    assert "<em>soft</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.org/map"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_scripts_and_event_handlers_are_removed():
    html = render_markdown(
        '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
    )

    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_headings_start_below_the_page_title():
    assert render_markdown("# Big").strip() == "<h2>Big</h2>"


def test_empty_text_gives_empty_html():
    assert render_markdown("") == ""

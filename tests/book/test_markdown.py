import pytest
from pytest_django.asserts import assertHTMLEqual

from core.markdown import is_upload_url, reading_minutes, render_markdown
from tests.inert import assert_inert as _assert_inert
from tests.markup import attributes, hrefs, select

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](  javascript:alert(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klik](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '![x](x.png "a" onerror="alert(1)")',
    "<a href='javascript:alert(1)'>x</a>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<base href=javascript:alert(1)//>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    '[a](https://example.org" onmouseover="alert(1))',
    '<a href="&#106;avascript:alert(1)">x</a>',
    "[x](&#x6A;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](java\nscript:alert(1))",
    "[x](%6A%61%76%61%73%63%72%69%70%74:alert(1))",
    "[x](//evil.example/%0aalert(1))",
    "[x]: javascript:alert(1)\n\n[klik][x]",
    '<https://x.example/"onmouseover="alert(1)>',
    "<javascript:alert(1)>",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x" onerror="alert(1)](x.png)',
    '<img src="x" onerror="alert(1)"/>',
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<img src=`javascript:alert(1)`>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<marquee onstart=alert(1)>",
    "<textarea onfocus=alert(1) autofocus>",
    "<select onchange=alert(1)><option>1</option></select>",
    "<keygen autofocus onfocus=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    "<isindex action=javascript:alert(1) type=image>",
    "<table background=javascript:alert(1)>",
    "<td background=javascript:alert(1)>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="https://x.example" style="position:fixed;inset:0">x</a>',
    "**<script>alert(1)</script>**",
    "> <script>alert(1)</script>",
    "- <img src=x onerror=alert(1)>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "```html\n<script>alert(1)</script>\n```",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "{{ 7*7 }} {% debug %}",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_payloads_are_rendered_inert(payload):
    _assert_inert(render_markdown(f"Tekst ervoor.\n\n{payload}\n\nTekst erna.").html)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payloads_in_headings_are_inert_with_anchors(payload):
    rendered = render_markdown(f"## Kop {payload}\n\nAlinea.", anchors=True)
    _assert_inert(rendered.html)
    for section in rendered.sections:
        assert "<" not in section["id"] and '"' not in section["id"]


def test_raw_html_is_shown_as_text_not_dropped():
    html = render_markdown("Zie <script>alert(1)</script> hier").html
    assert "&lt;script&gt;" in html


def test_headings_get_anchor_ids_and_sections():
    rendered = render_markdown("## De leefwereld\n\ntekst\n\n### Detail\n\n## Samen", anchors=True)
    assert [(h.tag, h.get("id")) for h in select(rendered.html, "h2, h3")] == [
        ("h2", "de-leefwereld"),
        ("h3", "detail"),
        ("h2", "samen"),
    ]
    assert [s["id"] for s in rendered.sections] == ["de-leefwereld", "samen"]


def test_safe_links_keep_their_href():
    html = render_markdown("[site](https://example.org/pad) en [mail](mailto:a@example.org)").html
    assert hrefs(html) == ["https://example.org/pad", "mailto:a@example.org"]
    assert attributes(html, 'a[href^="https:"]', "rel") == ["noopener noreferrer"]


def test_phone_links_keep_their_href():
    assertHTMLEqual(
        render_markdown("[Bel ons](tel:+31612345678)").html,
        '<p><a href="tel:+31612345678" rel="noopener noreferrer">Bel ons</a></p>',
    )


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/x", "data:text/html,x", "file:///etc"]
)
def test_a_link_whose_url_is_dropped_is_its_text(url):
    assertHTMLEqual(
        render_markdown(f"Zie [de **bron**]({url}) hier.").html,
        "<p>Zie de <strong>bron</strong> hier.</p>",
    )


def test_an_empty_link_is_its_text():
    assertHTMLEqual(render_markdown("[niets]()").html, "<p>niets</p>")


def test_an_upload_stays_an_image():
    assertHTMLEqual(
        render_markdown("![De buurt](/media/stories/buurt.jpg)").html,
        '<p><img src="/media/stories/buurt.jpg" alt="De buurt"></p>',
    )


@pytest.mark.parametrize(
    "url",
    [
        "/exemplaar/code/ABC/",
        "/hoofdstuk/samen-beginnen/",
        "https://example.org/foto.jpg",
        "//example.org/foto.jpg",
        "foto.jpg",
        "/media/../exemplaar/code/ABC/",
        "/media/%2e%2E/exemplaar/code/ABC/",
        "/media/stories/./../../uitloggen/",
    ],
)
def test_any_other_image_becomes_a_link_to_it(url):
    assertHTMLEqual(
        render_markdown(f"![De buurt]({url})").html,
        f'<p><a href="{url}" rel="noopener noreferrer">De buurt</a></p>',
    )


def test_an_image_without_alt_text_becomes_a_link_named_by_its_url():
    assertHTMLEqual(
        render_markdown("![](https://example.org/foto.jpg)").html,
        '<p><a href="https://example.org/foto.jpg" rel="noopener noreferrer">'
        "https://example.org/foto.jpg</a></p>",
    )


@pytest.mark.parametrize(
    "markdown",
    [
        "![De buurt](javascript:alert(1))",
        "![De buurt](data:image/png;base64,iVBORw0KGgo=)",
        "[![De buurt](https://example.org/foto.jpg)](https://example.org/)",
    ],
)
def test_an_image_that_can_be_neither_image_nor_link_is_its_alt_text(markdown):
    html = render_markdown(markdown).html
    assert not select(html, "img")
    assert "De buurt" in html


def test_a_linked_upload_stays_a_linked_image():
    assertHTMLEqual(
        render_markdown("[![De buurt](/media/stories/buurt.jpg)](https://example.org/)").html,
        '<p><a href="https://example.org/" rel="noopener noreferrer">'
        '<img src="/media/stories/buurt.jpg" alt="De buurt"></a></p>',
    )


@pytest.mark.parametrize(
    ("url", "upload"),
    [
        ("/media/stories/buurt.jpg", True),
        ("/media/stories/mijn%20buurt.jpg", True),
        ("/media/stories/buurt.jpg?v=2", True),
        ("/media/", True),
        ("/media", False),
        ("/static/img/mark.svg", False),
        ("https://example.org/media/x.jpg", False),
        ("/media/../x", False),
        ("/media/%2e%2e/x", False),
        ("/media/.%2e/x", False),
        ("/media/stories/..", False),
        ("/media/..\\x", False),
        ("/media/.\t./x", False),
        ("/media/stories/a b.jpg", False),
    ],
)
def test_what_counts_as_an_upload(url, upload):
    assert is_upload_url(url) is upload


@pytest.mark.parametrize(("words", "minutes"), [(0, 1), (150, 1), (400, 2), (1000, 5)])
def test_reading_minutes(words, minutes):
    assert reading_minutes(words) == minutes

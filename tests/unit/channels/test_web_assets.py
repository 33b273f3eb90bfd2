"""The widget files served by the Rasa server: the vendored npm bundle, its Google Fonts import removed,
and a demo page / embed script that load nothing from another host."""

import hashlib
import re

from bot.channels import web

NPM_LIB_INDEX_SHA256 = "bfedd788e4bd7df12f64b5bf2963e634f84bac1cb176b6cede60c507d3553f1e"
EXTERNAL_LOAD = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def test_vendored_bundle_is_the_npm_file_unchanged():
    data = web.WEBCHAT_BUNDLE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == NPM_LIB_INDEX_SHA256
    assert "Apache License" in (web.WEBCHAT_BUNDLE.parent / "LICENSE").read_text()


def test_served_bundle_drops_only_the_google_fonts_import():
    original = web.WEBCHAT_BUNDLE.read_text(encoding="utf-8")
    served = web.webchat_bundle().decode("utf-8")
    imports = original.count(web.GOOGLE_FONTS_IMPORT)
    assert imports > 0
    assert "fonts.googleapis" not in served and "fonts.gstatic" not in served
    assert len(original) - len(served) == imports * len(web.GOOGLE_FONTS_IMPORT)
    assert served.replace("\n", "")[:200] == original.replace("\n", "")[:200]


def test_demo_page_loads_only_from_this_server_and_shows_help():
    html = web.demo_page("/webhooks/socketio")
    assert not EXTERNAL_LOAD.search(html)
    assert "<script>" not in html  # no inline script: the page's CSP allows 'self' scripts only
    assert 'src="/webhooks/socketio/widget.js"' in html
    assert "988" in html and "Talk to a person" in html
    assert "not medical advice" in html.lower()
    assert "{{" not in html


def test_widget_script_gets_its_config_and_references_no_other_host():
    script = web._static_text("widget.js")
    assert "/*IOPBOT_CONFIG*/null" in script
    assert not re.search(r"https?://", script)
    config = web.widget_config("/webhooks/socketio")
    assert config["bundle"] == "rasa-webchat-1.0.1.js"
    assert web._js_json({"a": "</script>"}) == '{"a": "\\u003c/script\\u003e"}'


def test_session_ids_accepted_only_as_tokens_the_server_issued():
    from bot.channels.tokens import ConversationTokens

    tokens = ConversationTokens("assets-secret")
    issued = tokens.issue("0123456789abcdef0123456789abcdef")
    assert tokens.conversation_of(issued) == "0123456789abcdef0123456789abcdef"
    for bad in ("+15551234567", "slice-1", "0123456789abcdef0123456789abcdef", tokens.issue("slice-1"),
                tokens.issue("0123456789ABCDEF0123456789ABCDEF"), "", "a" * 33):
        assert tokens.conversation_of(bad) is None

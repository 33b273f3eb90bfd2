"""A console app on a migrated database (SQLite and PostgreSQL) with one admin and one staff user."""

from __future__ import annotations

import re

import pytest

ADMIN = ("ada", "admin password 123")
STAFF = ("sam", "staff password 123")


@pytest.fixture
def console_settings(store_settings):
    from bot.store import admin

    admin.create_staff(*ADMIN, role="admin", settings=store_settings)
    admin.create_staff(*STAFF, role="staff", settings=store_settings)
    return store_settings


@pytest.fixture
def app(console_settings):
    from bot.console.app import create_app

    application = create_app(console_settings)
    yield application
    application.state.engine.dispose()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client, username: str, password: str):
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )


def browser_login(page, base: str, user: tuple[str, str]) -> None:
    """Sign in through the login form in a real browser page; lands on the queue."""
    from playwright.sync_api import expect

    page.goto(f"{base}/login")
    page.fill("#username", user[0])
    page.fill("#password", user[1])
    page.click("#login")
    expect(page).to_have_url(f"{base}/queue")


@pytest.fixture
def web():
    """Helpers: ``web.csrf_of(html)``, ``web.login(client, user, password)``, ``web.browser_login(page, base,
    user)``, ``web.ADMIN``, ``web.STAFF``."""

    class Web:
        pass

    helpers = Web()
    helpers.csrf_of = csrf_of
    helpers.login = login
    helpers.browser_login = browser_login
    helpers.ADMIN = ADMIN
    helpers.STAFF = STAFF
    return helpers

"""Fixtures shared by the tests: the headless browser (tests/browser.py)."""

from tests.browser import browser, page  # noqa: F401 - fixtures, found by pytest here

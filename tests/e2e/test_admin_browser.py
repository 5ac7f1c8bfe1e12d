"""The staff workflow in a real browser: Debian's Chromium driven by Selenium, against the
production stack on loopback (gunicorn + uvicorn workers behind nginx with TLS, MariaDB,
demo data). `make e2e-admin` runs it; screenshots go to tests/output/e2e-admin/.

Staff log in, filter the bookings by status, approve one with the admin action, open its
invoice link and get the PDF.
"""

import io
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from tests.e2e.stack import (
    DEFAULT_DATABASE_URL,
    Gunicorn,
    Nginx,
    app_environment,
    manage,
    prepare_database,
    self_signed_certificate,
)

pytestmark = pytest.mark.e2e

GUNICORN_PORT, HTTP_PORT, HTTPS_PORT = 19310, 19380, 19343
STAFF = ("staff", "staff-pass-123")
OUTPUT = Path(__file__).resolve().parents[1] / "output" / "e2e-admin"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,1000",
    # The stack's certificate is self-signed for this run only.
    "--ignore-certificate-errors",
]


class Browser(webdriver.Chrome):
    """Chromium, plus the directory its downloads are saved to."""

    downloads: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e-admin")
    database_url = os.environ.get(
        "E2E_ADMIN_DATABASE_URL", DEFAULT_DATABASE_URL.replace("lebrq_e2e", "lebrq_admin_e2e")
    )
    env = app_environment(workdir, database_url)
    prepare_database(env)
    # The admin's stylesheets, so the screenshots show what staff see.
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    certificate, key = self_signed_certificate(workdir)
    gunicorn = Gunicorn(env, GUNICORN_PORT, workdir / "gunicorn.log")
    nginx = Nginx(workdir, env, certificate, key, GUNICORN_PORT, HTTP_PORT, HTTPS_PORT)
    gunicorn.start()
    try:
        nginx.start()
        yield f"https://localhost:{HTTPS_PORT}"
    finally:
        nginx.stop()
        gunicorn.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    for binary in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
        if not Path(binary).exists():
            pytest.fail(f"{binary} is missing: `make e2e-admin` installs chromium and the driver")
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            # Save PDFs instead of opening the built-in viewer.
            "plugins.always_open_pdf_externally": True,
        },
    )
    driver = Browser(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    driver.downloads = downloads
    shutil.rmtree(OUTPUT, ignore_errors=True)
    OUTPUT.mkdir(parents=True)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(browser, name: str) -> None:
    browser.save_screenshot(str(OUTPUT / f"{name}.png"))


def wait_for(browser, css: str):
    return WebDriverWait(browser, 20).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def wait_for_download(directory: Path, timeout: float = 30) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in directory.iterdir() if p.suffix == ".pdf"]
        if done:
            return done[0]
        time.sleep(0.2)
    raise TimeoutError(f"no PDF downloaded to {directory}: {list(directory.iterdir())}")


def test_staff_approve_a_pending_booking_and_open_its_invoice(site, browser):
    browser.get(f"{site}/admin/login/")
    browser.find_element(By.NAME, "username").send_keys(STAFF[0])
    browser.find_element(By.NAME, "password").send_keys(STAFF[1])
    screenshot(browser, "01-login")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait_for(browser, "#site-name")
    assert "Site administration" in browser.title
    screenshot(browser, "02-dashboard")

    browser.get(f"{site}/admin/bookings/booking/")
    wait_for(browser, "#changelist-filter")
    browser.find_element(
        # $=: the filter also links status__exact=pending_payment, which starts the same.
        By.CSS_SELECTOR,
        '#changelist-filter a[href$="status__exact=pending"]',
    ).click()
    wait_for(browser, "#result_list")
    assert "status__exact=pending" in browser.current_url
    statuses = [
        td.text for td in browser.find_elements(By.CSS_SELECTOR, "#result_list td.field-status")
    ]
    assert statuses, "the demo data has pending bookings"
    assert set(statuses) == {"Pending"}
    screenshot(browser, "03-pending-bookings")

    first_row = browser.find_element(By.CSS_SELECTOR, "#result_list tbody tr")
    reference = first_row.find_element(By.CSS_SELECTOR, "th a").text
    assert re.fullmatch(r"BK-[0-9A-F]{10}", reference)
    first_row.find_element(By.CSS_SELECTOR, "input.action-select").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("approve_bookings")
    browser.find_element(By.CSS_SELECTOR, 'button[name="index"]').click()
    message = wait_for(browser, "ul.messagelist li.success").text
    assert f"Approved 1: {reference}." in message
    screenshot(browser, "04-approved")

    browser.get(f"{site}/admin/bookings/booking/?q={reference}")
    row = wait_for(browser, "#result_list tbody tr")
    assert row.find_element(By.CSS_SELECTOR, "td.field-status").text == "Approved"
    row.find_element(By.CSS_SELECTOR, "a.invoice-link").click()
    pdf = wait_for_download(browser.downloads)
    screenshot(browser, "05-after-invoice-click")

    body = pdf.read_bytes()
    assert body.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert reference in text
    assert "TAX INVOICE" in text  # approved: no longer a proforma
    assert pdf.name == f"invoice_{reference}.pdf"
    shutil.copy(pdf, OUTPUT / pdf.name)

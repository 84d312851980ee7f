"""The Sandbox page in a real headless Chromium, driven with Selenium: type a pattern and an event,
see the verdict and the explanation, see an invalid pattern's error marked at its line."""

import os
import tempfile

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1360,1020", "--hide-scrollbars",
]


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    profile = tempfile.TemporaryDirectory()
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={profile.name}"]:
        options.add_argument(flag)
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    yield driver
    driver.quit()
    profile.cleanup()


@pytest.fixture
def page(browser, endpoint):
    browser.get(endpoint + "/")
    wait_for(browser, lambda b: "Match" in b.find_element(By.ID, "verdict").text)
    return browser


def wait_for(browser, condition):
    return WebDriverWait(browser, 10).until(condition)


def type_into(browser, element_id, text):
    area = browser.find_element(By.ID, element_id)
    area.send_keys(Keys.CONTROL, "a")
    area.send_keys(Keys.DELETE)
    area.send_keys(text)


def explanation(browser):
    return browser.find_element(By.ID, "explanation").text


def verdict(browser):
    return browser.find_element(By.ID, "verdict").text


def test_typing_a_pattern_and_an_event_shows_the_result_and_why(page):
    type_into(page, "pattern", '{\n"detail": {"state": ["stopped", "terminated"]}\n}')
    type_into(page, "event", '{\n"detail": {"state": "running"}\n}')
    # The page answers as the keys arrive: wait for the answer to the whole text.
    wait_for(page, lambda b: 'detail.state = "running"' in explanation(b))
    assert verdict(page) == "✗ No match"
    assert "accepted by none" in explanation(page)

    type_into(page, "event", '{\n"detail": {"state": "stopped"}\n}')
    wait_for(page, lambda b: 'detail.state = "stopped"' in explanation(b))
    assert verdict(page) == "✓ Match"


def test_an_invalid_pattern_is_marked_at_its_line_and_column(page):
    type_into(page, "pattern", '{\n  "source": ["aws.ec2"],\n  "detail": {"state": "stopped"}\n}')
    problem = page.find_element(By.ID, "pattern-problem")
    expected = 'Line 3, column 23: "state" must be an object or an array'
    wait_for(page, lambda b: problem.text == expected)
    assert problem.is_displayed()
    assert verdict(page) == "Invalid pattern"
    gutter = page.find_elements(By.CSS_SELECTOR, "#pattern-editor .gutter div")
    assert [d.get_attribute("class") for d in gutter] == ["", "", "error", ""]
    mark = page.find_element(By.CSS_SELECTOR, "#pattern-editor .mark-line")
    assert mark.is_displayed()
    # The mark sits on the third line of the editor.
    area = page.find_element(By.ID, "pattern")
    line_height = float(page.execute_script("return parseFloat(getComputedStyle(arguments[0]).lineHeight)", area))
    offset = mark.location["y"] - area.location["y"]
    assert 2 * line_height <= offset < 3 * line_height


def test_loaded_rules_and_samples_can_be_picked(page):
    Select(page.find_element(By.ID, "rule-picker")).select_by_visible_text("big-orders")
    wait_for(page, lambda b: '"com.shop"' in b.find_element(By.ID, "pattern").get_attribute("value"))
    Select(page.find_element(By.ID, "sample-picker")).select_by_visible_text("S3 Object Created")
    wait_for(page, lambda b: "detail.object.key" in explanation(b))
    assert verdict(page) == "✓ Match"
    assert "TestEventPattern answers Result: true" in page.find_element(By.ID, "service-answer").text


def test_screenshot_for_the_docs(page):
    target = os.environ.get("FERRULER_SCREENSHOT")
    if not target:
        pytest.skip("FERRULER_SCREENSHOT not set")
    Select(page.find_element(By.ID, "sample-picker")).select_by_visible_text("EC2 Instance State-change Notification")
    wait_for(page, lambda b: verdict(b) == "✗ No match")
    page.execute_script("window.scrollTo(0, 0)")
    page.save_screenshot(target)

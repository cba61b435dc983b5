"""The web console in a real browser: Debian's headless Chromium driven through chromedriver (WebDriver, selenium 4).

Run by scripts/check-console, which builds the hub, agent and simulator and passes their folder in SILVERWATCH_BIN.
The tests start everything themselves on free loopback ports: a Mosquitto broker, the hub with a new SQLite file,
a simulated patient whose oximeter desaturates (speed 8, so about 15 s in), the edge agent reading it, and accounts
for every role. Screenshots of every role at desktop and phone width go to SCREENSHOT_DIR (default
.silverwatch-screenshots/) for a person to look at.

    .tools/venv/bin/python -m pytest tools/console_test.py -v
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("SILVERWATCH_BIN", ROOT / ".build" / "debug"))
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / ".silverwatch-screenshots"))
DESKTOP = (1280, 900)
PHONE = (390, 844)


def free_port():
    """A loopback port nothing listens on, below the kernel's ephemeral range (as scripts/lib.sh picks them)."""
    for _ in range(200):
        port = 20000 + secrets.randbelow(12000)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


def wait_until(condition, timeout, interval=0.05, message="condition"):
    """Polls `condition` until it returns something truthy; that value, or a failed test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except StaleElementReferenceException:
            value = None  # the page re-rendered under the condition: look again
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


class API:
    """The hub's HTTP API as one signed-in person uses it."""

    def __init__(self, base, username, password):
        self.base = base
        self.token = self.call("POST", "/api/v1/auth/login", {"username": username, "password": password})["accessToken"]

    def call(self, method, path, body=None, expect=(200, 201, 204)):
        request = urllib.request.Request(self.base + path, method=method, data=None if body is None else json.dumps(body).encode())
        request.add_header("content-type", "application/json")
        if getattr(self, "token", None):
            request.add_header("authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        assert status in expect, f"{method} {path} answered {status}: {text}"
        return json.loads(text) if text else None


class Deployment:
    """Broker, hub, simulator and agent as processes of this test run."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="silverwatch-console-"))
        self.processes = {}
        self.database = self.dir / "hub.sqlite"
        self.broker_port = free_port()
        self.http_port = free_port()
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.passwords = {name: secrets.token_urlsafe(15) for name in ["admin", "nurse", "nurse2", "technician", "patient"]}

    def start(self):
        conf = self.dir / "mosquitto.conf"
        lines = [f"listener {self.broker_port} 127.0.0.1", f"log_dest file {self.dir}/mosquitto.log", "allow_anonymous true", "persistence false"]
        if os.getuid() == 0:
            lines.append("user root")
        conf.write_text("\n".join(lines) + "\n")
        self.spawn("broker", ["/usr/sbin/mosquitto", "-c", str(conf)])
        wait_until(lambda: self.listening(self.broker_port), 10, message="the broker")

        hub = str(BIN / "silverwatch-hub")
        subprocess.run([hub, "bootstrap-admin", "--database", str(self.database), "--username", "admin", "--password-hash-cost", "4"],
                       input=self.passwords["admin"] + "\n", text=True, check=True, capture_output=True)
        self.ada = int(subprocess.run([hub, "add-patient", "--database", str(self.database), "Ada Lovelace"],
                                      check=True, capture_output=True, text=True).stdout.strip())
        self.grace = int(subprocess.run([hub, "add-patient", "--database", str(self.database), "Grace Hopper"],
                                        check=True, capture_output=True, text=True).stdout.strip())
        for device in ["serial-oximeter", "ble-oximeter", "heart-rate", "thermometer"]:
            subprocess.run([hub, "assign-device", "--database", str(self.database), "--gateway", "gw-console", device, str(self.ada)],
                           check=True, capture_output=True)
        self.start_hub()

        admin = API(self.base, "admin", self.passwords["admin"])
        self.ids = {}
        for name, role, extra in [("nurse", "caregiver", {"title": "Registered nurse"}), ("nurse2", "caregiver", {"title": "Nurse"}),
                                  ("technician", "technician", {}), ("patient", "patient", {"patientId": self.ada})]:
            account = admin.call("POST", "/api/v1/accounts", {"username": name, "displayName": name.title(), "role": role,
                                                               "password": self.passwords[name], **extra})
            self.ids[name] = account["id"]
        admin.call("PUT", f"/api/v1/patients/{self.ada}/care-team/{self.ids['nurse']}")
        admin.call("PUT", f"/api/v1/patients/{self.grace}/care-team/{self.ids['nurse2']}")
        # The desaturation alarms after 5 s below 90 % instead of the default 60, so the test waits seconds, not minutes.
        admin.call("PUT", f"/api/v1/patients/{self.ada}/rules", {"overrides": [
            {"id": "spo2-low", "bands": [{"priority": "high", "limit": 90, "sustainSeconds": 5}], "rateOfChange": None}]})
        # The nurse sees patients every day from 06:00 to 22:00 UTC, so the patient always finds a slot.
        weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        admin.call("PUT", f"/api/v1/staff/{self.ids['nurse']}/availability", {
            "timeZone": "UTC", "bufferMinutes": 0,
            "weekly": [{"weekday": day, "start": "06:00", "end": "22:00", "location": location}
                       for day in weekdays for location in ["clinic"]]})

    def start_devices(self):
        """The simulated patient and the agent; the desaturation begins about 15 s after this."""
        devices = self.dir / "devices"
        devices.mkdir(exist_ok=True)
        listing = open(self.dir / "devices.txt", "w")
        self.spawn("simulator", [str(BIN / "silverwatch-simulator"), "--scenario", "desaturation", "--devices", str(devices), "--speed", "8"],
                   stdout=listing)
        paths = wait_until(lambda: self.device_paths(), 20, message="the simulator's devices")
        formats = {"serial-oximeter": ("cms50", "serial"), "ble-oximeter": ("plx-continuous", "socket"),
                   "heart-rate": ("heart-rate", "socket"), "thermometer": ("temperature", "socket")}
        config = {"gateway": "gw-console", "broker": {"host": "127.0.0.1", "port": self.broker_port},
                  "outbox": {"path": str(self.dir / "outbox.sqlite")}, "statusIntervalSeconds": 10,
                  "devices": [{"id": name, "model": "simulated", "channels": [{"format": fmt, kind: paths[name]}]}
                              for name, (fmt, kind) in formats.items()]}
        (self.dir / "agent.json").write_text(json.dumps(config))
        self.spawn("agent", [str(BIN / "silverwatch-agent"), "--config", str(self.dir / "agent.json")])

    def device_paths(self):
        try:
            rows = [line.split("\t") for line in (self.dir / "devices.txt").read_text().splitlines()]
        except FileNotFoundError:
            return None
        paths = {row[0]: row[2] for row in rows if len(row) >= 3}
        return paths if {"serial-oximeter", "ble-oximeter", "heart-rate", "thermometer"} <= paths.keys() else None

    def start_hub(self):
        self.spawn("hub", [str(BIN / "silverwatch-hub"), "serve", "--database", str(self.database), "--broker-port", str(self.broker_port),
                           "--http-port", str(self.http_port), "--password-hash-cost", "4"])
        wait_until(lambda: self.listening(self.http_port), 30, message="the hub's HTTP server")

    def stop_hub(self):
        process = self.processes.pop("hub")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    def spawn(self, name, arguments, stdout=None):
        log = open(self.dir / f"{name}.log", "a")
        self.processes[name] = subprocess.Popen(arguments, stdout=stdout or log, stderr=log, start_new_session=True)

    @staticmethod
    def listening(port):
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    def stop(self):
        for process in reversed(list(self.processes.values())):
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    def log_tail(self, name, lines=40):
        path = self.dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


@pytest.fixture(scope="session")
def deployment():
    deployment = Deployment()
    try:
        deployment.start()
        yield deployment
    finally:
        deployment.stop()
        if os.environ.get("KEEP_STATE"):
            print(f"state kept in {deployment.dir}")
        else:
            shutil.rmtree(deployment.dir, ignore_errors=True)


class Browser:
    """One Chromium window, signed in as one person."""

    def __init__(self, deployment, size=DESKTOP):
        options = webdriver.ChromeOptions()
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={size[0]},{size[1]}",
                         "--lang=en-GB", "--force-prefers-reduced-motion"]:
            options.add_argument(argument)
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
        self.driver.set_window_size(*size)
        self.deployment = deployment
        self.console_errors = []

    def open(self, path=""):
        self.driver.get(self.deployment.base + "/" + path)

    def sign_in(self, username):
        self.open()
        self.find("username").send_keys(username)
        self.find("password").send_keys(self.deployment.passwords[username])
        self.find("sign-in").click()
        wait_until(lambda: self.visible("whoami"), 15, message=f"{username} signed in")

    def find(self, test, timeout=10, within=None):
        selector = f'[data-test="{test}"]'
        return wait_until(lambda: next(iter((within or self.driver).find_elements(By.CSS_SELECTOR, selector)), None), timeout, message=selector)

    def all(self, test, **attributes):
        selector = f'[data-test="{test}"]' + "".join(f'[data-{key.replace("_", "-")}="{value}"]' for key, value in attributes.items())
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def visible(self, test):
        return any(element.is_displayed() for element in self.all(test))

    def go(self, nav):
        """Follows a navigation link, opening the collapsed menu first when the page is narrow."""
        link = self.find(nav)
        if not link.is_displayed():
            toggles = [e for e in self.driver.find_elements(By.CSS_SELECTOR, '[aria-controls][aria-expanded]') if e.is_displayed()]
            if toggles:
                toggles[0].click()
        wait_until(lambda: link.is_displayed(), 5, message=f"{nav} shown")
        link.click()

    def severe_console_messages(self, ignoring=()):
        messages = [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]
        return [m for m in messages if not any(part in m for part in ignoring)]

    def screenshot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))

    def quit(self):
        if self.driver is not None:
            self.driver.quit()
            self.driver = None


@pytest.fixture
def browsers(deployment):
    opened = []

    def open_browser(size=DESKTOP):
        browser = Browser(deployment, size)
        opened.append(browser)
        return browser

    yield open_browser
    for browser in opened:
        browser.quit()


def test_a_desaturation_shows_live_on_the_caregivers_page_within_two_seconds_and_is_acknowledged_there(deployment, browsers):
    nurse = browsers()
    nurse.sign_in("nurse")
    nurse.go("nav-alerts")
    deployment.start_devices()

    # When the hub stored the alert: the API lists it from its commit on (polled every 50 ms, in a thread of its own).
    api = API(deployment.base, "nurse", deployment.passwords["nurse"])
    stored = {}

    def watch_api():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "at" not in stored:
            items = api.call("GET", f"/api/v1/alerts?patientId={deployment.ada}&priority=high&state=open")["items"]
            if items:
                stored.update(at=time.monotonic(), id=items[0]["id"])
            time.sleep(0.05)

    watcher = threading.Thread(target=watch_api, daemon=True)
    watcher.start()
    card = wait_until(lambda: next(iter(nurse.all("alert", priority="high")), None), 120, interval=0.05,
                      message="a high-priority alert on the nurse's page\n" + deployment.log_tail("hub"))
    shown_at = time.monotonic()
    watcher.join(timeout=5)
    assert "at" in stored, "the API never listed the alert the page shows"
    assert card.get_attribute("data-alert-id") == str(stored["id"])
    assert shown_at - stored["at"] < 2.0, f"the alert showed {shown_at - stored['at']:.2f} s after the hub stored it"
    # Priority in words as well as colour, and announced to screen readers.
    assert "high" in card.text.lower()
    region = nurse.find("live-region")
    wait_until(lambda: "oxygen" in region.get_attribute("textContent").lower() or "spo" in region.get_attribute("textContent").lower(), 5,
               message="the alert announced in the live region")

    nurse.find("acknowledge", within=card).click()
    confirm = nurse.all("dialog-confirm")
    if confirm and confirm[0].is_displayed():
        confirm[0].click()
    wait_until(lambda: api.call("GET", f"/api/v1/alerts/{stored['id']}")["alert"]["status"] == "acknowledged", 10,
               message="the alert acknowledged in the hub")
    wait_until(lambda: any(c.get_attribute("data-status") == "acknowledged" for c in nurse.all("alert", alert_id=stored["id"])), 10,
               message="the page showing the alert acknowledged")
    history = api.call("GET", f"/api/v1/alerts/{stored['id']}")["history"]
    assert any("acknowledged" in event["event"] and event.get("actorId") == deployment.ids["nurse"] for event in history), \
        f"the acknowledgement is not the nurse's: {history}"
    assert nurse.severe_console_messages() == []


@pytest.mark.parametrize("username, sees, never", [
    ("nurse", ["nav-patients", "nav-alerts", "nav-chat", "nav-appointments"], ["nav-admin", "nav-gateways", "nav-me"]),
    ("technician", ["nav-devices", "nav-gateways", "nav-alerts"], ["nav-patients", "nav-admin", "nav-me"]),
    ("patient", ["nav-me", "nav-appointments", "nav-chat"], ["nav-patients", "nav-alerts", "nav-devices", "nav-admin", "nav-gateways"]),
    ("admin", ["nav-patients", "nav-admin", "nav-devices"], ["nav-me", "nav-chat"]),
])
def test_each_role_is_offered_only_its_own_views(deployment, browsers, username, sees, never):
    browser = browsers()
    browser.sign_in(username)
    for nav in sees:
        assert browser.all(nav), f"{username} has no {nav}"
    for nav in never:
        assert not browser.all(nav), f"{username} is offered {nav}"
    assert browser.severe_console_messages() == []


def test_caregivers_see_their_own_patients_only_and_admins_all(deployment, browsers):
    for username, expected in [("nurse", {deployment.ada}), ("nurse2", {deployment.grace}), ("admin", {deployment.ada, deployment.grace})]:
        browser = browsers()
        browser.sign_in(username)
        browser.go("nav-patients")
        rows = wait_until(lambda: browser.all("patient"), 10, message=f"{username}'s patients")
        wait_until(lambda: {int(row.get_attribute("data-patient-id")) for row in browser.all("patient")} == expected, 10,
                   message=f"{username} to see exactly patients {expected}, not {[r.get_attribute('data-patient-id') for r in rows]}")
        # A patient off the care team is not shown even by its address.
        other = deployment.grace if username == "nurse" else deployment.ada
        if username != "admin":
            browser.open(f"#/patients/{other}")
            time.sleep(1)
            assert ("Grace" if other == deployment.grace else "Ada") not in browser.driver.find_element(By.ID, "main").text
        browser.quit()


def test_the_patient_sees_their_readings_in_plain_words_and_no_alerts(deployment, browsers):
    patient = browsers()
    patient.sign_in("patient")
    patient.go("nav-me")
    main = patient.driver.find_element(By.ID, "main")
    wait_until(lambda: "oxygen" in main.text.lower(), 30, message="the patient's oxygen reading in words")
    patient.open("#/alerts")
    time.sleep(1)
    assert not patient.all("alert")


def test_a_patient_books_an_appointment_and_cancels_it(deployment, browsers):
    patient = browsers()
    patient.sign_in("patient")
    api = API(deployment.base, "patient", deployment.passwords["patient"])
    before = {a["id"] for a in api.call("GET", "/api/v1/appointments")["items"]}
    patient.go("nav-appointments")
    patient.find("book").click()
    staff = patient.find("book-staff")
    if staff.tag_name == "select":
        Select(staff).select_by_value(str(deployment.ids["nurse"]))
    kind = patient.find("book-type")
    if kind.tag_name == "select":
        Select(kind).select_by_value("clinic-visit")
    slot = patient.find("slot", timeout=15)
    start = slot.get_attribute("data-start")
    slot.click()
    confirm = patient.all("dialog-confirm")
    if confirm and confirm[0].is_displayed():
        confirm[0].click()
    booked = wait_until(lambda: [a for a in api.call("GET", "/api/v1/appointments")["items"] if a["id"] not in before], 10,
                        message="the booking in the hub")[0]
    assert booked["staffId"] == deployment.ids["nurse"] and booked["type"] == "clinic-visit" and booked["start"] == start
    patient.go("nav-appointments")
    row = patient.find("appointment", timeout=10)
    row = wait_until(lambda: next(iter(patient.all("appointment", appointment_id=booked["id"])), None), 10, message="the new appointment listed")
    cancel = patient.find("cancel-appointment", within=row) if row.find_elements(By.CSS_SELECTOR, '[data-test="cancel-appointment"]') else None
    if cancel is None:
        row.find_element(By.CSS_SELECTOR, "a, button").click()
        cancel = patient.find("cancel-appointment")
    cancel.click()
    reason = patient.find("cancel-reason")
    reason.send_keys("Feeling better")
    patient.find("dialog-confirm").click()
    wait_until(lambda: api.call("GET", f"/api/v1/appointments/{booked['id']}")["appointment"]["status"] == "cancelled", 10,
               message="the cancellation in the hub")
    history = api.call("GET", f"/api/v1/appointments/{booked['id']}")["history"]
    assert any(change["action"] == "cancel" and change.get("reason") == "Feeling better" and change.get("actorId") == deployment.ids["patient"]
               for change in history), f"the cancellation is not the patient's with its reason: {history}"
    assert patient.severe_console_messages() == []


def test_a_message_typed_by_the_patient_appears_on_the_caregivers_page(deployment, browsers):
    patient_api = API(deployment.base, "patient", deployment.passwords["patient"])
    conversation = patient_api.call("POST", "/api/v1/conversations", {"kind": "patient", "title": "Questions", "patientId": deployment.ada})
    nurse = browsers()
    nurse.sign_in("nurse")
    nurse.open(f"#/chat/{conversation['id']}")
    nurse.find("message-input")
    patient = browsers()
    patient.sign_in("patient")
    patient.open(f"#/chat/{conversation['id']}")
    text = f"My finger clip keeps slipping ({secrets.token_hex(3)})"
    patient.find("message-input").send_keys(text)
    patient.find("send").click()
    started = time.monotonic()
    wait_until(lambda: any(text in m.text for m in nurse.all("message")), 5, message="the patient's message on the nurse's page")
    print(f"message shown to the nurse {time.monotonic() - started:.2f} s after sending")
    # Text is shown as text, never as markup.
    hostile = "<img src=x onerror=alert(1)> <b>bold</b>"
    patient.find("message-input").send_keys(hostile)
    patient.find("send").click()
    wait_until(lambda: any(hostile in m.text for m in nurse.all("message")), 5, message="markup shown as text")
    assert not nurse.driver.find_elements(By.CSS_SELECTOR, '[data-test="message"] img, [data-test="message"] b')
    assert nurse.severe_console_messages() == [] and patient.severe_console_messages() == []


def test_the_connection_banner_shows_while_the_hub_is_away_and_clears_when_it_returns(deployment, browsers):
    nurse = browsers()
    nurse.sign_in("nurse")
    assert not nurse.visible("connection-banner")
    deployment.stop_hub()
    try:
        wait_until(lambda: nurse.visible("connection-banner"), 10, message="the connection-lost banner")
        assert nurse.find("connection-banner").get_attribute("role") in ("alert", "status")
    finally:
        deployment.start_hub()
    wait_until(lambda: not nurse.visible("connection-banner"), 30, message="the banner to clear on reconnection")


def test_signing_in_and_moving_around_works_by_keyboard_alone(deployment, browsers):
    browser = browsers()
    browser.open()
    username = browser.find("username")
    assert browser.driver.switch_to.active_element == username, "the sign-in page does not start in the username field"
    username.send_keys("nurse", Keys.TAB)
    browser.driver.switch_to.active_element.send_keys(deployment.passwords["nurse"], Keys.ENTER)
    wait_until(lambda: browser.visible("whoami"), 15, message="signed in by keyboard")
    # The skip link is the first thing Tab reaches on the page, and it takes focus to the main content.
    first = browser.driver.execute_script(
        "return [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]"
        ".find(e => e.tabIndex >= 0 && !e.disabled)")
    assert first.get_attribute("data-test") == "skip-link", f"the first focusable element is {first.get_attribute('outerHTML')[:120]}"
    browser.driver.execute_script("arguments[0].focus()", first)
    browser.driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait_until(lambda: browser.driver.execute_script("return document.activeElement && document.activeElement.closest('main') !== null"), 5,
               message="focus in the main content after the skip link")
    # A view is reached from the navigation with Enter, and focus lands in the new view, not back at the top.
    nav = browser.find("nav-alerts")
    browser.driver.execute_script("arguments[0].focus()", nav)
    browser.driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait_until(lambda: browser.driver.execute_script("return location.hash") == "#/alerts", 5, message="the alerts view")
    wait_until(lambda: browser.driver.execute_script("return document.activeElement.closest('main') !== null"), 5,
               message="focus moved into the alerts view")


@pytest.mark.parametrize("size, label", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_every_role_fits_the_screen_and_is_photographed(deployment, browsers, size, label):
    views = {"nurse": ["nav-patients", "nav-alerts"], "technician": ["nav-devices"], "patient": ["nav-me", "nav-appointments"],
             "admin": ["nav-admin"]}
    for username, navs in views.items():
        browser = browsers(size)
        browser.sign_in(username)
        for nav in navs:
            browser.go(nav)
            time.sleep(1.5)
            overflow = browser.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{username}'s {nav} scrolls sideways by {overflow} px at {label} width"
            browser.screenshot(f"{username}-{nav.removeprefix('nav-')}-{label}")
        if username == "nurse":
            browser.open(f"#/patients/{deployment.ada}")
            time.sleep(2)
            browser.screenshot(f"nurse-patient-{label}")
        assert browser.severe_console_messages() == []
        browser.quit()

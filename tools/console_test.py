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


def raise_alert(deployment, rule_id):
    """A new low-priority alert for Ada, raised by the hub itself: a rule of her own that her heart rate (read every
    second, far above 21 bpm) is past at once. Returns the alert as the API lists it."""
    deployment.ensure_devices()
    admin = deployment.admin()
    overrides = admin.call("GET", f"/api/v1/patients/{deployment.ada}/rules")["overrides"]["overrides"]
    overrides = [rule for rule in overrides if rule["id"] != rule_id] + [
        {"id": rule_id, "vital": "heart-rate", "direction": "above", "bands": [{"priority": "low", "limit": 21, "sustainSeconds": 0}]}]
    admin.call("PUT", f"/api/v1/patients/{deployment.ada}/rules", {"overrides": overrides})

    def raised():
        items = admin.call("GET", f"/api/v1/alerts?patientId={deployment.ada}&state=open&limit=500")["items"]
        return next((alert for alert in items if alert["cause"].get("ruleId") == rule_id), None)
    return wait_until(raised, 60, interval=0.2, message=f"the hub to raise an alert by rule {rule_id}\n" + deployment.log_tail("hub"))


def drop_test_rules(deployment):
    """Ada's rules as the deployment set them (the test rules of raise_alert gone)."""
    admin = deployment.admin()
    overrides = admin.call("GET", f"/api/v1/patients/{deployment.ada}/rules")["overrides"]["overrides"]
    admin.call("PUT", f"/api/v1/patients/{deployment.ada}/rules",
               {"overrides": [rule for rule in overrides if not rule["id"].startswith("console-")]})


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

        admin = self.admin()
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

    def admin(self):
        """The admin's API, signed in once and again only when its token nears its 10 min: the hub lets one address
        try signing in 20 times in 5 minutes, and the browsers of the tests need most of those."""
        if getattr(self, "admin_api", None) is None or time.monotonic() - self.admin_since > 480:
            self.admin_api, self.admin_since = API(self.base, "admin", self.passwords["admin"]), time.monotonic()
        return self.admin_api

    def ensure_devices(self):
        """The simulated patient and the agent, started once for the whole run (by whichever test needs them first)."""
        if "agent" not in self.processes:
            self.start_devices()

    def device_paths(self):
        try:
            rows = [line.split("\t") for line in (self.dir / "devices.txt").read_text().splitlines()]
        except FileNotFoundError:
            return None
        paths = {row[0]: row[2] for row in rows if len(row) >= 3}
        return paths if {"serial-oximeter", "ble-oximeter", "heart-rate", "thermometer"} <= paths.keys() else None

    def start_hub(self):
        self.spawn("hub", [str(BIN / "silverwatch-hub"), "serve", "--database", str(self.database), "--broker-port", str(self.broker_port),
                           "--http-port", str(self.http_port), "--password-hash-cost", "4",
                           # Every test signs in afresh from this one address; the default 20 in 5 minutes is for people.
                           "--sign-ins-per-address", "1000"])
        wait_until(lambda: self.listening(self.http_port), 30, message="the hub's HTTP server")

    def stop_hub(self):
        process = self.processes.pop("hub")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    def pause_hub(self, paused):
        """Freezes the hub (SIGSTOP) or lets it go on (SIGCONT): its sockets stay open but say nothing, like a dead link."""
        self.processes["hub"].send_signal(signal.SIGSTOP if paused else signal.SIGCONT)

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

    def network(self, offline=False, latency=0):
        """Emulates the browser's network going away, or slowing down, through the DevTools protocol."""
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                                    {"offline": offline, "latency": latency, "downloadThroughput": -1, "uploadThroughput": -1})

    def card(self, alert_id):
        return next(iter(self.all("alert", alert_id=alert_id)), None)

    def announcements(self):
        return self.driver.execute_script(
            "return [...document.querySelectorAll('[data-test=\"live-region\"] [data-test=\"announcement\"]')].map(e => e.textContent)")

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
    deployment.ensure_devices()

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
    shown = raise_alert(deployment, "console-banner")
    nurse = browsers()
    nurse.sign_in("nurse")
    nurse.go("nav-alerts")
    wait_until(lambda: nurse.card(shown["id"]), 15, message="the alert listed before the hub goes away")
    assert not nurse.visible("connection-banner")
    # What a screen reader hears of the banner: its text without the parts hidden from it.
    spoken = """const copy = document.querySelector('[data-test="connection-banner"]').cloneNode(true);
                copy.querySelectorAll('[aria-hidden="true"]').forEach((e) => e.remove());
                return copy.textContent;"""
    deployment.stop_hub()
    try:
        wait_until(lambda: nurse.visible("connection-banner"), 10, message="the connection-lost banner")
        banner = nurse.find("connection-banner")
        assert banner.get_attribute("role") in ("alert", "status")
        # Said once: the countdown changes every second and attempts come and go, but not what the alert region says,
        # and "Reconnect now" stays the same button, so the keyboard stays on it.
        reconnect = nurse.find("reconnect")
        nurse.driver.execute_script("arguments[0].focus()", reconnect)
        first = nurse.driver.execute_script(spoken)
        assert "Connection lost" in first
        for _ in range(6):
            time.sleep(0.5)
            assert nurse.driver.execute_script(spoken) == first, "the banner's announced text changed while the hub was away"
        reconnect.click()
        time.sleep(1)
        assert nurse.driver.execute_script("return document.activeElement && document.activeElement.dataset.test") == "reconnect", \
            "focus left Reconnect now"
    finally:
        deployment.start_hub()
    wait_until(lambda: not nurse.visible("connection-banner"), 30, message="the banner to clear on reconnection")
    # The list was loaded again or replayed, never emptied: the alert is still there.
    time.sleep(1)
    assert nurse.card(shown["id"]), "the alert left the list after the reconnection"
    drop_test_rules(deployment)


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


def test_an_alert_raised_while_the_browser_was_offline_appears_when_it_is_back_and_the_others_stay(deployment, browsers):
    before = raise_alert(deployment, "console-before-offline")
    nurse = browsers()
    nurse.sign_in("nurse")
    nurse.go("nav-alerts")
    wait_until(lambda: nurse.card(before["id"]), 15, message="the alert raised before going offline")
    nurse.network(offline=True)
    try:
        wait_until(lambda: nurse.visible("connection-banner"), 10, message="the banner once the browser is offline")
        during = raise_alert(deployment, "console-while-offline")
        time.sleep(1)
        assert not nurse.card(during["id"]), "an alert reached a browser that was offline"
    finally:
        nurse.network(offline=False)
    wait_until(lambda: not nurse.visible("connection-banner"), 30, message="the live socket back")
    wait_until(lambda: nurse.card(during["id"]), 10, message="the alert raised while offline, replayed on reconnection")
    assert nurse.card(before["id"]), "the alert shown before the reconnection is gone"
    drop_test_rules(deployment)


def test_a_hub_that_stops_answering_without_closing_the_socket_is_noticed(deployment, browsers):
    # A frozen hub keeps its sockets open and sends nothing, as a dead link (a NAT that forgot it) does: only the
    # missing heartbeats (one every 15 s) tell, after 40 s.
    deployment.ensure_devices()
    nurse = browsers()
    nurse.sign_in("nurse")
    nurse.go("nav-alerts")
    time.sleep(2)
    deployment.pause_hub(True)
    try:
        wait_until(lambda: nurse.visible("connection-banner"), 55, interval=0.5, message="the banner for a silent connection")
    finally:
        deployment.pause_hub(False)
    wait_until(lambda: not nurse.visible("connection-banner"), 30, message="the banner to clear once the hub answers again")


def test_switching_quickly_between_two_patients_never_shows_the_first_on_the_seconds_page(deployment, browsers):
    admin = browsers()
    admin.sign_in("admin")
    admin.go("nav-patients")
    admin.find("patient", timeout=15)
    # Every heading the page ever shows, recorded as it is added.
    admin.driver.execute_script("""
        window.headings = [];
        new MutationObserver((records) => {
          for (const record of records) for (const node of record.addedNodes) {
            if (node.nodeType !== 1) continue;
            for (const h1 of [node, ...node.querySelectorAll('h1')].filter((e) => e.matches('h1'))) window.headings.push(h1.textContent);
          }
        }).observe(document.getElementById('main'), {childList: true, subtree: true});""")
    # Slow enough that Ada's page is still waiting for the hub when Grace's is asked for.
    admin.network(latency=400)
    try:
        admin.driver.execute_script(f"location.hash = '#/patients/{deployment.ada}'")
        time.sleep(0.15)
        admin.driver.execute_script(f"location.hash = '#/patients/{deployment.grace}'")
        wait_until(lambda: "Grace Hopper" in admin.driver.execute_script("return window.headings"), 15, message="Grace's page")
        time.sleep(3)
    finally:
        admin.network()
    headings = admin.driver.execute_script("return window.headings")
    assert "Ada Lovelace" not in headings, f"Ada's page showed while Grace's was asked for: {headings}"
    shown = [e.text for e in admin.driver.find_elements(By.CSS_SELECTOR, "main h1")]
    assert shown == ["Grace Hopper"], f"the page shows {shown}"
    assert admin.severe_console_messages() == []


def test_the_overview_shows_the_open_alerts_when_the_vitals_cannot_be_read(deployment, browsers):
    alert = raise_alert(deployment, "console-overview")
    nurse = browsers()
    nurse.sign_in("nurse")
    nurse.go("nav-alerts")
    nurse.driver.execute_cdp_cmd("Network.enable", {})
    nurse.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/api/v1/vitals/latest*"]})
    try:
        nurse.go("nav-patients")
        wait_until(lambda: nurse.card(alert["id"]), 10, message="the open alert on the overview although its vitals failed")
        section = nurse.driver.find_element(By.CSS_SELECTOR, 'section[aria-labelledby="patients-title"]')
        wait_until(lambda: section.find_elements(By.CSS_SELECTOR, ".form-error"), 10, message="the vitals' failure said in their section")
        assert "No patients" not in section.text, "a failure to read the vitals is shown as having no patients"
    finally:
        nurse.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    nurse.find("retry", within=section).click()
    wait_until(lambda: nurse.all("patient", patient_id=deployment.ada), 10, message="the vitals after trying again")
    drop_test_rules(deployment)


def test_a_malformed_address_shows_page_not_found_and_the_console_goes_on(deployment, browsers):
    nurse = browsers()
    nurse.sign_in("nurse")
    nurse.open("#/patients/%E0")
    wait_until(lambda: "not found" in nurse.driver.find_element(By.CSS_SELECTOR, "main h1").text.lower(), 10, message="page not found")
    nurse.go("nav-alerts")
    wait_until(lambda: nurse.driver.find_element(By.CSS_SELECTOR, "main h1").text == "Alerts", 10, message="the alerts view after it")


def test_signing_out_clears_the_announcer_and_any_open_dialog(deployment, browsers):
    nurse = browsers()
    nurse.sign_in("nurse")
    nurse.go("nav-alerts")
    alert = raise_alert(deployment, "console-sign-out")
    wait_until(lambda: any("Heart rate above" in text for text in nurse.announcements()), 10, message="the new alert announced")
    card = wait_until(lambda: nurse.card(alert["id"]), 10, message="the new alert listed")
    nurse.find("resolve", within=card).click()
    wait_until(lambda: nurse.driver.find_elements(By.CSS_SELECTOR, "dialog[open]"), 5, message="the resolve dialog")

    # The session ends elsewhere (signed out from another device): this tab learns it from its live socket.
    nurse.driver.execute_script("""
        const token = JSON.parse(sessionStorage.getItem('silverwatch.session')).accessToken;
        fetch('/api/v1/auth/logout', {method: 'POST', headers: {authorization: `Bearer ${token}`}});""")
    nurse.find("username", timeout=20)
    assert not nurse.driver.find_elements(By.CSS_SELECTOR, "dialog"), "a dialog of the ended session is still open"
    assert nurse.announcements() == [], "the announcer still shows what it said to the person who left"

    # Signing out by hand clears the same, and forgets where to go after the next sign-in.
    nurse.sign_in("nurse")
    nurse.go("nav-alerts")
    second = raise_alert(deployment, "console-sign-out-2")
    wait_until(lambda: nurse.announcements(), 10, message="an announcement before signing out")
    nurse.driver.execute_script(f"sessionStorage.setItem('silverwatch.after-sign-in', '#/alerts/{second['id']}')")
    nurse.find("sign-out").click()
    nurse.find("username", timeout=10)
    assert nurse.announcements() == []
    assert nurse.driver.execute_script("return sessionStorage.getItem('silverwatch.after-sign-in')") is None
    drop_test_rules(deployment)


def test_a_nurse_saves_weekly_hours_and_the_hub_keeps_them(deployment, browsers):
    nurse = browsers()
    nurse.sign_in("nurse2")
    nurse.go("nav-account")
    nurse.find("my-hours").click()
    nurse.find("add-weekly-hours").click()
    row = nurse.all("weekly-hours")[-1]
    Select(nurse.find("hours-weekday", within=row)).select_by_value("tuesday")
    for test, value in [("hours-start", "08:30"), ("hours-end", "12:00")]:
        nurse.driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}))",
                                    nurse.find(test, within=row), value)
    Select(nurse.find("hours-location", within=row)).select_by_value("home")
    nurse.find("save-hours").click()
    saved = wait_until(lambda: deployment.admin().call("GET", f"/api/v1/staff/{deployment.ids['nurse2']}/availability").get("availability"), 10,
                       message="the hours in the hub")
    assert {"weekday": "tuesday", "start": "08:30", "end": "12:00", "location": "home"} in saved["weekly"], saved
    wait_until(lambda: "Hours saved" in nurse.driver.find_element(By.ID, "main").text, 5, message="the hours said to be saved")
    assert nurse.severe_console_messages() == []


def test_a_technician_registers_a_device_from_the_devices_page(deployment, browsers):
    technician = browsers()
    technician.sign_in("technician")
    technician.go("nav-devices")
    device = f"console-{secrets.token_hex(3)}"
    technician.find("register-device-id", timeout=15).send_keys(device)
    technician.find("register-gateway-id").send_keys("gw-console")
    technician.find("register-device").click()
    wait_until(lambda: technician.all("device", device_id=device), 10, message="the registered device listed")
    registered = deployment.admin().call("GET", f"/api/v1/devices/{device}")
    assert registered["device"]["gatewayId"] == "gw-console"
    assert technician.severe_console_messages() == []

#!/usr/bin/python3
"""browser.py: `kasan serve` in a real browser (Debian's chromium, headless,
driven by chromedriver through python3-selenium; no browser is downloaded).

Logs in with the stub login (KEYS/stub-logins) using only the keyboard,
moves through the section's navigation with Tab and Enter, follows the skip
link, opens the downloads, checks that the style sheet applies under the
Content-Security-Policy, that the session cookie is invisible to scripts,
that an operator name with <script> runs nothing, and logs out, after which
every page is the login page again.
Exits 77 (meson: SKIP) when chromium, chromedriver or selenium is missing:
never passes without a browser.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

KASAN = os.environ.get("KASAN", "build/kasan")
CHROMIUM = os.environ.get("KASAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
PASS = FAIL = 0


def check(cond, label, detail=""):
    global PASS, FAIL
    if cond:
        PASS += 1
        print("ok - " + label)
    else:
        FAIL += 1
        print("FAIL - %s: %s" % (label, detail))


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


try:
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
except ImportError:
    skip("python3-selenium is not installed")
if not (os.access(CHROMIUM, os.X_OK) and os.access(DRIVER, os.X_OK)):
    skip("chromium or chromedriver is not installed")


def start_server(root):
    keys = os.path.join(root, "keys")
    os.mkdir(keys, 0o700)
    with open(os.path.join(keys, "stub-logins"), "w") as f:
        f.write("clerk1 draft,approve <script>alert(1)</script> correct horse battery\n")
    os.chmod(os.path.join(keys, "stub-logins"), 0o600)
    out = os.path.join(root, "out")
    os.makedirs(os.path.join(out, "2025-04"))
    with open(os.path.join(out, "2025-04", "payments.csv"), "w") as f:
        f.write("month,nursery_id,program,rule_version,amount_yen\n")
    p = subprocess.Popen([KASAN, "serve", "--listen", "127.0.0.1:0", "--keys", keys, "--out", out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    m = re.search(r"listening on (http://127\.0\.0\.1:\d+/)", p.stdout.readline())
    if not m:
        p.kill()
        raise SystemExit("serve did not start: " + p.stderr.read())
    return p, m.group(1)


def browser(profile):
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run",
              "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1200,900"]:
        opts.add_argument(a)
    return webdriver.Chrome(service=Service(DRIVER), options=opts)


def active(d):
    return d.switch_to.active_element


def tab_until(d, text, limit=20):
    """Presses Tab until the focused element's text is text; False if never."""
    for _ in range(limit):
        active(d).send_keys(Keys.TAB)
        if active(d).text.strip() == text:
            return True
    return False


def no_alert(d):
    try:
        d.switch_to.alert
        return False
    except NoAlertPresentException:
        return True


def main():
    root = tempfile.mkdtemp(prefix="kasan-browser-")
    srv, url = start_server(root)
    d = None
    try:
        try:
            d = browser(os.path.join(root, "profile"))
        except Exception as e:  # a browser that cannot start here is a failure, not a skip
            check(False, "chromium starts headless", repr(e)[:300])
            return
        d.set_page_load_timeout(30)
        d.get(url)
        check(d.current_url == url + "login" and d.title == "ログイン — kasan",
              "without a session / shows the login page", d.current_url + " " + d.title)
        check(active(d).get_attribute("id") == "id", "the cursor starts in 職員ID (autofocus)")
        header = d.find_element(By.TAG_NAME, "header")
        bg = header.value_of_css_property("background-color")
        check(bg in ("rgba(238, 243, 248, 1)", "rgb(238, 243, 248)"),
              "the style sheet applies under the CSP", bg)
        # keyboard only: id, Tab, passphrase, Enter
        active(d).send_keys("clerk1")
        active(d).send_keys(Keys.TAB)
        check(active(d).get_attribute("id") == "passphrase", "Tab moves to the passphrase")
        active(d).send_keys("correct horse battery")
        active(d).send_keys(Keys.ENTER)
        time.sleep(0.3)
        check(d.current_url == url and d.title == "年度の状況 — kasan", "Enter logs in to 年度の状況",
              d.current_url + " " + d.title + " " + d.find_element(By.TAG_NAME, "main").text)
        who = d.find_element(By.CSS_SELECTOR, "header .who").text
        check("<script>alert(1)</script>" in who and no_alert(d),
              "an operator name <script> is shown as text and runs nothing", who)
        cookies = {c["name"]: c for c in d.get_cookies()}
        ck = cookies.get("kasan", {})
        check(ck.get("httpOnly") is True and ck.get("sameSite") == "Strict",
              "the session cookie is HttpOnly and SameSite=Strict", str(ck))
        check(d.execute_script("return document.cookie") == "", "scripts cannot read the session cookie")
        # the skip link comes first and leads to the main content
        d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        check(active(d).text.strip() == "本文へ移動", "the first Tab reaches the skip link",
              active(d).text)
        active(d).send_keys(Keys.ENTER)
        time.sleep(0.2)
        check(active(d).get_attribute("id") == "main", "the skip link moves the focus to <main>",
              str(active(d).get_attribute("id")))
        # through the navigation with Tab and Enter
        for label, path in [("予算", "budget"), ("月次", "month"), ("精算", "settlement"),
                            ("監査", "audit"), ("ダウンロード", "downloads")]:
            d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)  # from the top
            ok = active(d).text.strip() == label or tab_until(d, label)
            check(ok, "Tab reaches the link %s" % label)
            if not ok:
                continue
            active(d).send_keys(Keys.ENTER)
            time.sleep(0.2)
            check(d.current_url == url + path and d.title == label + " — kasan",
                  "Enter opens %s" % label, d.current_url + " " + d.title)
            cur = d.find_elements(By.CSS_SELECTOR, "nav a[aria-current=page]")
            check(len(cur) == 1 and cur[0].text == label, "the navigation marks %s as current" % label)
        # downloads: into the month's folder, a file link with its path
        ok = tab_until(d, "2025-04/", 30)
        check(ok, "Tab reaches the folder 2025-04/")
        if ok:
            active(d).send_keys(Keys.ENTER)
            time.sleep(0.2)
            links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "table.files a")]
            check(url + "download/2025-04/payments.csv" in links, "the folder lists payments.csv",
                  str(links))
        # logout with the keyboard
        d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        ok = tab_until(d, "ログアウト")
        check(ok, "Tab reaches ログアウト")
        if ok:
            active(d).send_keys(Keys.ENTER)
            time.sleep(0.3)
            check(d.current_url == url + "login", "logout returns to the login page", d.current_url)
        for path in ["", "budget", "downloads", "download/2025-04/payments.csv"]:
            d.get(url + path)
            check(d.current_url == url + "login", "after logout /%s is the login page" % path,
                  d.current_url)
    finally:
        if d:
            d.quit()
        srv.send_signal(signal.SIGTERM)
        try:
            rc = srv.wait(15)
        except subprocess.TimeoutExpired:
            srv.kill()
            rc = "hung"
        check(rc == 0, "the server stops on SIGTERM", str(rc))
        shutil.rmtree(root, ignore_errors=True)
    print("browser: %d passed, %d failed" % (PASS, FAIL))


if __name__ == "__main__":
    main()
    sys.exit(1 if FAIL or not PASS else 0)

#!/usr/bin/python3
"""browser.py: `kasan serve` in a real browser (Debian's chromium, headless,
driven by chromedriver through python3-selenium; no browser is downloaded),
running a month end to end as three operators with their own keys.

The ward: the sample ward copied without April's claim files, its rules
with an operators file written here, each operator's key made by `kasan
operator keygen --passphrase-file` (webenv.py).  Then, in the browser:
  tanaka (起案) logs in with the keyboard only (autofocus, Tab, Enter); the
  year page says April's claims are not in and that tanaka may take them;
  the skip link and the navigation work with Tab and Enter; tanaka makes
  April's claim forms, which the test fills as a nursery would
  (tests/e2e/fill_forms.py, openpyxl), uploads them through the file field,
  runs the draft (試算) and finalizes (確定); the month page then reads the
  run from the ledger; tanaka logs out with the keyboard, after which every
  page is the login page;
  sato (決裁・監査) sees April's approval summary (totals, budget position,
  who drafted it) and approves it (決裁) with the button under it;
  suzuki (振込) logs in, makes the transfer file with a date, and downloads
  it and a statement with the session;
  sato verifies the ledger on the audit page and writes a checkpoint.
After: `kasan audit verify` on the ledger the browser left (exit 0, every
signature verified, the checkpoint too), its events (the finalization by
tanaka, the approval by sato, the transfer by suzuki, all signed via web),
and `kasan audit access` naming suzuki's downloads.  The style sheet applies under the
Content-Security-Policy and scripts cannot read the session cookie.
Exits 77 (meson: SKIP) when chromium, chromedriver or selenium is missing:
never passes without a browser.
"""
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webenv  # noqa: E402

CHROMIUM = os.environ.get("KASAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
PYTHON = "/usr/bin/python3"
PASS = FAIL = 0


def check(cond, label, detail=""):
    global PASS, FAIL
    if cond:
        PASS += 1
        print("ok - " + label)
    else:
        FAIL += 1
        print("FAIL - %s: %s" % (label, str(detail)[:600]))
    return cond


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
try:
    import openpyxl  # noqa: F401  (fill_forms.py's)
except ImportError:
    skip("python3-openpyxl is not installed")


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


def tab_until(d, text, limit=40):
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


SHOTS = os.environ.get("KASAN_BROWSER_SHOTS")  # a directory: screenshots to look at


def shot(d, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        d.save_screenshot(os.path.join(SHOTS, name + ".png"))


def main_text(d):
    return d.find_element(By.TAG_NAME, "main").text


def login_keyboard(d, url, ident):
    d.get(url + "login")
    active(d).send_keys(ident)
    active(d).send_keys(Keys.TAB)
    active(d).send_keys(webenv.passphrase(ident))
    active(d).send_keys(Keys.ENTER)
    time.sleep(0.5)


def logout_keyboard(d):
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    ok = tab_until(d, "ログアウト")
    if ok:
        active(d).send_keys(Keys.ENTER)
        time.sleep(0.3)
    return ok


def submit(d, action, button_text=None):
    """Clicks the submit button of the form posting to action."""
    form = d.find_element(By.CSS_SELECTOR, 'form[action="%s"]' % action)
    buttons = form.find_elements(By.CSS_SELECTOR, "button[type=submit]")
    b = [x for x in buttons if button_text is None or x.text.strip() == button_text][0]
    b.click()
    time.sleep(0.3)


def fetch(srv, d, path):
    """GET path with the browser's session cookie: (status, headers, bytes)."""
    cookie = {c["name"]: c["value"] for c in d.get_cookies()}.get("kasan", "")
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    c.request("GET", path, headers={"Host": "127.0.0.1:%d" % srv.port, "Cookie": "kasan=" + cookie})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r, body


def run_month(d, srv, ward, url):
    root = ward["root"]
    # tanaka, with the keyboard only
    d.get(url)
    check(d.current_url == url + "login" and d.title == "ログイン — kasan",
          "without a session / shows the login page", d.current_url + " " + d.title)
    check(active(d).get_attribute("id") == "id", "the cursor starts in 職員ID (autofocus)")
    bg = d.find_element(By.TAG_NAME, "header").value_of_css_property("background-color")
    check(bg in ("rgba(238, 243, 248, 1)", "rgb(238, 243, 248)"), "the style sheet applies under the CSP", bg)
    active(d).send_keys("tanaka")
    active(d).send_keys(Keys.TAB)
    check(active(d).get_attribute("id") == "passphrase", "Tab moves to the passphrase")
    active(d).send_keys(webenv.passphrase("tanaka"))
    active(d).send_keys(Keys.ENTER)
    time.sleep(0.5)
    check(d.current_url == url and d.title == "年度の状況 — kasan", "Enter logs tanaka in to 年度の状況",
          d.current_url + " " + d.title)
    who = d.find_element(By.CSS_SELECTOR, "header .who").text
    check("田中 花子" in who and "起案" in who, "the header names the operator and role", who)
    check(no_alert(d), "no script ran")
    cookies = {c["name"]: c for c in d.get_cookies()}
    ck = cookies.get("kasan", {})
    check(ck.get("httpOnly") is True and ck.get("sameSite") == "Strict",
          "the session cookie is HttpOnly and SameSite=Strict", str(ck))
    check(d.execute_script("return document.cookie") == "", "scripts cannot read the session cookie")
    shot(d, "year")
    row = d.find_element(By.XPATH, "//tr[th/a[@href='/month?m=2025-04']]").text
    check("請求の受付" in row and "田中 花子" in row and "未対応" not in row,
          "April: claims not in, next 請求の受付 by 田中 花子", row)
    # the skip link and the navigation with Tab and Enter
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    check(active(d).text.strip() == "本文へ移動", "the first Tab reaches the skip link", active(d).text)
    active(d).send_keys(Keys.ENTER)
    time.sleep(0.2)
    check(active(d).get_attribute("id") == "main", "the skip link moves the focus to <main>")
    for label, path in [("予算", "budget"), ("月次", "month"), ("精算", "settlement"),
                        ("監査", "audit"), ("ダウンロード", "downloads")]:
        d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        ok = active(d).text.strip() == label or tab_until(d, label)
        check(ok, "Tab reaches the link %s" % label)
        if not ok:
            continue
        active(d).send_keys(Keys.ENTER)
        time.sleep(0.3)
        check(d.current_url == url + path and d.title.startswith(label),
              "Enter opens %s" % label, d.current_url + " " + d.title)
    # April's claim forms, made by tanaka, filled by "the nurseries", uploaded
    d.get(url + "month?m=2025-04")
    check("月次 — 2025年4月" in d.title, "the month page of April", d.title)
    submit(d, "/month/forms")
    text = main_text(d)
    check("通の請求書を作成しました" in text, "tanaka makes April's claim forms", text)
    forms = os.path.join(ward["out"], "2025-04", "forms")
    filled = os.path.join(root, "filled")
    p = subprocess.run([PYTHON, os.path.join(webenv.SRCDIR, "tests", "e2e", "fill_forms.py"), forms,
                        os.path.join(webenv.SRCDIR, "fixtures", "sample-ward", "claims", "2025-04"), filled],
                       capture_output=True, text=True)
    check(p.returncode == 0, "the forms filled as nurseries would (openpyxl)", p.stderr)
    files = sorted(os.path.join(filled, f) for f in os.listdir(filled) if f.endswith(".xlsx"))
    d.get(url + "month?m=2025-04")
    d.find_element(By.ID, "forms").send_keys("\n".join(files))
    submit(d, "/month/intake")
    text = main_text(d)
    check("受け付けました" in text, "%d filled forms uploaded and read in" % len(files), text)
    check(os.path.exists(os.path.join(ward["data"], "claims", "2025-04", "children.csv")),
          "DATA/claims/2025-04/children.csv written by intake")
    # draft, then finalize: the sample's April, 638,333 + 511,000 = 1,149,333 yen (README)
    d.get(url + "month?m=2025-04")
    check("1,149,333円" in main_text(d), "the month page computes April from the claims: 1,149,333円")
    submit(d, "/month/run")
    text = main_text(d)
    check("完了しました" in text and "1,149,333円" in text, "試算: done, 1,149,333円", text)
    d.get(url + "month?m=2025-04")
    submit(d, "/month/finalize")
    text = main_text(d)
    check("完了しました" in text and "台帳の記録" in text and "番号 1" in text,
          "確定 by tanaka: recorded as event 1 with its anchor", text)
    d.get(url + "month?m=2025-04")
    text = main_text(d)
    shot(d, "month")
    check("確定済み" in text and "1,149,333円" in text and "振込の権限が必要です" in text
          and "決裁の権限が必要です" in text,
          "the month page reads the finalized run; tanaka is offered no approval, no transfer", text[:400])
    d.get(url)
    row = d.find_element(By.XPATH, "//tr[th/a[@href='/month?m=2025-04']]").text
    check("決裁" in row and "佐藤 一郎" in row and "田中 花子" not in row.split("決裁")[-1],
          "April: next 決裁, by 佐藤 一郎 (not tanaka, who drafted it)", row)
    check(logout_keyboard(d), "Tab reaches ログアウト")
    check(d.current_url == url + "login", "logout returns to the login page", d.current_url)
    for path in ["", "month?m=2025-04", "downloads", "download/2025-04/payments.csv"]:
        d.get(url + path)
        check(d.current_url == url + "login", "after logout /%s is the login page" % path, d.current_url)
    # sato (決裁): the summary first, then the approval
    login_keyboard(d, url, "sato")
    d.get(url + "month?m=2025-04")
    sec = d.find_element(By.CSS_SELECTOR, "section.approve").text
    shot(d, "approve")
    # 638,333 + 511,000 = 1,149,333; the line R7-kasan 16,444,000 - 1,149,333 = 15,294,667
    check("2025-04の決裁の対象" in sec and "1,149,333円" in sec and "残額 15,294,667円" in sec
          and "tanaka 田中 花子" in sec,
          "sato sees what is approved: the total, the budget position, who drafted it", sec[:600])
    submit(d, "/month/approve")
    text = main_text(d)
    check("完了しました" in text and "決裁文書に控えるアンカー" in text and "番号 2" in text,
          "sato approves April (決裁): event 2", text[:600])
    d.get(url + "month?m=2025-04")
    check("決裁済みです（sato、台帳の番号 2）" in main_text(d), "the month page: approved by sato")
    logout_keyboard(d)
    # suzuki (振込): the transfer file, and downloads with the session
    login_keyboard(d, url, "suzuki")
    check(d.title == "年度の状況 — kasan", "suzuki logs in", d.title)
    row = d.find_element(By.XPATH, "//tr[th/a[@href='/month?m=2025-04']]").text
    check("振込" in row and "鈴木 次郎" in row, "April: next 振込, by 鈴木 次郎", row)
    d.get(url + "month?m=2025-04")
    date = d.find_element(By.ID, "date")
    d.execute_script("arguments[0].value = '2025-05-20'", date)
    submit(d, "/month/transfer")
    text = main_text(d)
    check("完了しました" in text and "transfer-2025-04.txt" in text and "2025-05-20" in text,
          "suzuki makes the transfer file dated 2025-05-20", text)
    link = d.find_element(By.PARTIAL_LINK_TEXT, "transfer-2025-04.txt").get_attribute("href")
    st, r, body = fetch(srv, d, link[len(url) - 1:])
    recs = body.split(b"\r\n")
    check(st == 200 and body[:1] == b"1" and all(len(x) == 120 for x in recs if x),
          "the transfer file downloads: Zengin records of 120 bytes", "%d %r" % (st, body[:80]))
    st, r, body = fetch(srv, d, "/download/2025-04/statements/P011.xlsx")
    check(st == 200 and body[:2] == b"PK", "a statement downloads", st)
    d.get(url)
    row = d.find_element(By.XPATH, "//tr[th/a[@href='/month?m=2025-04']]").text
    check("済 2025-05-20" in row and "完了" in row, "April: transferred, 完了", row)
    logout_keyboard(d)
    # sato (監査) verifies the ledger
    login_keyboard(d, url, "sato")
    d.get(url + "budget")
    shot(d, "budget")
    d.get(url + "month/nursery?m=2025-04&n=P011")
    shot(d, "explain")
    d.get(url + "audit")
    d.find_element(By.XPATH, "//form[@action='/audit']//button").click()
    time.sleep(0.5)
    text = main_text(d)
    shot(d, "audit")
    check("問題はありません" in text and "署名" in text and "signatures OK: 3 signed events" in text
          and "振込データ" in text and "決裁" in text and "確定" in text,
          "sato verifies the ledger on the audit page: no problem, 3 signatures; the events listed",
          text[:800])
    submit(d, "/audit/checkpoint")
    text = main_text(d)
    check("完了しました" in text and "checkpoint-3.txt" in text,
          "sato writes a checkpoint of the head (event 3)", text[:600])
    logout_keyboard(d)


def main():
    root = tempfile.mkdtemp(prefix="kasan-browser-")
    ward = webenv.make_ward(root)
    for f in ("children.csv", "nurses.csv"):  # April's claims come in through the browser
        os.remove(os.path.join(ward["data"], "claims", "2025-04", f))
    srv = webenv.Server(ward)
    d = None
    try:
        try:
            d = browser(os.path.join(root, "profile"))
        except Exception as e:  # a browser that cannot start here is a failure, not a skip
            check(False, "chromium starts headless", repr(e)[:300])
            return
        d.set_page_load_timeout(120)
        run_month(d, srv, ward, srv.url)
    finally:
        if d:
            d.quit()
        rc, err = srv.stop()
        check(rc == 0, "the server stops on SIGTERM", "%s %s" % (rc, err[-500:]))
        # the ledger the browser left
        p = webenv.kasan("audit", "verify", "--out", ward["out"], "--checkpoint",
                         os.path.join(ward["out"], "checkpoint-3.txt"))
        check(p.returncode == 0 and "signatures OK: 3 signed events" in p.stdout,
              "kasan audit verify: the ledger left by the browser verifies, signatures and "
              "the checkpoint included", p.stdout + p.stderr)
        ev = webenv.events(ward)
        acts = [(e["action"], e["actor"], e["payload"].get("signer", {}).get("via")) for e in ev]
        check(acts == [("finalize", "tanaka", "web"), ("approve", "sato", "web"),
                       ("transfer", "suzuki", "web")],
              "its events: the finalization by tanaka, the approval by sato, the transfer by "
              "suzuki, each signed via web", acts)
        p = webenv.kasan("audit", "access", "--from", "2025-05-12", "--to", "2025-05-12", "--out", ward["out"])
        check(p.returncode == 0 and "\tsuzuki\tweb\tdownload 2025-04/transfer-2025-04.txt" in p.stdout
              and "\ttanaka\tweb\tintake 2025-04:" in p.stdout,
              "kasan audit access names the upload and suzuki's downloads", p.stdout + p.stderr)
        shutil.rmtree(root, ignore_errors=True)
    print("browser: %d passed, %d failed" % (PASS, FAIL))


if __name__ == "__main__":
    main()
    sys.exit(1 if FAIL or not PASS else 0)

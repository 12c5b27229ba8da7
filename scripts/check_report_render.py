"""Open a venecon HTML report in headless Chromium and check that it renders.

    python scripts/check_report_render.py REPORT_DIR [--screenshot FILE]

Runs Chromium twice with a fresh profile and no network services:

1. ``--dump-dom`` after the page's scripts ran: a small script injected into
   a copy of the report writes, into the DOM, each ``<img>``'s
   ``naturalWidth`` (0 means the embedded image failed to decode) and
   whether the executive summary is present and visible;
2. ``--screenshot`` of the first screen (look at it with an image viewer).

Exit status 0 when every figure decoded (naturalWidth > 0) and the summary is
present; 1 otherwise; 77 (skip) when no Chromium is installed. This is a
script, not a CI test: CI has no browser.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]

PROBE = """
<script>
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var summary = null;
  document.querySelectorAll("h2").forEach(function (h) {
    if (h.textContent.trim() === "Executive summary") { summary = h; }
  });
  var paras = 0;
  if (summary) {
    for (var n = summary.nextElementSibling; n && n.tagName !== "H2"; n = n.nextElementSibling) {
      if (n.tagName === "P" && n.getBoundingClientRect().height > 0) { paras += 1; }
    }
  }
  var out = {
    images: imgs.map(function (i) { return {alt: i.alt.slice(0, 60), width: i.naturalWidth,
                                            height: i.naturalHeight}; }),
    summary: !!summary, summary_paragraphs: paras,
    details: document.querySelectorAll("details").length,
    details_open: document.querySelectorAll("details[open]").length
  };
  var pre = document.createElement("pre");
  pre.id = "venecon-probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run(browser: str, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="venecon-chromium-") as profile:
        return subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=timeout, check=False,
        )


def probe(browser: str, html: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="venecon-probe-") as tmp:
        page = Path(tmp) / "probe.html"
        text = html.read_text(encoding="utf-8")
        page.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
        done = run(browser, ["--virtual-time-budget=10000", "--dump-dom", page.as_uri()])
    m = re.search(r'<pre id="venecon-probe">(.*?)</pre>', done.stdout, re.S)
    if not m:
        raise SystemExit(f"no probe output from Chromium (exit {done.returncode}):\n"
                         f"{done.stderr[-2000:]}")
    import html as html_lib

    return json.loads(html_lib.unescape(m.group(1)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="report directory (or report.html)")
    parser.add_argument("--screenshot", type=Path, default=None,
                        help="where to write the PNG screenshot (default: REPORT/screenshot.png)")
    parser.add_argument("--window", default="1280,2400", help="window size W,H for the screenshot")
    args = parser.parse_args()
    html = args.report / "report.html" if args.report.is_dir() else args.report
    if not html.is_file():
        print(f"no report at {html}", file=sys.stderr)
        return 1
    browser = find_chromium()
    if browser is None:
        print("skipped: no Chromium (apt-get install chromium)", file=sys.stderr)
        return 77
    result = probe(browser, html)
    shot = args.screenshot or html.parent / "screenshot.png"
    run(browser, [f"--screenshot={shot}", f"--window-size={args.window}", html.as_uri()])
    broken = [i for i in result["images"] if i["width"] == 0]
    print(f"images: {len(result['images'])}, decoded: {len(result['images']) - len(broken)}")
    for i in result["images"]:
        print(f"  {i['width']:5d} x {i['height']:5d}  {i['alt']}")
    print(f"executive summary: {'present' if result['summary'] else 'MISSING'}, "
          f"{result['summary_paragraphs']} visible paragraphs")
    print(f"collapsed appendices: {result['details'] - result['details_open']} of "
          f"{result['details']}")
    print(f"screenshot: {shot} ({shot.stat().st_size if shot.exists() else 0} bytes)")
    ok = not broken and result["images"] and result["summary"] and result["summary_paragraphs"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

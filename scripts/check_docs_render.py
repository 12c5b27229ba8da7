"""Open the built documentation site in headless Chromium and check four pages render.

    python scripts/check_docs_render.py [docs/_build/html] [--out DIR]

The landing page, one model page of the API reference (``SyntheticControl``),
one guide page and one tutorial (the study of another producer) are each read
for their heading, images (every image file must exist and be non-empty) and
the links of the section navigation (the left sidebar; empty when a page is a
top-level entry of its own), and rendered by Chromium with ``--screenshot``
into ``--out`` (look at the PNGs with an image viewer). Exit status 0 when
every page has a heading, no missing image and a screenshot, and every page
but the landing page a non-empty section navigation; 1 otherwise; 77 (skip)
without Chromium.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from check_report_render import find_chromium, run  # noqa: E402 - same folder: scripts/

PAGES = {
    "landing": "index.html",
    "model": "api/generated/venecon.models.synth.model.SyntheticControl.html",
    "guide": "guide/studies.html",
    "tutorial": "tutorials/07_study_another_producer.html",
}

def inspect(page: Path) -> dict:
    """The page's first heading and its images, each checked to exist as a non-empty file."""
    import html

    text = page.read_text(encoding="utf-8")
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    heading = html.unescape(re.sub(r"<[^>]+>", "", h1.group(1))).strip(" #\n") if h1 else None
    sources = re.findall(r'<img[^>]+src="([^"]+)"', text)
    broken = [s for s in sources if not s.startswith("data:")
              and not ((page.parent / s).is_file() and (page.parent / s).stat().st_size > 0)]
    nav = re.search(r'<nav class="bd-docs-nav.*?</nav>', text, re.S)
    links = len(re.findall(r"<a ", nav.group(0))) if nav else 0
    return {"heading": heading, "images": len(sources), "broken": broken, "nav_links": links}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, nargs="?", default=Path("docs/_build/html"))
    parser.add_argument("--out", type=Path, default=Path("docs/_build/screenshots"))
    args = parser.parse_args()
    browser = find_chromium()
    if browser is None:
        print("skipped: no Chromium (apt-get install chromium)", file=sys.stderr)
        return 77
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    ok = True
    for name, rel in PAGES.items():
        page = (args.site / rel).resolve()
        if not page.is_file():
            print(f"{name}: MISSING {page}")
            ok = False
            continue
        found = inspect(page)
        shot = args.out / f"{name}.png"
        run(browser, [f"--screenshot={shot}", "--window-size=1280,1600", page.as_uri()])
        print(f"{name}: '{found['heading']}', {found['images']} images, "
              f"{len(found['broken'])} missing, {found['nav_links']} section-navigation links; "
              f"screenshot {shot} "
              f"({shot.stat().st_size if shot.exists() else 0} bytes)")
        ok = ok and bool(found["heading"]) and not found["broken"] and shot.exists()
        ok = ok and (name == "landing" or found["nav_links"] > 0)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

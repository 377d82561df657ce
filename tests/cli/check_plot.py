#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check a page written by `lttsync --plot` (for tests/cli/test_plot.sh).

check_plot.py PAGE [--pairs N] [--hulls FILE] [--contra | --no-contra]
              [--thinned] [--render DIR]
check_plot.py --host-order PAGE   (the page's hosts, in the session's order)

Prints one line per failed check and exits 1 when any failed. Checks:
self-contained HTML (no script, nothing fetched), every <svg> well-formed
XML, one figure per pair with messages (--pairs), in each figure the hull
vertices against the library's accessor (--hulls: lines FIRST SECOND DIR
COUNT from tests/cli/plot_hulls), hull vertices forming convex chains
(pairs of one segment), the estimate between the extreme lines and inside
the band of bounds, contradictions drawn or not, thinning said, and each
<svg> rendered by rsvg-convert when installed (--render).
"""
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
errors = []


def fail(msg):
    errors.append(msg)
    print("FAIL:", msg)


def points(attr):
    return [tuple(float(v) for v in p.split(",")) for p in attr.split()]


def self_contained(page):
    if not page.startswith("<!DOCTYPE html>") or not page.rstrip().endswith("</html>"):
        fail("not a complete HTML document")
    if re.search(r"<script|javascript:|@import|<link|<img|<iframe", page, re.I):
        fail("the page has a script or loads something")
    for ref in re.findall(r'\b(?:src|href)="([^"]*)"', page):
        if not ref.startswith("#"):
            fail("external reference %r" % ref)
    for ref in re.findall(r"url\(([^)]*)\)", page):
        if not ref.startswith("#"):
            fail("external url(%s)" % ref)
    for url in re.findall(r"https?://[^\s\"'<>]+", page):
        if url != "http://www.w3.org/2000/svg":
            fail("URL in the page: %s" % url)


def cross(a, b, c):
    return (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0])


def check_hull(name, svg, hulls):
    segmented = svg.findall(".//%sline[@class='segment']" % NS)
    for d in (0, 1):
        g = svg.find(".//%sg[@class='hull d%d']" % (NS, d))
        if g is None:
            fail("%s: no hull group for direction %d" % (name, d))
            continue
        circles = g.findall("%scircle" % NS)
        if int(g.get("data-count")) != len(circles):
            fail("%s: hull d%d says %s vertices, draws %d"
                 % (name, d, g.get("data-count"), len(circles)))
        # The accessor's session may have met the hosts in another order:
        # the pair is then reversed, and so are its directions.
        key = name + (str(d),)
        if key not in (hulls or {}):
            key = (name[1], name[0], str(1 - d))
        if hulls is not None:
            if key not in hulls:
                fail("%s: the accessor gives no hull for direction %d" % (name, d))
            elif hulls[key] != len(circles):
                fail("%s: %d hull vertices drawn in direction %d, the accessor "
                     "gives %d" % (name, len(circles), d, hulls[key]))
        pts = [(int(c.get("data-x")), int(c.get("data-y"))) for c in circles]
        if segmented:
            continue
        # One hull: x increasing, strictly convex (lower chain for the
        # first host's messages, upper for the second's).
        for a, b in zip(pts, pts[1:]):
            if not a[0] < b[0]:
                fail("%s: hull d%d vertices not sorted by x" % (name, d))
                break
        for a, b, c in zip(pts, pts[1:], pts[2:]):
            turn = cross(a, b, c)
            if (d == 0 and turn <= 0) or (d == 1 and turn >= 0):
                fail("%s: hull d%d not a convex chain at %s" % (name, d, b))
                break


def check_lines(name, svg):
    est = svg.find(".//%sline[@class='estimate']" % NS)
    lmin = svg.find(".//%spolyline[@class='line-min']" % NS)
    lmax = svg.find(".//%spolyline[@class='line-max']" % NS)
    band = svg.find(".//%spolygon[@class='band']" % NS)
    if est is None:
        return 0
    y = float(est.get("y1"))
    checked = 0
    if lmin is not None and lmax is not None:
        a, b = points(lmin.get("points")), points(lmax.get("points"))
        if len(a) != len(b):
            fail("%s: extreme lines of different lengths" % name)
        for p, q in zip(a, b):
            if abs(p[0] - q[0]) > 0.01:
                fail("%s: extreme lines sampled at different x" % name)
                break
            if not min(p[1], q[1]) - 0.05 <= y <= max(p[1], q[1]) + 0.05:
                fail("%s: estimate outside the extreme lines at x=%s" % (name, p[0]))
                break
            checked += 1
    if band is not None:
        pts = points(band.get("points"))
        n = len(pts) // 2
        hi, lo = pts[:n], pts[n:][::-1]
        for p, q in zip(hi, lo):
            # Pixels grow downwards: hi is above (smaller y).
            if not p[1] - 0.05 <= y <= q[1] + 0.05:
                fail("%s: estimate outside the band of bounds at x=%s" % (name, p[0]))
                break
            checked += 1
    return checked


def check_messages(name, svg):
    desc = svg.find(".//%sdesc[@class='pair']" % NS)
    kept = int(desc.get("data-kept"))
    drawn = contra = 0
    for path in svg.findall(".//%spath" % NS):
        cls = path.get("class", "")
        if not cls.startswith("msg"):
            continue
        n = int(path.get("data-count"))
        if path.get("d").count("M") != n:
            fail("%s: %s says %d dots, draws %d" % (name, cls, n, path.get("d").count("M")))
        drawn += n
        contra += n if "contra" in cls else 0
    return kept, drawn, contra


def render(svgs, outdir):
    tool = shutil.which("rsvg-convert")
    if not tool:
        print("skip: rsvg-convert not found (Debian: librsvg2-bin): not rendered")
        return
    for i, text in enumerate(svgs):
        src = os.path.join(outdir, "figure%d.svg" % i)
        png = os.path.join(outdir, "figure%d.png" % i)
        with open(src, "w", encoding="utf-8") as f:
            f.write(text)
        r = subprocess.run([tool, src, "-o", png], capture_output=True, text=True)
        if r.returncode or r.stderr.strip():
            fail("rsvg-convert on figure %d: exit %d %s" % (i, r.returncode, r.stderr.strip()))
            continue
        with open(png, "rb") as f:
            head = f.read(8)
        if head != b"\x89PNG\r\n\x1a\n" or os.path.getsize(png) < 2000:
            fail("rsvg-convert on figure %d: no image" % i)
    print("rendered %d figures with rsvg-convert" % len(svgs))


def host_order(page):
    """The host names in id order, from the summary's table."""
    table = re.search(r'<table class="hosts">(.*?)</table>', page, re.S).group(1)
    import html
    return [html.unescape(n) for n in re.findall(r"<tr><td>(.*?)</td>", table)]


def main(argv):
    if len(argv) == 3 and argv[1] == "--host-order":
        print(" ".join(host_order(open(argv[2], encoding="utf-8").read())))
        return 0
    args = {"pairs": None, "hulls": None, "contra": None, "thinned": False, "render": None}
    it = iter(argv[2:])
    for a in it:
        if a == "--pairs":
            args["pairs"] = int(next(it))
        elif a == "--hulls":
            args["hulls"] = next(it)
        elif a in ("--contra", "--no-contra"):
            args["contra"] = a == "--contra"
        elif a == "--thinned":
            args["thinned"] = True
        elif a == "--render":
            args["render"] = next(it)
    with open(argv[1], encoding="utf-8") as f:
        page = f.read()
    self_contained(page)
    hulls = None
    if args["hulls"]:
        hulls = {}
        for line in open(args["hulls"]):
            a, b, d, n = line.split()
            hulls[(a, b, d)] = int(n)
    texts = re.findall(r"<svg\b.*?</svg>", page, re.S)
    if page.count("<svg") != len(texts):
        fail("unclosed <svg>")
    figures, total_contra, thinned, lines_checked = 0, 0, 0, 0
    for text in texts:
        try:
            svg = ET.fromstring(text)
        except ET.ParseError as e:
            fail("an <svg> is not well-formed XML: %s" % e)
            continue
        if not svg.get("id", "").startswith("pair-"):
            continue
        figures += 1
        desc = svg.find(".//%sdesc[@class='pair']" % NS)
        name = (desc.get("data-first"), desc.get("data-second"))
        check_hull(name, svg, hulls)
        lines_checked += check_lines(name, svg)
        kept, drawn, contra = check_messages(name, svg)
        total_contra += contra
        thinned += drawn < kept
        if args["contra"] is False and contra:
            fail("%s: %d messages marked as contradicting" % (name, contra))
        if desc.get("data-quality") in ("accurate", "approximate") and not lines_checked:
            fail("%s: %s pair without the estimate checked against lines or band"
                 % (name, desc.get("data-quality")))
    if args["pairs"] is not None and figures != args["pairs"]:
        fail("%d pair figures, expected %d" % (figures, args["pairs"]))
    if args["contra"] and not total_contra:
        fail("no contradicting message drawn")
    if args["thinned"]:
        if not thinned:
            fail("no figure thinned")
        if not re.search(r"[0-9]+ of [0-9]+ kept messages drawn \(", page):
            fail("the thinning is not said")
    if args["render"]:
        render(texts, args["render"])
    print("%d figures of pairs, %d svg, %d estimate samples checked against "
          "lines and bands, %d contradicting dots" % (figures, len(texts),
                                                       lines_checked, total_contra))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

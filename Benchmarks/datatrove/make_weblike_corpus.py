#!/usr/bin/env python3
"""Write a mixed, web-like English corpus ({"id", "text"} JSON lines) from what this machine has, for
compare_filters.py. There is no internet here, so "web pages" are assembled, reproducibly (seeded):

  - real prose: HTML pages under /usr/share/doc reduced to text (inscriptis: the whole page, menus and
    all; trafilatura, where it imports: the main text only), Python standard-library docstrings (read with `ast`, nothing
    imported), and man pages (`man -P cat`, overstrikes removed with `col -bx`);
  - synthetic web boilerplate mixed into those paragraphs: navigation menus, cookie banners, lists of
    links, share buttons, "lorem ipsum", JavaScript warnings, code with curly brackets, repeated lines and
    paragraphs (around the Gopher repetition thresholds), bullets and trailing ellipses, e-mail and IP
    addresses (public, private, malformed), Unicode punctuation, emoji, CJK and right-to-left lines, and
    Python's rarer line separators.

Each document's recipe is its id's prefix (`clean-`, `nav-`, `links-`, ...), so a disagreement points at
the kind of text it came from.

    ~/.cache/plm-peers/dt/bin/python Benchmarks/datatrove/make_weblike_corpus.py -o /tmp/weblike.jsonl --mb 8
"""
import argparse
import ast
import glob
import gzip
import json
import os
import random
import re
import subprocess
import sys

SEED = 20261129


def html_texts():
    """(name, whole-page text, main text) for each HTML page under /usr/share/doc, in path order."""
    import inscriptis
    try:  # trafilatura 1.11 needs lxml_html_clean, which newer lxml no longer bundles
        import trafilatura
    except ImportError:
        trafilatura = None
    out = []
    for path in sorted(glob.glob("/usr/share/doc/**/*.html", recursive=True)):
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError:
            continue
        if len(raw) < 2000:
            continue
        html = raw.decode("utf-8", errors="replace")
        whole = inscriptis.get_text(html)
        main = (trafilatura.extract(html, include_comments=False, include_tables=True) if trafilatura else None) or ""
        out.append((os.path.relpath(path, "/usr/share/doc"), whole, main))
    return out


def docstrings():
    """Docstrings of the Python standard library's modules, classes and functions, per module."""
    out = []
    for path in sorted(glob.glob("/usr/lib/python3.11/*.py")):
        try:
            with open(path, encoding="utf-8") as fh:
                tree = ast.parse(fh.read())
        except (SyntaxError, UnicodeDecodeError, OSError):
            continue
        texts = []
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node)
                if doc and len(doc) > 80:
                    texts.append(doc)
        if texts:
            out.append((os.path.basename(path), texts))
    return out


def man_pages(count):
    """`count` man pages (every k-th of section 1, in name order) as plain text."""
    names = sorted(f for f in os.listdir("/usr/share/man/man1") if f.endswith(".gz"))
    step = max(1, len(names) // count)
    env = dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING="", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    out = []
    for name in names[::step][:count]:
        page = name[: -len(".gz")]
        try:
            run = subprocess.run(["man", "-P", "cat", os.path.join("/usr/share/man/man1", name)],
                                 capture_output=True, env=env, timeout=20)
            clean = subprocess.run(["col", "-bx"], input=run.stdout, capture_output=True, timeout=20)
        except (subprocess.SubprocessError, OSError):
            continue
        text = clean.stdout.decode("utf-8", errors="replace").strip()
        if len(text) > 300:
            out.append((page, text))
    return out


def paragraphs_of(text):
    return [p.strip() for p in re.split(r"\n\s*\n", text) if len(p.strip()) > 40]


NAV = ["Home", "About", "About us", "Contact", "Blog", "News", "Products", "Services", "Pricing", "FAQ",
       "Support", "Careers", "Login", "Sign up", "Search", "Menu", "Shop", "Cart (0)", "My account",
       "Español", "Deutsch", "Français", "English", "Skip to content", "Toggle navigation", "Resources"]
FOOTER = [
    "Copyright © {year} {site}. All rights reserved.",
    "© {year} {site} Inc.",
    "Privacy Policy | Terms of Use | Cookie Policy",
    "Terms and Conditions",
    "This website uses cookies to ensure you get the best experience on our website. Learn more",
    "We use cookies to personalise content and ads. By continuing to browse you agree to our use of cookies.",
    "Accept all cookies",
    "Please enable JavaScript to view the comments powered by Disqus.",
    "You must have JavaScript enabled in your browser to use this site.",
    "Share this: Facebook Twitter LinkedIn Email",
    "Follow us on Twitter",
    "Subscribe to our newsletter",
    "Powered by WordPress",
    "Back to top",
    "Loading...",
    "Read more…",
    "Posted in Uncategorized | Leave a comment",
    "Last updated: March 3, 2021",
    "Contact us at {email} or call +1 (555) 010-{num:04d}.",
    "Your privacy is important to us; see our privacy policy for details.",
    "This page uses cookies",
]
LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et "
         "dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip "
         "ex ea commodo consequat.")
JS = ["function init() { var x = document.getElementById('menu'); x.style.display = 'none'; }",
      "window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}",
      "if (a > b) { return a; } else { return b; }",
      "{\"@context\": \"https://schema.org\", \"@type\": \"Article\"}"]
UNICODE_LINES = [
    "“Don’t worry,” she said — it’s only 5km away, and it costs $10.50 (about €9).",
    "He said: ‘I can’t, I won’t, and I shouldn’t’… but then he did it anyway!",
    "Visit https://example.com/path?q=1&r=2 or www.example.org for more — or don't.",
    "Prices from £3.99/month; 10% off until 31/12; call 0800-123-456 today!!!",
    "We’re gonna need a bigger boat 🚤🐟 #summer #holiday @friends :) :-( <3",
    "日本語のテキストも少し含まれています。これはテストです。",
    "中文内容：这是一个测试句子，用于检查分词。",
    "هذا نص عربي قصير للاختبار، ويكتب من اليمين إلى اليسار.",
    "זהו משפט בעברית לבדיקה.",
    "Ça coûte 3,50 € — naïve café façade, Zürich straße.",
    "Temperature: 23°C / 73°F, wind 5 m/s, humidity 40%.",
    "The U.S. and the U.K. signed it on Jan. 5th, e.g. at 3 p.m. (i.e. late).",
    "Ellipsis in the middle… and at the end...",
    "#1 rated #product ### best ### deals",
    "Yes!!! No??? Maybe... ok.",
    "It's 'quoted' and \"double quoted\" and «guillemets» and „low quotes“.",
]
SEPARATORS = ["\n", "\n", "\n", "\r\n", "\n\n", "\n\n\n", "\u2028", "\x0b", "\x0c", "\x1c", "\x85", "\u2029"]


def email(rng):
    user = rng.choice(["john.doe", "info", "support", "a_b-c+tag", "jane", "x", "first.last.2020", "sales"])
    host = rng.choice(["example.com", "mail.example.org", "uni-bonn.de", "company.co.uk", "a.b.c.io", "gmail.com",
                       "localhost", "example"])
    return f"{user}@{host}"


def ip(rng):
    kind = rng.random()
    if kind < 0.4:
        return ".".join(str(rng.randint(1, 223)) for _ in range(4))
    if kind < 0.55:
        return rng.choice(["10", "192.168", "172.16", "127.0"]) + "".join(f".{rng.randint(0, 255)}" for _ in range(2))
    if kind < 0.7:
        return f"{rng.randint(256, 999)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}"
    if kind < 0.8:
        return f"{rng.randint(1, 99)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}"
    if kind < 0.9:
        return f"0{rng.randint(1, 9)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}"
    return f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(0, 9)}"


class Builder:
    def __init__(self, rng, prose, pages, manuals):
        self.rng = rng
        self.prose = prose
        self.pages = pages
        self.manuals = manuals

    def paras(self, low, high):
        return [self.rng.choice(self.prose) for _ in range(self.rng.randint(low, high))]

    def footer(self):
        rng = self.rng
        line = rng.choice(FOOTER)
        return line.format(year=rng.randint(1999, 2025), site=rng.choice(["Acme", "Example Corp", "MySite"]),
                           email=email(rng), num=rng.randint(0, 9999))

    def join(self, parts):
        rng = self.rng
        if rng.random() < 0.15:
            sep = rng.choice(SEPARATORS)
            return sep.join(parts)
        return rng.choice(["\n\n", "\n", "\n\n", "\n \n"]).join(parts)

    def clean(self):
        return self.join(self.paras(1, 10))

    def nav(self):
        rng = self.rng
        menu = rng.sample(NAV, rng.randint(3, 12))
        head = "\n".join(menu) if rng.random() < 0.6 else " | ".join(menu)
        body = self.paras(1, 6)
        foot = [self.footer() for _ in range(rng.randint(1, 6))]
        return self.join([head] + body + foot)

    def links(self):
        rng = self.rng
        bullet = rng.choice(["", "- ", "• ", "» ", "* ", "  - ", "1. "])
        items = []
        for _ in range(rng.randint(5, 60)):
            words = rng.choice(self.prose).split()
            start = rng.randrange(max(1, len(words) - 6))
            item = " ".join(words[start:start + rng.randint(1, 7)])
            items.append(bullet + item + (rng.choice(["", "", "...", "…", " ›"]) if rng.random() < 0.3 else ""))
        parts = ["\n".join(items)]
        if rng.random() < 0.5:
            parts.insert(0, rng.choice(self.prose))
        return self.join(parts)

    def lorem(self):
        parts = self.paras(0, 4)
        parts.insert(self.rng.randint(0, len(parts)), LOREM)
        return self.join(parts)

    def javascript(self):
        rng = self.rng
        parts = self.paras(1, 5)
        extra = rng.choice(JS) if rng.random() < 0.5 else rng.choice(FOOTER[7:9])
        parts.insert(rng.randint(0, len(parts)), extra)
        return self.join(parts)

    def repeated(self):
        rng = self.rng
        parts = self.paras(2, 12)
        for _ in range(rng.randint(1, 6)):
            parts.insert(rng.randint(0, len(parts)), rng.choice(parts))
        if rng.random() < 0.5:  # repeated short lines inside a paragraph
            line = self.footer()
            parts.append("\n".join([line] * rng.randint(2, 5)))
        if rng.random() < 0.3:  # a repeated phrase: n-gram repetition
            words = rng.choice(self.prose).split()[:rng.randint(2, 8)]
            parts.append(" ".join(" ".join(words) for _ in range(rng.randint(3, 30))))
        return self.join(parts)

    def pii(self):
        rng = self.rng
        parts = self.paras(1, 5)
        out = []
        for part in parts:
            words = part.split(" ")
            for _ in range(rng.randint(1, 4)):
                where = rng.randint(0, len(words))
                token = email(rng) if rng.random() < 0.5 else ip(rng)
                token = rng.choice(["", "(", "<", "mailto:", "IP "]) + token + rng.choice(["", ".", ",", ")", ">"])
                words.insert(where, token)
            out.append(" ".join(words))
        return self.join(out)

    def short(self):
        rng = self.rng
        choices = [self.footer(), rng.choice(NAV), rng.choice(self.prose)[:rng.randint(5, 200)], rng.choice(UNICODE_LINES)]
        return self.join(rng.sample(choices, rng.randint(1, 3)))

    def bullets(self):
        rng = self.rng
        lines = []
        for para in self.paras(2, 8):
            for sentence in re.split(r"(?<=[.!?])\s+", para)[:4]:
                mark = rng.choice(["- ", "• ", "  • ", "-", ""])
                end = rng.choice(["", "", "...", "…", " ...", "… "])
                lines.append(mark + sentence + end)
        return "\n".join(lines)

    def unicode(self):
        rng = self.rng
        parts = self.paras(1, 5)
        for _ in range(rng.randint(1, 5)):
            parts.insert(rng.randint(0, len(parts)), rng.choice(UNICODE_LINES))
        text = self.join(parts)
        if rng.random() < 0.3:
            text = text.replace(" ", "\u00a0", rng.randint(1, 20))
        if rng.random() < 0.2:
            text = text.replace("\n", "\r\n")
        return text

    def page(self):
        name, whole, main = self.rng.choice(self.pages)
        text = whole if self.rng.random() < 0.6 or not main else main
        return self.cut(text)

    def manual(self):
        return self.cut(self.rng.choice(self.manuals)[1])

    def cut(self, text):
        """Web pages are rarely as long as a manual: most keep a window of a few KB."""
        rng = self.rng
        if len(text) > 4000 and rng.random() < 0.8:
            size = rng.randint(500, 20000)
            start = rng.randrange(max(1, len(text) - size))
            text = text[start:start + size]
        return text

    def mixed(self):
        """A page's text with boilerplate lines spliced between its lines."""
        rng = self.rng
        lines = self.page().split("\n")
        for _ in range(rng.randint(1, 8)):
            lines.insert(rng.randint(0, len(lines)), rng.choice([self.footer(), rng.choice(NAV), rng.choice(UNICODE_LINES)]))
        return "\n".join(lines)


RECIPES = [("clean", 14), ("nav", 12), ("links", 7), ("lorem", 3), ("javascript", 5), ("repeated", 10),
           ("pii", 8), ("short", 6), ("bullets", 5), ("unicode", 8), ("page", 10), ("manual", 5), ("mixed", 7)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--mb", type=float, default=8.0, help="stop after this many MB of text")
    parser.add_argument("--man-pages", type=int, default=150)
    args = parser.parse_args()
    rng = random.Random(SEED)

    pages = html_texts()
    modules = docstrings()
    manuals = man_pages(args.man_pages)
    prose = []
    for _, whole, main in pages:
        prose += paragraphs_of(main or whole)
    for _, texts in modules:
        for doc in texts:
            prose += paragraphs_of(doc)
    for _, text in manuals:
        prose += paragraphs_of(text)
    print(f"{len(pages)} HTML pages, {len(modules)} modules' docstrings, {len(manuals)} man pages, "
          f"{len(prose)} paragraphs", file=sys.stderr)

    builder = Builder(rng, prose, pages, manuals)
    names = [name for name, _ in RECIPES]
    weights = [weight for _, weight in RECIPES]
    limit = int(args.mb * 1e6)
    total = 0
    count = 0
    with open(args.output, "w", encoding="utf-8") as out:
        while total < limit:
            recipe = rng.choices(names, weights)[0]
            text = getattr(builder, recipe)()
            out.write(json.dumps({"id": f"{recipe}-{count:05d}", "text": text}, ensure_ascii=False) + "\n")
            total += len(text.encode("utf-8"))
            count += 1
    print(f"{count} documents, {total / 1e6:.1f} MB -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""The files ``briefgen init`` writes, as text. ``__NAME__`` tokens are filled in by
:mod:`briefgen.scaffold`; values that go into YAML arrive already quoted.

The sample content is a real, checkable historical story (Apollo 11) so a new site
shows every feature without putting invented claims about real people online."""

from __future__ import annotations

CONFIG = """\
# briefgen site configuration. Every key is optional; the docs list them all.
title: __TITLE__
description: >-
  Annotated news briefs: who and what each one is about, and how well
  every claim in it is verified.

# The address the site is published at. It is used only where absolute URLs are
# required (feeds, sitemap, canonical and Open Graph tags): every link between
# pages is relative, so the same build works at a domain's root and under a
# GitHub project path such as https://<user>.github.io/<repo>/.
# The GitHub Actions workflow (.github/workflows/pages.yml) passes the right
# address itself with --base-url; this value is for local builds and `briefgen deploy`.
__BASE_URL__

# Custom domain for `briefgen deploy` (written to a CNAME file), e.g.:
# cname: briefs.example.org

# The picture link previews show (1200 x 630 pixels suits most), put in static/, e.g.:
# image: assets/share.png

# The language of the briefs. The theme's menus, labels and dates follow it: ar, de, en, es, fr, it,
# nl, pt, ru and uk are built in; i18n/<language>.yaml gives the words for any other (docs/themes.md, Languages).
# language: fr
"""

BASE_URL_GUESSED = "base_url: __URL__   # guessed from the git remote 'origin'"
BASE_URL_UNKNOWN = "# base_url: https://<user>.github.io/<repo>/"

GITIGNORE = """\
# briefgen output and cache: rebuilt from content/, never committed
/site/
.briefgen-cache/
"""

WORKFLOW = """\
# Build the site with briefgen and publish it on GitHub Pages.
# One-time setup: Settings > Pages > Build and deployment > Source: GitHub Actions.
name: Publish to GitHub Pages

env:
  # How briefgen is installed. Until briefgen is published on PyPI, install it from the Git
  # repository you got it from (a tag or commit keeps builds reproducible):
  #   pip install "git+https://github.com/OWNER/briefgen@COMMIT"
  # Once it is on PyPI, pin a release, e.g.
  #   pip install "briefgen==__VERSION__"
  BRIEFGEN_INSTALL: pip install briefgen

on:
  push:
    branches: [__BRANCH__]   # the repository's default branch
  workflow_dispatch:         # "Run workflow" button on the Actions tab

permissions:
  contents: read
  pages: write
  id-token: write

# One deployment at a time; a newer push waits instead of cancelling a running deploy.
concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - name: Check out
        uses: actions/checkout@v4
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install briefgen
        run: ${{ env.BRIEFGEN_INSTALL }}
      - name: Configure Pages
        id: pages
        uses: actions/configure-pages@v5
      - name: Build (strict, so any warning fails the build; a one-off build keeps no cache)
        run: briefgen build --strict --no-cache --base-url "${{ steps.pages.outputs.base_url }}/"
      - name: Leave out the build's marker file (briefgen deploy leaves it out too)
        run: rm -f site/.briefgen-output
      - name: Upload the site
        uses: actions/upload-pages-artifact@v3
        with:
          path: site   # output_dir in briefgen.yaml

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
"""

README = """\
# __TITLE_TEXT__

A briefing site built with briefgen: short annotated news briefs, cross-linked
with the people, organizations, places and events they concern, with the
verification status of every claim.

## Work on it

```sh
briefgen serve            # preview at http://127.0.0.1:8000, rebuilt on every save
briefgen check --strict   # report every problem; writes nothing
briefgen build            # build the site into site/
```

## Write

- `briefgen new brief "Headline of the brief"` creates `content/briefs/<today>-<slug>.md`.
  Write its `summary:` (required, one plain-text paragraph), list the entities it is about
  and its sources and claims, and the Markdown body below the front matter.
- `briefgen new people "Full Name"` (or `organizations`, `places`, `events`, `ships`)
  creates `content/<kind>/<id>.yaml`. Briefs refer to entities by id, name or alias.
- Each claim has a `status`: confirmed, reported, claimed, disputed, denied,
  unverified or false (the vocabulary can be changed in `briefgen.yaml`).
- In a brief's body, `[[id]]` or `[[id|text]]` links to an entity or another brief.

The files under `content/` that came with the site are a sample (Apollo 11):
read them as examples, then replace them with your own.

## Publish

Pushing to GitHub publishes the site with GitHub Actions
(`.github/workflows/pages.yml`): in the repository's Settings > Pages, set
Source to "GitHub Actions" once. The workflow runs `briefgen build --strict`,
so a brief with a problem stops the deploy instead of going live broken.
Before the first push, check the `BRIEFGEN_INSTALL` line at the top of the
workflow: it installs briefgen from PyPI, so until briefgen is published
there, set it to install from the Git repository you got briefgen from.

To publish from a `gh-pages` branch instead, run `briefgen deploy`
(Settings > Pages > Source: "Deploy from a branch", branch `gh-pages`).
"""

SAMPLE_BRIEF = """\
---
title: Apollo 11 lands on the Moon
date: 1969-07-21
summary: >-
  Apollo 11's lunar module Eagle lands in the Sea of Tranquility and Neil
  Armstrong becomes the first person to walk on the Moon.
tags: [spaceflight]
people: [neil-armstrong]
organizations: [nasa]
places: [sea-of-tranquility]
events: [apollo-11-moon-landing]
sources:
  - outlet: NASA
    title: Apollo 11 mission overview
    url: https://www.nasa.gov/mission/apollo-11/
  - outlet: Wikipedia
    title: Apollo 11
    url: https://en.wikipedia.org/wiki/Apollo_11
claims:
  - text: The lunar module Eagle landed in the Sea of Tranquility on July 20, 1969.
    status: confirmed
    by: NASA
    about: [apollo-11-moon-landing, sea-of-tranquility]
    source: NASA
  - text: Armstrong said "one small step for a man", and the "a" was lost in transmission.
    status: disputed
    by: Neil Armstrong
    about: [neil-armstrong]
    source: Wikipedia
    note: >-
      Armstrong said he meant to say "a man"; analyses of the recording have not
      settled whether the word can be heard.
---
The lunar module Eagle touched down in the Sea of Tranquility at 20:17 UTC on
July 20, 1969, after Neil Armstrong steered it past a boulder field with less
than a minute of descent fuel to spare. Buzz Aldrin followed him onto the
surface about twenty minutes after Armstrong's first step, while Michael Collins
stayed in lunar orbit aboard the command module Columbia.

NASA carried the landing live on television. The crew spent about two and a
half hours outside, set up experiments and collected 21.5 kg of samples before
lifting off to rejoin Columbia ([[apollo-11-moon-landing|the landing]]).
"""

SAMPLE_PERSON = """\
name: Neil Armstrong
aliases: [Armstrong, Neil A. Armstrong]
summary: American astronaut, commander of Apollo 11 and the first person to walk on the Moon.
links:
  wikipedia: https://en.wikipedia.org/wiki/Neil_Armstrong
wikidata: Q1615
role: Commander, Apollo 11
"""

SAMPLE_ORGANIZATION = """\
name: NASA
aliases: [National Aeronautics and Space Administration]
summary: The United States' civil space agency, founded in 1958.
links:
  website: https://www.nasa.gov/
  wikipedia: https://en.wikipedia.org/wiki/NASA
wikidata: Q23548
headquarters: Washington, D.C.
"""

SAMPLE_PLACE = """\
name: Sea of Tranquility
aliases: [Mare Tranquillitatis]
summary: A lunar mare on the Moon's near side, where Apollo 11 landed.
links:
  wikipedia: https://en.wikipedia.org/wiki/Mare_Tranquillitatis
"""

SAMPLE_EVENT = """\
name: Apollo 11 Moon landing
aliases: [Apollo 11 landing]
date: 1969-07-20
place: sea-of-tranquility
summary: The first crewed landing on the Moon.
links:
  wikipedia: https://en.wikipedia.org/wiki/Apollo_11
"""

# ---- briefgen new -------------------------------------------------------------------

NEW_BRIEF_HEAD = """\
---
title: __TITLE__
date: __DATE__
# Required before the site builds: one plain-text paragraph, at most __MAX__ characters.
# summary: >-
#   What happened, who is involved, and why it matters.
# slug: __SLUG__     # the URL name; this is the default (the file name less its date)
# draft: true       # keep it out of the site until it is ready (preview with --drafts)
tags: []
# Entities this brief is about, by id, name or alias (briefgen new KIND NAME creates one).
"""

NEW_BRIEF_TAIL = """\
sources: []
#  - outlet: Reuters                 # required
#    url: https://www.reuters.com/...
#    title: The article's headline
#    date: __DATE__
claims: []
#  - text: One sentence the brief asserts or reports.   # required
#    status: __STATUS__                # required: __STATUSES__
#    by: Who asserts it              # an entity reference or plain text
#    about: []                       # entity references
#    source: Reuters                 # the outlet of one of the sources above
#    note: Why it has this status.
# The Markdown body goes below the closing line. [[entity-id]] or [[entity-id|text]]
# links to an entity page; [[brief-slug]] links to another brief.
---
"""

NEW_ENTITY = """\
# aliases: []          # other names briefs use for it; references match them too
# summary: One line of plain text.
# links:
#   wikipedia: https://en.wikipedia.org/wiki/...
# wikidata: Q...
"""

NEW_ENTITY_REQUIRED = {
    "events": "date: __DATE__   # required: when it happened (YYYY-MM-DD)\n",
}
NEW_ENTITY_EXTRA = {
    "events": """\
# end_date: __DATE__    # for events that lasted
# place: place-id        # a place reference
""",
    "people": """\
# role: What they do, shown in the facts table
""",
    "ships": """\
# hull: Hull number
# class: Ship class
# type: Aircraft carrier
# operator: organization-id   # an organization reference
""",
    "organizations": """\
# headquarters: City, Country
""",
}
NEW_ENTITY_FACTS = """\
# Any other `key: value` line is a fact shown in a table on the entity's page.
"""

"""The faster code paths of issue 9 give exactly what the plain ones they replaced give."""

from __future__ import annotations

import random
from collections import Counter

from briefgen.build import load_site
from briefgen.diagnostics import Diagnostics
from briefgen.model import sort_key

from .conftest import make_site


def test_related_briefs_and_co_mentions_are_ranked_as_by_a_plain_sort(tmp_path):
    rng = random.Random(4)
    files = {f"content/people/p{i}.yaml": f"name: Person {i}\n" for i in range(12)}
    for i in range(80):
        people = ", ".join(sorted({f"p{rng.randrange(12)}" for _ in range(rng.randint(1, 5))}))
        day = 1 + rng.randrange(5)  # many briefs share a date: ties are broken by slug
        files[f"content/briefs/b{i:03d}.md"] = (f"---\ntitle: B{i}\ndate: 2025-01-0{day}\nsummary: S.\n"
                                                f"people: [{people}]\n---\nText.\n")
    site = load_site(make_site(tmp_path / "s", files), Diagnostics())
    mentioned: dict = {}
    for brief in site.briefs:
        for key in brief.entities:
            mentioned.setdefault(key, []).append(brief)
    for brief in site.briefs:
        shared = Counter(other.slug for key in brief.entities for other in mentioned[key] if other is not brief)
        ranked = sorted(shared.items(), key=lambda kv: (-kv[1], -sort_key(site.briefs_by_slug[kv[0]].date).timestamp(),
                                                        kv[0]))[:5]
        assert [(b.slug, n) for b, n in site.related[brief.slug]] == ranked
    for key, briefs in mentioned.items():
        co = Counter(other for b in briefs for other in b.entities if other != key)
        assert site.co_mentions.get(key, []) == sorted(co.items(), key=lambda kv: (-kv[1], kv[0]))[:12]


def test_fingerprints_see_every_field_of_the_views_they_pickle_as_tuples():
    """writer's fingerprint reducers pickle a view as the values of its ``__slots__``: that must be all of
    its fields (a slotted dataclass that inherited fields would list only its own), or an incremental
    build would miss a change."""
    import dataclasses

    from briefgen import views, writer

    for kind in (*writer.SHARED, *writer.SLOTTED, views.BriefView, views.EntityView):
        assert tuple(kind.__slots__) == tuple(f.name for f in dataclasses.fields(kind)), kind

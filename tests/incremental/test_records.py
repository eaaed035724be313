"""The rows the build cache keeps: they survive the pickle they are stored as, and an old record is never reused."""

from __future__ import annotations

import math
import pickle

from newsdesk.errors import warning
from newsdesk.incremental.digest import FileStat
from newsdesk.incremental.records import BuildRecord, PageRecord


def test_records_come_back_from_the_cache_s_pickle_as_they_went_in():
    page = PageRecord(b"key", b"digest", FileStat(10, 1, 2, 3))
    build = BuildRecord("f" * 32, 1e9, 3, 12, (warning("a.md", 2, "no alt text"),), None, 5e8)
    for record in (page, build):
        assert pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)) == record


def test_a_page_without_a_key_is_not_cacheable_but_still_known_by_its_bytes():
    record = PageRecord(None, b"digest", FileStat(1, 2, 3, 4))
    assert record.key is None and record.stat.size == 1


def test_a_build_record_without_its_now_is_valid_from_no_moment():
    record = BuildRecord("f", math.inf, 1, 1, ())
    assert not any(record.valid_from <= now < record.valid_until for now in (0.0, 1.7e9, 1e12))

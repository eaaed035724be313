"""Writing the site to disk, atomically, touching only what changed.

The new site is assembled in a staging folder beside the output folder and
swapped in only when the whole build succeeded, so a failed or interrupted
build never touches what is being served.  On Linux the swap is one
``renameat2(RENAME_EXCHANGE)`` call, so there is no instant without an output
folder; elsewhere it is three renames, and a build killed between them is
repaired by the next one (:func:`remove_leftovers`).  Nothing here ever
modifies a file of the served site in place.

Building a fresh staging tree costs one hard link per file (seconds at 100k
pages), so the previous output is kept as a *spare* tree after the swap.  The
next build brings the spare up to date instead: a file whose bytes did not
change is a hard link to the served file (same inode, so it keeps its
modification time and rsync/CDN uploads skip it), a changed file is written
beside it and renamed over the old name (never written in place: the spare
shares inodes with the served tree), and files the new site no longer has are
removed.  The spare's contents are read from the disk each time (names and
inodes, no stat per file), so a spare left half-updated by a killed build is
simply corrected.  Where hard links are impossible, files are copied with
their modification time instead.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from newsdesk.incremental.digest import FileStat, digest
from newsdesk.incremental.records import PageRecord
from newsdesk.model import urls
from newsdesk.output.files import link_or_copy, link_tree, prune, read_or_none, same_file, stat_of
from newsdesk.output.survey import Survey, inventory
from newsdesk.output.swap import (
    SPARE_MARK,
    TEMP_MARK,
    exchange,
    remove_leftovers,
    signals_held,
    swap_by_renames,
)


@dataclass(frozen=True)
class Placed:
    """One file put into the staging tree (possibly by a worker process)."""

    url: str
    record: PageRecord | None  # None in a dry run
    written: bool  # False: the served file was kept


class OutputWriter:
    """A transaction on the output folder: ``write`` (or ``keep``) files, then ``commit``."""

    def __init__(
        self,
        output: Path,
        *,
        records: Mapping[str, PageRecord] | None = None,
        dry_run: bool = False,
        survey_aside: bool = False,
        on_abandon: Callable[[dict[str, PageRecord]], None] | None = None,
    ) -> None:
        self.output = output.resolve()
        self.dry_run = dry_run
        self.previous: Mapping[str, PageRecord] = records or {}
        self.spare = self.output.parent / f"{SPARE_MARK}{self.output.name}"
        self.stage = self.output.parent / f"{TEMP_MARK}{self.output.name}-{uuid.uuid4().hex[:12]}"
        self._present: dict[str, int] | None = {}  # what the staging tree held at the start: relative path -> inode
        self.survey_aside = survey_aside  # list the spare and check the served files in a second process
        # Called when the build fails, with the served files' records as they now are (see __exit__).
        self.on_abandon = on_abandon
        self._survey: Survey | None = None
        # Recorded URLs whose served file is not as recorded, when the survey checked them all.
        self.changed: frozenset[str] | None = None
        self.records: dict[str, PageRecord] = {}
        self.written = 0
        self.unchanged = 0
        self._made: set[str] = set()  # folders known to exist in the staging tree (and the mirror)
        # When there is no output yet, the spare is made as the site is staged: each file is linked
        # into this folder as it is placed (by whichever process places it), not one by one at the end.
        self.mirror: Path | None = None

    def __enter__(self) -> OutputWriter:
        if self.dry_run:
            return self
        self.output.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(self.output)
        try:
            if self.spare.is_dir():
                os.rename(self.spare, self.stage)  # a killed build leaves it under the temp mark: removed next time
                self._present = None  # listed when first needed, or by the survey
            else:
                self.stage.mkdir()
            if self.survey_aside and (self._present is None or self.previous):
                self._survey = Survey.start(self.output, self.previous, self.stage if self._present is None else None)
            if not self.output.exists():
                self.mirror = self.stage.with_name(self.stage.name + "-spare")  # under the temp mark too
                self.mirror.mkdir()
        except BaseException as exc:  # Ctrl-C while entering: `with` will not call __exit__, so tidy up here
            self.__exit__(type(exc), exc, exc.__traceback__)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._survey is not None:
            self._survey.close()
        if kind is not None and not self.dry_run and self.on_abandon is not None:
            self.on_abandon(self._relinked())
        if kind is not None and not self.dry_run and self.stage.exists():
            if self._present == {} and not self.written and not self.unchanged:
                # A first build that failed before writing anything: nothing worth keeping.
                shutil.rmtree(self.stage, ignore_errors=True)
            else:
                # The staging tree is half-updated: it is corrected next time, so keep it as the spare.
                os.rename(self.stage, self.spare)
        if kind is not None and self.mirror is not None:
            shutil.rmtree(self.mirror, ignore_errors=True)

    def _relinked(self) -> dict[str, PageRecord]:
        """The served files this build linked into the staging tree, as they are now.

        Linking a file changes its inode's ctime, so its record no longer matches it: a build
        that succeeds records every file again, but after one that fails, the next would take
        each of these for a file edited by hand and write it again, same bytes, new mtime.
        """
        return {
            url: previous._replace(stat=record.stat)
            for url, record in self.records.items()
            if (previous := self.previous.get(url)) is not None
            and record.digest == previous.digest
            and record.stat.ino == previous.stat.ino
            and record.stat != previous.stat
        }

    @property
    def present(self) -> dict[str, int]:
        if self._present is None:
            self.surveyed()
        if self._present is None:
            self._present = inventory(self.stage)
        return self._present

    @present.setter
    def present(self, value: dict[str, int]) -> None:
        self._present = value

    def surveyed(self) -> None:
        """Wait for the survey: before forking workers, which inherit its outcome but cannot wait for it."""
        if self._survey is None:
            return
        found = self._survey.result()
        self._survey = None
        if found is not None:
            self._present = found.present if self._present is None else self._present
            self.changed = found.changed
        if self._present is None:  # it failed: list the staging tree here, not in every worker
            self._present = inventory(self.stage)

    # -- placing files -------------------------------------------------------------

    def keep(self, url: str, outdated: bool = False) -> bool:
        """Serve the current file at ``url`` again, if it is still what was written last time.

        An ``outdated`` file is kept without its key: the next build makes it again."""
        if self.dry_run:
            return True
        relative = urls.output_file(url)
        previous = self.previous.get(url)
        if previous is None or not self._intact(url, relative, previous):
            return False
        key = None if outdated else previous.key
        linked = self._link(relative, key, previous.digest, previous.stat, previous.reads)
        self.note(Placed(url, linked, written=False))
        return True

    def write(self, url: str, data: bytes, key: bytes | None = None) -> None:
        self.note(self.place(url, data, key))

    def place(self, url: str, data: bytes, key: bytes | None = None, reads: str = "") -> Placed:
        """Put ``data`` at ``url`` in the staging tree; safe to call from a worker process.

        ``key`` is the hash of what it was made from, ``reads`` what its render read by name (see :class:`~newsdesk.render.renderer.Rendered`)."""
        if self.dry_run:
            return Placed(url, None, written=True)
        relative = urls.output_file(url)
        new_digest = digest(data)
        previous = self.previous.get(url)
        if previous is not None and previous.digest == new_digest and self._intact(url, relative, previous):
            return Placed(url, self._link(relative, key, new_digest, previous.stat, reads), written=False)
        if previous is None:  # no record (a first build, a lost cache): compare with the served bytes
            served = FileStat.read(os.path.join(self.output, relative))
            if served is not None and served.size == len(data) and read_or_none(self.output / relative) == data:
                return Placed(url, self._link(relative, key, new_digest, served, reads), written=False)
        target = self.stage / relative
        temporary = self._temporary(target)
        temporary.write_bytes(data)
        os.replace(temporary, target)
        self._mirror(relative)
        return Placed(url, PageRecord(key, new_digest, stat_of(target), reads), written=True)

    def copy(self, url: str, source: Path) -> None:
        """A static file: kept when its bytes are those of the served file."""
        if self.dry_run:
            return
        relative = urls.output_file(url)
        served = FileStat.read(os.path.join(self.output, relative))
        if served is not None and same_file(self.output / relative, source):
            self.note(Placed(url, self._link(relative, None, b"", served), written=False))
            return
        target = self.stage / relative
        temporary = self._temporary(target)
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
        self._mirror(relative)
        self.note(Placed(url, PageRecord(None, b"", stat_of(target)), written=True))

    def external(self, folders: Iterable[str], later: str = "") -> Path:
        """Make room for another program (Pagefind) to write ``folders`` of the new site; returns
        the staging tree, which it may read (every page is in place by then).

        Files under ``later`` (a folder) that are not placed yet stay, for the build to keep
        after the program ran; what it does not keep is dropped by :meth:`commit`.
        """
        if not self.dry_run:
            self.surveyed()
            prefixes = tuple(folder + "/" for folder in folders)
            for folder in prefixes:
                shutil.rmtree(self.stage / folder, ignore_errors=True)
            self.present = {p: ino for p, ino in self.present.items() if not p.startswith(prefixes)}
            # The program must see the new site only, not the spare's leftovers.
            self._drop_strays(later + "/" if later else None)
            # What only speeds up placing files is dropped while the program runs beside this process
            # (on 100,000 articles, ~60 MiB): remade as needed after.
            self._made.clear()
            urls.output_file.cache_clear()
        return self.stage

    def keep_unchanged(self, folder: str, key: bytes | None = None) -> None:
        """Count the files another program wrote under ``folder``: where one has the bytes of
        the file it replaces, serve the old file again (same inode, so the same mtime)."""
        if self.dry_run:
            return
        for path in sorted((self.stage / folder).rglob("*")):
            if not path.is_file():
                continue
            relative = path.relative_to(self.stage).as_posix()
            data = path.read_bytes()
            served = FileStat.read(os.path.join(self.output, relative))
            if served is not None and served.size == len(data) and read_or_none(self.output / relative) == data:
                self.note(Placed("/" + relative, self._link(relative, key, digest(data), served), written=False))
            else:
                self._mirror(relative)
                self.note(Placed("/" + relative, PageRecord(key, digest(data), stat_of(path)), written=True))

    def keep_folders(self, keys: Mapping[str, bytes | None]) -> set[str]:
        """Serve again every file recorded under each folder with its key, where all are intact;
        returns the folders kept.  Reads the records once, however many folders.

        A folder whose key is None is kept whatever key its files had, as outdated (see :meth:`keep`)."""
        if not keys:
            return set()
        under = os.path.commonpath([f"/{folder}" for folder in keys]).rstrip("/") + "/"
        depths = {folder.count("/") + 1 for folder in keys}
        recorded: dict[str, list[str]] = {folder: [] for folder in keys}
        for url in self.previous:
            if url.startswith(under):
                parts = url.split("/")
                for depth in depths:
                    if len(parts) > depth + 1 and (folder := "/".join(parts[1 : depth + 1])) in recorded:
                        recorded[folder].append(url)
        kept = set()
        for folder, found in recorded.items():
            if (
                found
                and (keys[folder] is None or all(self.previous[url].key == keys[folder] for url in found))
                and all(self._intact(url, urls.output_file(url), self.previous[url]) for url in found)
                and all(self.keep(url, outdated=keys[folder] is None) for url in found)
            ):
                kept.add(folder)
        return kept

    def _drop_strays(self, spare: str | None = None) -> None:
        """Remove what the staging tree held that the new site does not have (but what is under ``spare``)."""
        wanted = {urls.output_file(url) for url in self.records}

        def stays(relative: str) -> bool:
            return relative in wanted or (spare is not None and relative.startswith(spare))

        prune(self.stage, [relative for relative in self.present if not stays(relative)])
        self.present = {relative: ino for relative, ino in self.present.items() if stays(relative)}

    def note(self, placed: Placed) -> None:
        """Count a placed file (the parent process calls this for its workers' files too)."""
        if placed.record is not None:
            self.records[placed.url] = placed.record
        if placed.written:
            self.written += 1
        else:
            self.unchanged += 1

    def _intact(self, url: str, relative: str, previous: PageRecord) -> bool:
        """Is the served file exactly the one the last build recorded (not edited, replaced or gone)?"""
        self.surveyed()
        if self.changed is not None and self.previous.get(url) is previous:
            return url not in self.changed
        return FileStat.read(os.path.join(self.output, relative)) == previous.stat

    def _link(
        self, relative: str, key: bytes | None, page_digest: bytes, served: FileStat, reads: str = ""
    ) -> PageRecord:
        """Make the staging tree's entry the served file's inode (it often already is)."""
        if self.present.get(relative) == served.ino and self.mirror is None:
            return PageRecord(key, page_digest, served, reads)  # the same inode: the same stat
        target = self.stage / relative
        if self.present.get(relative) != served.ino:
            temporary = self._temporary(target)
            link_or_copy(os.path.join(self.output, relative), temporary)
            os.replace(temporary, target)
        self._mirror(relative)
        # Recorded from the staged name: linking changed the inode's ctime.
        return PageRecord(key, page_digest, stat_of(target), reads)

    def _mirror(self, relative: str) -> None:
        """Link a staged file into the mirror (the next build's spare), when one is being made."""
        if self.mirror is None:
            return
        target = self.mirror / relative
        self._folder(target)
        try:
            os.link(self.stage / relative, target)
        except FileExistsError:  # placed twice: the mirror holds the last one
            os.unlink(target)
            link_or_copy(self.stage / relative, target)
        except OSError:
            shutil.copy2(self.stage / relative, target)

    def _temporary(self, target: Path) -> Path:
        self.surveyed()  # the survey may be listing the staging tree: change nothing in it before it is done
        self._folder(target)
        return target.with_name(f".{target.name}.{os.getpid()}.tmp")

    def _folder(self, target: Path) -> None:
        """Make the folder ``target`` goes in, unless it is known to exist (remembered as text:
        a big site has a folder per article, 200,000 path objects would hold ~50 MiB)."""
        folder = os.path.dirname(target)
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)

    # -- finishing -----------------------------------------------------------------

    def commit(self) -> None:
        """Drop what the new site no longer has, swap it in, and keep the previous site as the spare."""
        if self.dry_run:
            return
        self._drop_strays()
        with signals_held():
            if not self.output.exists():
                os.rename(self.stage, self.output)
            elif not exchange(self.stage, self.output):
                swap_by_renames(self.stage, self.output)
        if self.stage.exists():  # the previous site, under the staging name
            shutil.rmtree(self.spare, ignore_errors=True)
            os.rename(self.stage, self.spare)
            if self.mirror is not None:  # the output appeared while building: it is the spare now
                shutil.rmtree(self.mirror, ignore_errors=True)
        elif self.mirror is not None:
            # The first build: the spare was made as files were staged, so the next edit costs only
            # what changed; the records were read after linking (which changes an inode's ctime).
            shutil.rmtree(self.spare, ignore_errors=True)
            os.rename(self.mirror, self.spare)
        else:
            # The first build: make the spare now, so the next edit costs only what changed.
            link_tree(self.output, self.spare)
            # Linking changed every inode's ctime: record the files as they are now.
            self.records = {
                url: r._replace(stat=stat_of(self.output / urls.output_file(url))) for url, r in self.records.items()
            }

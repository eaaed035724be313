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

Whether a page is unchanged is decided from the cache's record of what was
written last time (the digest of its bytes and the file's stat), so unchanged
files are never read back.  Listing the spare and checking every served file
against its record costs a directory read per folder and a stat per file,
which a forked process does while the build reads its sources
(:class:`Survey`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import glob
import os
import pickle
import shutil
import signal
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from newsdesk.model import urls
from newsdesk.incremental.cache import FileStat, PageRecord, digest
from newsdesk.errors import UsageError

TEMP_MARK = ".newsdesk-tmp-"
OLD_MARK = ".newsdesk-old-"
SPARE_MARK = ".newsdesk-spare-"

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


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
    ) -> None:
        self.output = output.resolve()
        self.dry_run = dry_run
        self.previous: Mapping[str, PageRecord] = records or {}
        self.spare = self.output.parent / f"{SPARE_MARK}{self.output.name}"
        self.stage = self.output.parent / f"{TEMP_MARK}{self.output.name}-{uuid.uuid4().hex[:12]}"
        self._present: dict[str, int] | None = {}  # what the staging tree held at the start: relative path -> inode
        self.survey_aside = survey_aside  # list the spare and check the served files in a second process
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
        if kind is not None and not self.dry_run and self.stage.exists():
            if self._present == {} and not self.written and not self.unchanged:
                # A first build that failed before writing anything: nothing worth keeping.
                shutil.rmtree(self.stage, ignore_errors=True)
            else:
                # The staging tree is half-updated: it is corrected next time, so keep it as the spare.
                os.rename(self.stage, self.spare)
        if kind is not None and self.mirror is not None:
            shutil.rmtree(self.mirror, ignore_errors=True)

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
        self.note(Placed(url, self._link(relative, key, previous.digest, previous.stat), written=False))
        return True

    def write(self, url: str, data: bytes, key: bytes | None = None) -> None:
        self.note(self.place(url, data, key))

    def place(self, url: str, data: bytes, key: bytes | None = None) -> Placed:
        """Put ``data`` at ``url`` in the staging tree; safe to call from a worker process."""
        if self.dry_run:
            return Placed(url, None, written=True)
        relative = urls.output_file(url)
        new_digest = digest(data)
        previous = self.previous.get(url)
        if previous is not None and previous.digest == new_digest and self._intact(url, relative, previous):
            return Placed(url, self._link(relative, key, new_digest, previous.stat), written=False)
        if previous is None:  # no record (a first build, a lost cache): compare with the served bytes
            served = FileStat.read(os.path.join(self.output, relative))
            if served is not None and served.size == len(data) and _read(self.output / relative) == data:
                return Placed(url, self._link(relative, key, new_digest, served), written=False)
        target = self.stage / relative
        temporary = self._temporary(target)
        temporary.write_bytes(data)
        os.replace(temporary, target)
        self._mirror(relative)
        return Placed(url, PageRecord(key, new_digest, _stat(target)), written=True)

    def copy(self, url: str, source: Path) -> None:
        """A static file: kept when its bytes are those of the served file."""
        if self.dry_run:
            return
        relative = urls.output_file(url)
        served = FileStat.read(os.path.join(self.output, relative))
        if served is not None and _same_file(self.output / relative, source):
            self.note(Placed(url, self._link(relative, None, b"", served), written=False))
            return
        target = self.stage / relative
        temporary = self._temporary(target)
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
        self._mirror(relative)
        self.note(Placed(url, PageRecord(None, b"", _stat(target)), written=True))

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
            if served is not None and served.size == len(data) and _read(self.output / relative) == data:
                self.note(Placed("/" + relative, self._link(relative, key, digest(data), served), written=False))
            else:
                self._mirror(relative)
                self.note(Placed("/" + relative, PageRecord(key, digest(data), _stat(path)), written=True))

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

        _prune(self.stage, [relative for relative in self.present if not stays(relative)])
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

    def _link(self, relative: str, key: bytes | None, page_digest: bytes, served: FileStat) -> PageRecord:
        """Make the staging tree's entry the served file's inode (it often already is)."""
        if self.present.get(relative) == served.ino and self.mirror is None:
            return PageRecord(key, page_digest, served)  # the same inode: the same stat
        target = self.stage / relative
        if self.present.get(relative) != served.ino:
            temporary = self._temporary(target)
            _link_or_copy(os.path.join(self.output, relative), temporary)
            os.replace(temporary, target)
        self._mirror(relative)
        # Recorded from the staged name: linking changed the inode's ctime.
        return PageRecord(key, page_digest, _stat(target))

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
            _link_or_copy(self.stage / relative, target)
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
        with _signals_held():
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
            _link_tree(self.output, self.spare)
            # Linking changed every inode's ctime: record the files as they are now.
            self.records = {
                url: PageRecord(r.key, r.digest, _stat(self.output / urls.output_file(url)))
                for url, r in self.records.items()
            }


@dataclass(frozen=True)
class Surveyed:
    present: dict[str, int] | None  # the staging tree's files (relative path -> inode), when it was listed
    changed: frozenset[str] = field(default_factory=frozenset)  # recorded URLs whose served file is not as recorded


class Survey:
    """The staging tree's listing and the check of every served file, made by a forked process.

    Neither needs anything the build computes, and a rebuild that changes one story would spend
    a fifth of its time on them with the second core idle.  The process starts when the writer
    is entered and sends its findings when done; the writer takes them before it first touches
    the staging tree.  Where the process cannot start or fails, the writer does the work itself.

    A bare ``os.fork`` that only lists, stats, pickles and writes to a pipe, then ``os._exit``:
    ``serve`` builds while its server and watcher threads run, and a child that flushed the
    standard streams or ran exit handlers (as multiprocessing's do) could wait forever on a
    lock one of those threads held at the fork.
    """

    def __init__(self, pid: int, reader: int) -> None:
        self._pid: int | None = pid  # None once reaped
        self._reader: int | None = reader  # None once closed
        self._parent = os.getpid()
        self._found: Surveyed | None = None

    @classmethod
    def start(cls, output: Path, records: Mapping[str, PageRecord], stage: Path | None) -> Survey | None:
        if not hasattr(os, "fork"):
            return None
        reader, writer = os.pipe()
        survey: Survey | None = None
        try:
            with _signals_held():  # the child sets its own handlers before it can take a signal
                pid = os.fork()
                if pid == 0:
                    # The build's handlers would unwind the build in here: Ctrl-C is the parent's to
                    # handle, and the parent ends this process with SIGTERM.
                    signal.signal(signal.SIGINT, signal.SIG_IGN)
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                else:
                    survey = cls(pid, reader)
                    os.close(writer)
        except OSError:  # no room for a process
            os.close(reader)
            os.close(writer)
            return None
        except BaseException:  # Ctrl-C as the signals are let through: stop the child at once
            if survey is not None:
                survey.close()
            raise
        if pid == 0:  # the child: never returns into the build
            code = 1
            try:
                os.close(reader)
                _survey(writer, output, records, stage)
                code = 0
            finally:
                os._exit(code)
        return survey

    def result(self) -> Surveyed | None:
        """What the process found (None if it failed); waits for it the first time."""
        if self._pid is not None:
            if os.getpid() != self._parent:
                raise RuntimeError("the output survey was not awaited before forking workers")
            chunks = []
            with contextlib.suppress(OSError):
                while chunk := os.read(self._reader or -1, 1 << 20):
                    chunks.append(chunk)
            self._close_reader()
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
            data = b"".join(chunks)
            if status == 0 and data:
                with contextlib.suppress(Exception):  # a truncated message: do the work here
                    found = pickle.loads(data)
                    self._found = found if isinstance(found, Surveyed) else None
        return self._found

    def close(self) -> None:
        """Stop the process if the build ends without having waited for it (or was interrupted waiting)."""
        if os.getpid() != self._parent:
            return
        self._close_reader()
        if self._pid is not None:
            pid, self._pid = self._pid, None
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)

    def _close_reader(self) -> None:
        if self._reader is not None:
            reader, self._reader = self._reader, None
            os.close(reader)


def _survey(writer: int, output: Path, records: Mapping[str, PageRecord], stage: Path | None) -> None:
    """In the forked process: list ``stage``, check each recorded file of ``output``, and write
    what it found to ``writer`` (a pickled :class:`Surveyed`, or nothing if it failed)."""
    try:
        present = inventory(stage) if stage is not None else None
        changed = frozenset(
            url
            for url, record in records.items()
            if FileStat.read(os.path.join(output, urls.output_file(url))) != record.stat
        )
    except (OSError, ValueError):  # the writer does it again, and reports what is wrong
        return
    view = memoryview(pickle.dumps(Surveyed(present, changed), protocol=pickle.HIGHEST_PROTOCOL))
    with contextlib.suppress(OSError):  # the build is gone: nobody to tell
        while view:
            view = view[os.write(writer, view) :]


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2``); False where the system or file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_by_renames(new: Path, current: Path) -> None:
    """The same swap as :func:`exchange` in three renames, for systems without it.

    Killed between the first two, ``current`` is missing and the previous
    site waits under its old-mark name, where :func:`remove_leftovers` finds it.
    """
    old = current.parent / f"{OLD_MARK}{current.name}-{uuid.uuid4().hex[:12]}"
    os.rename(current, old)
    os.rename(new, current)
    os.rename(old, new)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the swap is done, so it is never left half-way."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # no sigmask on this platform or thread
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def remove_leftovers(output: Path) -> None:
    """Temporary folders of builds that were killed before they could clean up.

    A build killed between the first two renames of the fallback swap leaves no
    output but the previous site under its old-mark name: that one is put back.
    """
    name = glob.escape(output.name)
    if not output.exists():
        olds = sorted(output.parent.glob(f"{OLD_MARK}{name}-*"), key=lambda p: p.stat().st_mtime)
        if olds:
            os.rename(olds[-1], output)
    for mark in (TEMP_MARK, OLD_MARK):
        for stale in output.parent.glob(f"{mark}{name}-*"):
            shutil.rmtree(stale, ignore_errors=True)


def check_output(output: Path, keep: Iterable[Path]) -> None:
    """Refuse an output folder whose replacement would lose the site's own files or someone else's.

    ``keep`` are the site's sources (content, layouts, settings, static files):
    the output may be neither one of them, nor hold one, nor lie inside one.
    """
    target = output.resolve()
    for path in keep:
        source = path.resolve()
        if target == source or target in source.parents or source in target.parents:
            raise UsageError(
                f"--output {output} overlaps {path}, which a build would replace "
                "(expected a folder of its own, such as output)"
            )
    if target.exists() and not target.is_dir():
        raise UsageError(f"--output {output} is a file (expected a folder)")
    if target.is_dir() and any(target.iterdir()) and not (target / "index.html").is_file():
        raise UsageError(
            f"--output {output} holds files but no index.html, so it is not a site newsdesk built; "
            "refusing to replace it (expected an empty or missing folder, or a previous build)"
        )


def inventory(root: Path) -> dict[str, int]:
    """Relative path -> inode of every file under ``root`` (readdir gives inodes without a stat)."""
    found: dict[str, int] = {}
    stack = [("", str(root))]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    found[prefix + entry.name] = entry.inode()
    return found


def _prune(root: Path, strays: list[str]) -> None:
    """Remove the files the new site does not have, and the folders they leave empty."""
    folders: set[str] = set()
    for relative in strays:
        os.unlink(os.path.join(root, relative))
        folder = os.path.dirname(relative)
        while folder:
            folders.add(folder)
            folder = os.path.dirname(folder)
    for folder in sorted(folders, key=len, reverse=True):  # the deepest first
        with contextlib.suppress(OSError):  # not empty: it still holds pages
            os.rmdir(os.path.join(root, folder))


def _link_tree(source: Path, target: Path) -> None:
    for dirpath, _dirnames, filenames in os.walk(source):
        relative = os.path.relpath(dirpath, source)
        folder = target / relative if relative != "." else target
        folder.mkdir(parents=True, exist_ok=True)
        for name in filenames:
            _link_or_copy(os.path.join(dirpath, name), folder / name)


def _link_or_copy(source: str | Path, target: Path) -> None:
    """The same file under a second name; a copy with the same mtime where hard links are impossible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _stat(path: Path) -> FileStat:
    stat = FileStat.read(path)
    if stat is None:  # pragma: no cover - we just wrote it
        raise FileNotFoundError(path)
    return stat


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        sa, sb = a.stat(), b.stat()
        if sa.st_size != sb.st_size:
            return False
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False

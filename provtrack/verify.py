"""Checking a store's integrity: hashes, numbering, parent links, git objects and published heads.

Every version is re-read from its own commit and checked against what was recorded when
it was written (meta.json and the commit trailers); `git fsck` checks the objects
themselves, and an earlier published head proves history was not rewritten since. The
checks never change the store and never stop at the first problem: a report lists
every one, with the article, version and commit it concerns.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from provtrack.blockfile import BLOCKS_FILE, META_FILE, load_blocks
from provtrack.errors import ProvtrackError, UsageError
from provtrack.store import MARKER, Store, article_dir, parse_trailers
from provtrack.urls import is_article_id

_ARTICLE_PATH = re.compile(r"^articles/([^/]+)/([^/]+)/")
_RAW_NAME = re.compile(r"^raw\.[a-z0-9]{1,8}$")
_HEX = re.compile(r"^[0-9a-fA-F]{4,40}$")
FORMAT_TRAILER = "Provtrack-Store-Format"
#: `git log %G?` letters, named
SIGNATURE_STATUS = {"G": "good", "B": "bad", "U": "good-unknown-validity", "X": "good-expired-signature",
                    "Y": "good-expired-key", "R": "good-revoked-key", "E": "cannot-check", "N": "unsigned"}
_MAX_FSCK_LINES = 20


@dataclass(frozen=True)
class Problem:
    """One thing verify found wrong: `error` breaks the archive's evidence, `warning` does not."""

    check: str
    message: str
    article: str | None = None
    version: int | None = None
    commit: str | None = None
    severity: str = "error"

    def to_json(self) -> dict[str, Any]:
        return {"severity": self.severity, "check": self.check, "article": self.article,
                "version": self.version, "commit": self.commit, "message": self.message}


@dataclass(frozen=True)
class VerifyReport:
    """What `verify` checked and every problem it found."""

    store: str
    head: str | None
    articles: int
    versions: int
    commits: int
    fsck_ok: bool
    problems: tuple[Problem, ...]
    signatures: Mapping[str, int] = field(default_factory=dict)
    expected_head: str | None = None

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {"schema": "provtrack.verify/1", "ok": self.ok, "store": self.store, "head": self.head,
                "articles": self.articles, "versions": self.versions, "commits": self.commits,
                "fsck": "ok" if self.fsck_ok else "failed", "expected_head": self.expected_head,
                "signatures": dict(self.signatures), "problems": [p.to_json() for p in self.problems]}


@dataclass(frozen=True)
class _Commit:
    sha: str
    parents: tuple[str, ...]
    signature: str
    trailers: Mapping[str, str]
    store_format: bool
    paths: tuple[str, ...]


@dataclass(frozen=True)
class _Version:
    number: int
    commit: str
    trailers: Mapping[str, str]


class _Objects:
    """Reads objects through one `git cat-file --batch`; a corrupt object costs a restart, never a crash."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        self._proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            self._proc = subprocess.Popen(["git", "--git-dir", str(self.git_dir), "cat-file", "--batch"],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL)
        return self._proc

    def read(self, spec: str) -> bytes | None:
        """The object named by *spec* (`COMMIT:path`); None when missing; OSError when unreadable."""
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(spec.encode("utf-8") + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if len(header) == 3:
                size = int(header[2])
                data = proc.stdout.read(size)
                if len(data) == size and proc.stdout.read(1) == b"\n":
                    return data
            elif len(header) == 2 and header[1] in (b"missing", b"ambiguous"):
                return None
        except (OSError, ValueError):
            pass
        self.close()  # git gave up on a corrupt object; the next read starts afresh
        raise OSError(f"git cannot read {spec}")

    def close(self) -> None:
        if self._proc is not None:
            for stream in (self._proc.stdin, self._proc.stdout):
                if stream is not None:
                    stream.close()
            self._proc.kill()
            self._proc.wait()
            self._proc = None


def _git(store: Store, *args: str) -> tuple[int, str, str]:
    proc = subprocess.run(["git", "-C", str(store.path), *args], capture_output=True)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- the whole check ----------------------------------------------------------------------

def verify(store: Store, articles: Sequence[str] = (), *, expect_head: str | None = None) -> VerifyReport:
    """Check *store* (or only *articles*: ids, URLs or id prefixes) and report every problem found."""
    if expect_head is not None and not _HEX.match(expect_head.strip()):
        raise UsageError(f"--expect-head takes a commit id (4 to 40 hex digits), got {expect_head!r}")
    head = store.head()
    if head is None:
        return VerifyReport(str(store.path), None, 0, 0, 0, True, ())
    wanted = {store.resolve_article(name) for name in articles}
    problems: list[Problem] = []
    fsck_ok = _fsck(store, problems)
    commits = list(_walk(store, head))  # `main` as it was when verify began, even if writers move it
    versions = _collect_versions(commits, wanted, problems)
    objects = _Objects(store.git_dir)
    try:
        at_head = _articles_at(store, head)
        for article in sorted(wanted or set(versions) | at_head):
            _check_article(objects, article, versions.get(article, []), head, problems)
        signatures = _signatures(objects, commits, problems)
    finally:
        objects.close()
    if expect_head is not None:
        _check_expected_head(store, expect_head.strip(), head, problems)
    if not wanted:
        problems.extend(_check_worktree(store))
    counted = {a: v for a, v in versions.items() if not wanted or a in wanted}
    return VerifyReport(str(store.path), head, len(wanted or set(versions) | at_head),
                        sum(len(v) for v in counted.values()), len(commits), fsck_ok, tuple(problems),
                        signatures, expect_head.strip() if expect_head else None)


def _fsck(store: Store, problems: list[Problem]) -> bool:
    code, out, err = _git(store, "fsck", "--full", "--strict", "--no-dangling", "--no-progress")
    lines = [line.strip() for line in (err + out).splitlines() if line.strip()]
    bad = [line for line in lines if not line.startswith(("dangling", "notice", "Checking"))]
    if code == 0 and not bad:
        return True
    for line in (bad or [f"git fsck exited with status {code}"])[:_MAX_FSCK_LINES]:
        problems.append(Problem("fsck", f"git fsck: {line}"))
    if len(bad) > _MAX_FSCK_LINES:
        problems.append(Problem("fsck", f"git fsck: ... {len(bad) - _MAX_FSCK_LINES} more lines"))
    return False


def _walk(store: Store, head: str) -> Iterator[_Commit]:
    """Every commit up to *head*, oldest first, with its trailers, signature status and changed paths."""
    proc = subprocess.Popen(["git", "-C", str(store.path), "-c", "core.quotePath=false", "log", "--reverse",
                             "--format=%x1e%H%x1f%P%x1f%G?%x1f%B%x1f", "--name-only", head],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    buffer = b""

    def parse(record: bytes) -> _Commit | None:
        fields = record.decode("utf-8", "replace").split("\x1f")
        if len(fields) < 5:
            return None
        message = "\x1f".join(fields[3:-1])
        store_format = any(line.startswith(f"{FORMAT_TRAILER}: ")
                           for line in message.strip().split("\n\n")[-1].splitlines())
        return _Commit(fields[0].strip(), tuple(fields[1].split()), fields[2].strip() or "N",
                       parse_trailers(message), store_format,
                       tuple(p for p in fields[-1].splitlines() if p.strip()))

    for chunk in iter(lambda: proc.stdout.read(65536), b""):  # type: ignore[union-attr]
        *records, buffer = (buffer + chunk).split(b"\x1e")
        for record in records:
            if (commit := parse(record)) is not None:
                yield commit
    if (commit := parse(buffer)) is not None:
        yield commit
    proc.wait()


def _collect_versions(commits: list[_Commit], wanted: set[str],
                      problems: list[Problem]) -> dict[str, list[_Version]]:
    """Version commits per article, in history order; commits that change articles without being versions are problems."""
    versions: dict[str, list[_Version]] = {}
    for commit in commits:
        touched = sorted({m.group(2) for p in commit.paths if (m := _ARTICLE_PATH.match(p))})
        article = commit.trailers.get("article")

        def report(about: str, message: str) -> None:
            if not wanted or about in wanted:
                problems.append(Problem("history", message, about, None, commit.sha))

        if len(commit.parents) > 1:
            problems.append(Problem("history", "merge commit on main (provtrack history is a single line "
                                               "of versions)", None, None, commit.sha))
        stray = [p for p in commit.paths if p.startswith("articles/") and not _ARTICLE_PATH.match(p)]
        if stray and not wanted:
            problems.append(Problem("history", f"{stray[0]} is outside any article directory",
                                    None, None, commit.sha))
        if commit.store_format:
            continue
        if not article:
            for name in touched:
                report(name, f"changed by commit {commit.sha[:10]}, which provtrack did not write "
                             f"(no Provtrack trailers)")
            if not touched and MARKER in commit.paths and commit.parents:
                problems.append(Problem("history", f"{MARKER} changed by a commit provtrack did not write",
                                        None, None, commit.sha))
            continue
        try:
            number = int(commit.trailers.get("version", ""))
        except ValueError:
            report(article, f"bad Provtrack-Version trailer {commit.trailers.get('version')!r}")
            continue
        for other in touched:
            if other != article:
                report(other, f"changed by commit {commit.sha[:10]}, a version of another article ({article})")
        if article not in touched:
            report(article, f"version commit v{number} does not change the article's directory")
        versions.setdefault(article, []).append(_Version(number, commit.sha, commit.trailers))
    return versions


def _articles_at(store: Store, head: str) -> set[str]:
    code, out, _ = _git(store, "ls-tree", "-r", "-d", "--name-only", head, "articles")
    return {m.group(2) for line in out.splitlines() if (m := _ARTICLE_PATH.match(line + "/"))
            and line.count("/") == 2} if code == 0 else set()


# -- one article ------------------------------------------------------------------------

def _check_article(objects: _Objects, article: str, versions: list[_Version], head: str,
                   problems: list[Problem]) -> None:
    adir = article_dir(article)
    if not is_article_id(article):
        problems.append(Problem("history", f"{article!r} is not an article id provtrack would make", article))
    if not versions:
        problems.append(Problem("history", "in the store but no commit records a version of it", article))
        return
    previous: _Version | None = None
    first_url = None
    for index, version in enumerate(versions):
        expected = index + 1
        if version.number != expected:
            if previous is not None and version.number == previous.number:
                what = f"v{version.number} recorded twice (commits {previous.commit[:10]} and {version.commit[:10]})"
            elif version.number > expected:
                missing = f"v{expected}" if version.number == expected + 1 else f"v{expected}..v{version.number - 1}"
                what = f"v{version.number} follows {f'v{previous.number}' if previous else 'nothing'}: {missing} missing"
            else:
                what = f"v{version.number} recorded after v{previous.number if previous else 0}"
            problems.append(Problem("numbering", what, article, version.number, version.commit))
        meta = _check_version(objects, article, adir, version, previous, problems)
        url = meta.get("article_url") if meta else None
        if first_url is None:
            first_url = url
        elif url != first_url:
            problems.append(Problem("meta", f"article_url changed from {first_url!r} to {url!r} (it is kept "
                                            f"from version 1 on)", article, version.number, version.commit))
        previous = version
    last = versions[-1]
    try:
        now, then = objects.read(f"{head}:{adir}"), objects.read(f"{last.commit}:{adir}")
    except OSError as exc:
        problems.append(Problem("object", str(exc), article, last.number, last.commit))
        return
    if now is None:
        problems.append(Problem("history", "its directory is no longer on main", article))
    elif now != then:
        problems.append(Problem("history", f"main holds different files than its latest version "
                                           f"v{last.number} wrote", article, last.number, last.commit))


def _check_version(objects: _Objects, article: str, adir: str, version: _Version,
                   previous: _Version | None, problems: list[Problem]) -> dict[str, Any] | None:
    """Check one version against its meta.json and trailers; returns its meta.json when readable."""
    def problem(check: str, message: str) -> None:
        problems.append(Problem(check, message, article, version.number, version.commit))

    def read(name: str) -> bytes | None:
        try:
            data = objects.read(f"{version.commit}:{adir}/{name}")
        except OSError as exc:
            problem("object", str(exc))
            return None
        if data is None:
            problem("missing", f"{name} is missing (not in the version's commit, or its git object is gone)")
        return data

    raw_meta = read(META_FILE)
    if raw_meta is None:
        return None
    try:
        meta = json.loads(raw_meta)
    except ValueError:
        meta = None
    if not isinstance(meta, dict):
        problem("meta", f"{META_FILE} is not a JSON object")
        return None
    hashes = meta.get("sha256")
    recorded: Mapping[str, Any] = hashes if isinstance(hashes, dict) else {}
    trailers = version.trailers
    for key, trailer in (("article", article), ("version", version.number),
                         ("fetched_at", trailers.get("fetched_at"))):
        if meta.get(key) != trailer:
            problem("meta", f"{META_FILE} {key} is {meta.get(key)!r}, the commit trailer says {trailer!r}")
    expected_parent = previous.commit if previous else None
    if meta.get("previous_commit") != expected_parent:
        problem("parent", f"previous_commit is {meta.get('previous_commit')!r}, expected "
                          f"{expected_parent!r}" + (f" (v{previous.number})" if previous else " (first version)"))
    blocks = read(BLOCKS_FILE)
    if blocks is not None:
        _compare(problem, BLOCKS_FILE, _sha256(blocks), recorded.get("blocks"), f"{META_FILE} sha256.blocks")
        try:
            parsed = load_blocks(blocks.decode("utf-8"))
        except (UnicodeError, ProvtrackError):
            problem("hash", f"{BLOCKS_FILE} is not a valid block file")
        else:
            text = "\n\n".join(b.text for b in parsed).encode("utf-8")
            _compare(problem, "block text", _sha256(text), recorded.get("text"), f"{META_FILE} sha256.text")
            if meta.get("blocks") not in (None, len(parsed)):
                problem("meta", f"{META_FILE} says {meta.get('blocks')} blocks, {BLOCKS_FILE} has {len(parsed)}")
    if recorded.get("raw") != trailers.get("raw_sha256"):
        problem("hash", f"{META_FILE} sha256.raw {recorded.get('raw')} differs from the commit trailer "
                        f"{trailers.get('raw_sha256')}")
    raw_name = meta.get("raw_file")
    if raw_name is not None and (not isinstance(raw_name, str) or not _RAW_NAME.match(raw_name)):
        problem("meta", f"{META_FILE} raw_file {raw_name!r} is not a raw file name")
    elif raw_name is not None and (raw := read(raw_name)) is not None:
        _compare(problem, raw_name, _sha256(raw), trailers.get("raw_sha256"), "the commit trailer")
        if meta.get("raw_size") not in (None, len(raw)):
            problem("meta", f"{raw_name} has {len(raw)} bytes, {META_FILE} raw_size says {meta.get('raw_size')}")
    return meta


def _compare(problem: Any, what: str, actual: str, recorded: Any, where: str) -> None:
    if actual != recorded:
        problem("hash", f"{what} sha256 is {actual}, {where} says {recorded}")


# -- store-wide checks ------------------------------------------------------------------

def _signatures(objects: _Objects, commits: list[_Commit], problems: list[Problem]) -> dict[str, int]:
    """Commits per signature status; empty for a store that signs nothing."""
    counts: dict[str, int] = {}
    for commit in commits:
        name = SIGNATURE_STATUS.get(commit.signature, "cannot-check")
        if name == "unsigned" and _has_signature(objects, commit.sha):
            name = "cannot-check"  # e.g. an ssh signature without gpg.ssh.allowedSignersFile
        counts[name] = counts.get(name, 0) + 1
        if commit.signature == "B":
            problems.append(Problem("signature", "bad signature: the commit was changed after it was signed",
                                    commit.trailers.get("article"), None, commit.sha))
    return counts if set(counts) - {"unsigned"} else {}


def _has_signature(objects: _Objects, commit: str) -> bool:
    try:
        data = objects.read(commit) or b""
    except OSError:
        return False
    return b"\ngpgsig " in data.partition(b"\n\n")[0]


def _check_expected_head(store: Store, expect: str, head: str, problems: list[Problem]) -> None:
    code, out, _ = _git(store, "rev-parse", "--verify", "--quiet", f"{expect}^{{commit}}")
    if code != 0:
        problems.append(Problem("history", f"published head {expect} is not in this store: history was "
                                           f"rewritten (or this is another store)", commit=expect))
        return
    full = out.strip()
    code, _, err = _git(store, "merge-base", "--is-ancestor", full, head)
    if code == 1:
        problems.append(Problem("history", f"published head {expect} is no longer an ancestor of main: "
                                           f"history was rewritten since it was published", commit=full))
    elif code != 0:
        problems.append(Problem("history", f"cannot check published head {expect}: {err.strip()}", commit=full))


def _check_worktree(store: Store) -> list[Problem]:
    """Files in the working tree that differ from main: stale after a crash (warning) or edited (error)."""
    if store.repo.bare or store.repo.working_tree_dir is None:
        return []
    code, out, _ = _git(store, "--no-optional-locks", "status", "--porcelain=v1", "-z",
                        "--untracked-files=all", "--", "articles", MARKER)
    if code != 0:
        return [Problem("worktree", "git status failed in the store's working tree", severity="warning")]
    found = []
    base = Path(store.repo.working_tree_dir)
    for entry in out.split("\0"):
        if len(entry) < 4:
            continue
        state, path = entry[:2], entry[3:]
        m = _ARTICLE_PATH.match(path)
        article = m.group(2) if m else None

        def add(message: str, severity: str = "error") -> None:
            found.append(Problem("worktree", f"{path}: {message}", article, severity=severity))

        target = base / path
        if state == "??":
            if path.endswith(".provtrack-tmp"):
                add("left over from an interrupted write (safe to delete)", "warning")
            else:
                add("in the working tree but not in the archive (not committed)")
        elif not target.is_file():
            add("missing from the working tree (the archive is intact; `git checkout -- .` restores it)",
                "warning")
        else:
            data = target.read_bytes()
            blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
            committed = _git(store, "rev-parse", "--verify", "--quiet", f"HEAD:{path}")[1].strip()
            if blob == committed:
                continue  # only git's index is behind
            if _git(store, "cat-file", "-e", blob)[0] == 0:
                add("an older committed copy in the working tree (an interrupted write?); "
                    "`git checkout -- .` restores it", "warning")
            else:
                add("edited outside provtrack: differs from every committed version")
    return found

"""Writing git objects directly: blobs and trees in-process, commits and ref updates through git.

Nothing here knows about articles; `store.Store` composes these steps into versions.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import os
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path
from typing import BinaryIO, Callable, Mapping

import git
from gitdb import IStream, LooseObjectDB
from git.objects.fun import tree_to_stream

from provtrack.errors import StoreError

MODE_BLOB = 0o100644
MODE_TREE = 0o040000
ZERO = "0" * 40

Entries = dict[str, tuple[bytes, int]]


class GitWriter:
    """Low-level writes into one repository, moving one branch ref by compare-and-swap."""

    def __init__(self, repo: git.Repo, ref: str) -> None:
        self.repo = repo
        self.ref = ref
        self._trees: dict[bytes, Entries] = {}  # tree id -> its entries (trees never change)

    def write_object(self, kind: str, data: bytes) -> bytes:
        """Store *data* as a loose object of *kind*; returns its binary id."""
        # gitpython's default database shells out to `git hash-object` per object; its loose-object
        # base class writes the same zlib file in-process (to a temporary name, then renamed)
        return LooseObjectDB.store(self.repo.odb, IStream(kind, len(data), io.BytesIO(data))).binsha

    def blob(self, data: bytes) -> bytes:
        return self.write_object("blob", data)

    def tree(self, entries: Entries) -> bytes:
        # git orders tree entries as if directory names ended in "/"
        ordered = sorted(entries.items(), key=lambda kv: kv[0] + ("/" if kv[1][1] == MODE_TREE else ""))
        buf = io.BytesIO()
        tree_to_stream([(sha, mode, name) for name, (sha, mode) in ordered], buf.write)
        return self.write_object("tree", buf.getvalue())

    def entries(self, commit: str | None, path: str) -> Entries:
        """The entries of the tree at *path* in *commit* ({} when there is none).

        Trees are parsed here rather than through gitpython's objects, which validate and
        build an object per entry: the `articles/` trees of a big store have hundreds each.
        """
        if commit is None:
            return {}
        entries = self._tree_entries(self.repo.commit(commit).tree.binsha)
        for part in path.split("/") if path else ():
            found = entries.get(part)
            if found is None or found[1] != MODE_TREE:
                return {}
            entries = self._tree_entries(found[0])
        return dict(entries)

    def _tree_entries(self, binsha: bytes) -> Entries:
        known = self._trees.get(binsha)
        if known is None:
            known = _parse_tree(self.repo.odb.stream(binsha).read())
            if len(self._trees) >= 256:
                self._trees.clear()
            self._trees[binsha] = known
        return known

    def commit(self, tree: str, parent: str | None, message: str, date: str | None) -> str:
        """`git commit-tree` (which honours the store's signing configuration); returns the commit.

        The identity is the store's own `user.name`/`user.email` (set with `git config` inside
        the store) or `provtrack <provtrack@localhost>`, never the user's global identity,
        which would otherwise be published with the archive without anyone choosing to.
        """
        name, email = self.identity()
        env = {"GIT_AUTHOR_NAME": str(name), "GIT_COMMITTER_NAME": str(name),
               "GIT_AUTHOR_EMAIL": str(email), "GIT_COMMITTER_EMAIL": str(email)}
        if date:
            env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        args = [tree] + (["-p", parent] if parent else []) + self.sign_args()
        try:
            return self.git_input("commit_tree", *args, data=message.encode("utf-8"), env=env).strip()
        except git.GitCommandError as exc:
            raise StoreError(f"git commit-tree failed: {exc.stderr.strip() or exc}") from None

    def sign_args(self) -> list[str]:
        """`-S[KEY]` when the effective git configuration sets commit.gpgSign (commit-tree ignores it itself).

        gpg.format and the rest of the signing setup are read by git as usual; a signing failure
        fails the write rather than silently storing an unsigned version.
        """
        try:
            found = self.repo.git.config("--get-regexp", r"^(commit\.gpgsign|user\.signingkey)$")
        except git.GitCommandError:  # neither key is set
            return []
        values = dict(line.partition(" ")[::2] for line in found.splitlines())
        if values.get("commit.gpgsign", "").strip().lower() not in ("true", "yes", "on", "1"):
            return []
        key = values.get("user.signingkey", "").strip()
        return [f"-S{key}"] if key else ["-S"]

    def identity(self) -> tuple[str, str]:
        """(name, email) for commits: the store's own configuration, else provtrack's."""
        reader = self.repo.config_reader("repository")
        return (str(reader.get_value("user", "name", "") or "provtrack"),
                str(reader.get_value("user", "email", "") or "provtrack@localhost"))

    def signs_commits(self) -> bool:
        """True when git would sign commits here (`commit.gpgSign` at any configuration level)."""
        try:
            return self.repo.git.config("--bool", "--get", "commit.gpgsign").strip() == "true"
        except git.GitCommandError:
            return False

    def git_input(self, command: str, *args: str, data: bytes, env: Mapping[str, str] | None = None) -> str:
        """Run a git command with *data* on its standard input (which must be a real file for gitpython)."""
        with tempfile.TemporaryFile() as stdin:
            stdin.write(data)
            stdin.seek(0)
            return getattr(self.repo.git, command)(*args, istream=stdin, env=dict(env or {}))

    def update_ref(self, commit: str, expected: str | None) -> None:
        try:
            self.repo.git.update_ref("-m", "provtrack snapshot", self.ref, commit, expected or ZERO)
        except git.GitCommandError as exc:
            raise StoreError(f"store changed underneath this write; nothing was stored ({exc.stderr.strip()})") from None
        if not self.repo.bare and self.repo.head.is_detached is False:
            try:
                if self.repo.head.reference.path != self.ref:
                    self.repo.git.symbolic_ref("HEAD", self.ref)
            except (TypeError, git.GitCommandError):
                pass

    def maintain(self, *, new_commits: int) -> None:
        """Housekeeping after a write, best effort: `git gc --auto` (git decides, and detaches),
        and after a bulk write a commit-graph with changed-path filters, so `git log -- PATH`
        (how provtrack lists an article's versions) skips the commits that did not touch it."""
        try:
            if new_commits >= 1000:
                self.repo.git.commit_graph("write", "--reachable", "--changed-paths")
            self.repo.git.gc("--auto", "--quiet")
        except git.GitCommandError:
            pass

    def checkout_tree(self, old: str | None, new: str) -> None:
        """Move the working tree and index from commit *old* to *new*, touching only what differs.

        Best effort, like `sync_worktree`: provtrack reads commits, never the working tree.
        """
        if self.repo.bare or self.repo.working_tree_dir is None:
            return
        self.settle()
        try:
            self.repo.git.read_tree("-m", "-u", *([old] if old else []), new)
        except git.GitCommandError:
            try:  # the index did not match *old* (a hand-edited working tree): take *new* as it is
                self.repo.git.read_tree("--reset", "-u", new)
            except git.GitCommandError:
                pass

    def sync_worktree(self, files: Mapping[str, tuple[bytes, bytes]], *, prefix: str,
                       removed: set[str] | tuple[()], background: bool = False) -> None:
        """Mirror a committed directory into the working tree and index so plain `git status` stays clean.

        Best effort: the commit is already on `main`; a stale working tree never affects provtrack.
        With *background*, the index update runs while the caller goes on (git reads and
        rewrites the whole index, which grows with the store); `settle` waits for it, the store
        does so before releasing its writer lock (it asks for *background* only under that
        lock), and so does the process at exit, so no git command run afterwards finds the
        index locked.
        """
        if self.repo.bare or self.repo.working_tree_dir is None:
            return
        self.settle()
        base = Path(self.repo.working_tree_dir)
        infos = []
        try:
            for name, (data, sha) in files.items():
                target = base / (prefix + name)
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(target.name + ".provtrack-tmp")
                tmp.write_bytes(data)
                os.replace(tmp, target)
                infos.append(f"100644 {sha.hex()}\t{prefix}{name}")
            for name in removed:
                (base / (prefix + name)).unlink(missing_ok=True)
                infos.append(f"0 {ZERO}\t{prefix}{name}")
            update = subprocess.Popen(["git", "update-index", "--index-info"], cwd=base, stdin=subprocess.PIPE,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _INDEX_UPDATES[os.path.realpath(base)] = update
            assert update.stdin is not None
            with update.stdin:
                update.stdin.write(("\n".join(infos) + "\n").encode())
        except (OSError, ValueError):
            pass
        if not background:
            self.settle()

    def settle(self) -> None:
        """Wait for a background index update of this repository (see `sync_worktree`) to finish."""
        if self.repo.working_tree_dir is not None:
            settle_index(self.repo.working_tree_dir)


#: working tree -> its background `git update-index`, shared by every writer of that repository
_INDEX_UPDATES: dict[str, subprocess.Popen[bytes]] = {}


def settle_index(working_tree: str | os.PathLike[str]) -> None:
    """Wait for the background index update of the repository at *working_tree*, if one is running."""
    update = _INDEX_UPDATES.pop(os.path.realpath(working_tree), None)
    if update is not None:
        update.wait()


@atexit.register
def _settle_all() -> None:
    for working_tree in list(_INDEX_UPDATES):
        settle_index(working_tree)


# -- bulk writes: one new pack file -------------------------------------------------------

_PACK_TYPES = {"commit": 1, "tree": 2, "blob": 3}
LOOSE_LIMIT = 100  # fewer objects than this are written loose (git's fetch.unpackLimit default)
_MAX_DEPTH = 50  # git's default pack.depth: reading an object applies at most this many deltas


def _object_header(kind: int, size: int) -> bytes:
    header = bytearray([(kind << 4) | (size & 0x0F)])
    size >>= 4
    while size:
        header[-1] |= 0x80
        header.append(size & 0x7F)
        size >>= 7
    return bytes(header)


def _ofs(distance: int) -> bytes:
    """The negative offset of an OFS_DELTA's base, in git's big-endian base-128 with the +1 twist."""
    out = [distance & 0x7F]
    distance >>= 7
    while distance:
        distance -= 1
        out.append(0x80 | (distance & 0x7F))
        distance >>= 7
    return bytes(reversed(out))


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _copy(offset: int, size: int) -> bytes:
    out = bytearray()
    while size:
        chunk = min(size, 0xFFFF)  # sizes up to 2 bytes here: simple and always valid
        op, args = 0x80, bytearray()
        for i in range(4):
            if (offset >> (8 * i)) & 0xFF:
                op |= 1 << i
                args.append((offset >> (8 * i)) & 0xFF)
        for i in range(2):
            if (chunk >> (8 * i)) & 0xFF:
                op |= 1 << (4 + i)
                args.append((chunk >> (8 * i)) & 0xFF)
        out += bytes([op]) + args
        offset += chunk
        size -= chunk
    return bytes(out)


def _common(same: Callable[[int], bool], limit: int) -> int:
    """The largest n <= limit with same(n), for a predicate true up to some n (binary search on slices)."""
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if same(mid):
            low = mid
        else:
            high = mid - 1
    return low


def _delta(source: bytes, target: bytes) -> bytes:
    """A git delta turning *source* into *target*: copy the common head and tail, insert the middle."""
    limit = min(len(source), len(target))
    head = _common(lambda n: source[:n] == target[:n], limit)
    tail = _common(lambda n: source[len(source) - n:] == target[len(target) - n:], limit - head)
    out = bytearray(_varint(len(source)) + _varint(len(target)))
    if head:
        out += _copy(0, head)
    middle = target[head:len(target) - tail]
    for i in range(0, len(middle), 127):
        piece = middle[i:i + 127]
        out += bytes([len(piece)]) + piece
    if tail:
        out += _copy(len(source) - tail, tail)
    return bytes(out)


def object_sha(kind: str, data: bytes) -> bytes:
    """The binary git object id of *data* as an object of *kind*."""
    return hashlib.sha1(b"%s %d\0" % (kind.encode(), len(data)) + data).digest()


def tree_bytes(entries: Entries) -> bytes:
    """The raw content of a git tree (entries ordered as git orders them)."""
    ordered = sorted(entries.items(), key=lambda kv: kv[0] + ("/" if kv[1][1] == MODE_TREE else ""))
    return b"".join(b"%o %s\0%s" % (mode, name.encode("utf-8"), sha) for name, (sha, mode) in ordered)


def commit_bytes(tree: str, parent: str | None, message: str, *, name: str, email: str, when: int) -> bytes:
    """The raw content of an unsigned commit, dated *when* (Unix seconds, UTC)."""
    person = f"{name} <{email}> {when} +0000"
    head = f"tree {tree}\n" + (f"parent {parent}\n" if parent else "") + f"author {person}\ncommitter {person}\n\n"
    return (head + message).encode("utf-8")


class PackWriter:
    """Objects streamed into one pack file, made visible all at once by `git index-pack`.

    Until `finish()` nothing is in the repository; `discard()` (or a crash) leaves at most
    a temporary file. Blobs and commits are stored whole; a tree given a *base* key is
    stored as a delta against the previous tree with that key (a directory's next state
    differs by an entry or two), keeping a store's many tree versions small.
    """

    def __init__(self, repo: git.Repo) -> None:
        self.repo = repo
        folder = Path(repo.git_dir) / "objects" / "pack"
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="tmp_provtrack_", suffix=".pack", dir=folder)
        self.path = Path(name)
        self._file: BinaryIO = os.fdopen(fd, "w+b")
        self._file.write(b"PACK" + struct.pack(">II", 2, 0))
        self._seen: dict[bytes, tuple[int, int]] = {}  # id -> (offset in the pack, delta depth)
        self._bases: dict[str, tuple[bytes, bytes]] = {}  # base key -> (id, data) of its last object
        self.count = 0

    def add(self, kind: str, data: bytes, *, base: str | None = None) -> bytes:
        """Store *data* as an object of *kind* (once per pack); returns its binary id."""
        sha = object_sha(kind, data)
        previous = self._bases.get(base) if base is not None else None
        if base is not None:
            self._bases[base] = (sha, data)
        if sha in self._seen:
            return sha
        offset, depth = self._file.tell(), 0
        if previous is not None and previous[0] in self._seen and self._seen[previous[0]][1] < _MAX_DEPTH:
            base_offset, base_depth = self._seen[previous[0]]
            delta = _delta(previous[1], data)
            if len(delta) < len(data) // 2:
                self._file.write(_object_header(6, len(delta)) + _ofs(offset - base_offset)
                                 + zlib.compress(delta, 1))
                self._seen[sha] = (offset, base_depth + 1)
                self.count += 1
                return sha
        self._file.write(_object_header(_PACK_TYPES[kind], len(data)) + zlib.compress(data, 1))  # fast; gc recompresses
        self._seen[sha] = (offset, depth)
        self.count += 1
        return sha

    def finish(self) -> None:
        """Seal the pack and index it into the repository's object database."""
        try:
            self._file.seek(8)
            self._file.write(struct.pack(">I", self.count))
            self._file.seek(0)
            digest = hashlib.sha1()
            for chunk in iter(lambda: self._file.read(1 << 20), b""):
                digest.update(chunk)
            self._file.write(digest.digest())
            self._file.seek(0)
            if self.count < LOOSE_LIMIT:  # like git's fetch.unpackLimit: no pack per small write
                self.repo.git.unpack_objects("-q", istream=self._file)
            else:
                self.repo.git.index_pack("--stdin", istream=self._file)
        except git.GitCommandError as exc:
            raise StoreError(f"git could not store the new objects; nothing was stored "
                             f"({exc.stderr.strip() or exc})") from None
        finally:
            self.discard()

    def discard(self) -> None:
        """Drop the temporary pack (nothing it held becomes part of the repository)."""
        self._file.close()
        self.path.unlink(missing_ok=True)


def _parse_tree(data: bytes) -> Entries:
    """Entries of a raw tree object: repeated `<octal mode> <name>NUL<20-byte id>`."""
    entries: Entries = {}
    pos, end = 0, len(data)
    while pos < end:
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        mode = int(data[pos:space], 8)
        name = data[space + 1:nul].decode("utf-8", "surrogateescape")
        entries[name] = (data[nul + 1:nul + 21], mode)
        pos = nul + 21
    return entries

"""Writing git objects directly: blobs and trees in-process, commits and ref updates through git.

Nothing here knows about articles; `store.Store` composes these steps into versions.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Mapping

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

    def _store(self, kind: str, data: bytes) -> bytes:
        # gitpython's default database shells out to `git hash-object` per object; its loose-object
        # base class writes the same zlib file in-process (to a temporary name, then renamed)
        return LooseObjectDB.store(self.repo.odb, IStream(kind, len(data), io.BytesIO(data))).binsha

    def blob(self, data: bytes) -> bytes:
        return self._store("blob", data)

    def tree(self, entries: Entries) -> bytes:
        # git orders tree entries as if directory names ended in "/"
        ordered = sorted(entries.items(), key=lambda kv: kv[0] + ("/" if kv[1][1] == MODE_TREE else ""))
        buf = io.BytesIO()
        tree_to_stream([(sha, mode, name) for name, (sha, mode) in ordered], buf.write)
        return self._store("tree", buf.getvalue())

    def entries(self, commit: str | None, path: str) -> Entries:
        if commit is None:
            return {}
        try:
            tree = self.repo.commit(commit).tree
            if path:
                tree = tree / path
        except KeyError:
            return {}
        return {item.name: (item.binsha, item.mode) for item in tree}

    def commit(self, tree: str, parent: str | None, message: str, date: str | None) -> str:
        """`git commit-tree` (which honours the store's signing configuration); returns the commit.

        The identity is the store's own `user.name`/`user.email` (set with `git config` inside
        the store) or `provtrack <provtrack@localhost>`, never the user's global identity,
        which would otherwise be published with the archive without anyone choosing to.
        """
        reader = self.repo.config_reader("repository")
        name = reader.get_value("user", "name", "") or "provtrack"
        email = reader.get_value("user", "email", "") or "provtrack@localhost"
        env = {"GIT_AUTHOR_NAME": str(name), "GIT_COMMITTER_NAME": str(name),
               "GIT_AUTHOR_EMAIL": str(email), "GIT_COMMITTER_EMAIL": str(email)}
        if date:
            env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        args = [tree] + (["-p", parent] if parent else [])
        try:
            return self.git_input("commit_tree", *args, data=message.encode("utf-8"), env=env).strip()
        except git.GitCommandError as exc:
            raise StoreError(f"git commit-tree failed: {exc.stderr.strip() or exc}") from None

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

    def sync_worktree(self, files: Mapping[str, tuple[bytes, bytes]], *, prefix: str,
                       removed: set[str] | tuple[()]) -> None:
        """Mirror a committed directory into the working tree and index so plain `git status` stays clean.

        Best effort: the commit is already on `main`; a stale working tree never affects provtrack.
        """
        if self.repo.bare or self.repo.working_tree_dir is None:
            return
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
            self.git_input("update_index", "--index-info", data=("\n".join(infos) + "\n").encode())
        except (OSError, git.GitCommandError):
            pass

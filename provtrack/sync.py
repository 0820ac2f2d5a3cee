"""Share a store through any git remote: fetch, integrate, push (git is the distributed engine).

Integration never rewrites what the remote already has. Local versions the remote lacks
are replayed on top of it, each still one commit with its own files, dates and trailers:

- an article only this tracker added versions to: its versions are replayed as they were;
- an article both trackers added versions to: every version is kept and the article's
  versions are ordered by fetch time. A local version fetched after the remote's latest is
  appended and renumbered after it; one fetched earlier is added too, followed by a commit
  that restates the remote's (later) version (trailer `Provtrack-Restates`), so the newest
  fetch stays the article's current text. `Store.versions` numbers versions by fetch time.

Derived local caches are made safe afterwards: the latest-version cache is dropped (it
may name replaced commits) and the lineage cache validates itself against commits.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass

import git

from provtrack.batch import VersionBatch
from provtrack.blockfile import BLOCKS_FILE, META_FILE, load_blocks
from provtrack.diff import diff_blocks
from provtrack.errors import StoreError, UsageError
from provtrack.model import change_summary, summary_line
from provtrack.store import BRANCH, REF, Store, article_dir, parse_trailers
from provtrack.timeutil import parse_timestamp

_ATTEMPTS = 3


@dataclass(frozen=True)
class SyncReport:
    """What a sync did: versions received and sent, concurrent versions merged, the new `main`."""

    remote: str
    received: int
    sent: int
    merged: int
    head: str | None


def sync(store: Store, remote: str = "origin") -> SyncReport:
    """Fetch *remote*'s `main`, put local versions on top of it, push the result."""
    if not remote.strip() or remote.startswith("-"):
        raise UsageError(f"bad remote {remote!r}")
    repo = store.repo
    if remote == "origin" and "origin" not in {r.name for r in repo.remotes}:
        raise UsageError(f"the store at {store.path} has no remote named origin: pass one "
                         f"(`provtrack sync URL`) or add it once (`git -C {store.path} remote add origin URL`)")
    for _ in range(_ATTEMPTS):
        with store.locked():
            theirs = _fetch(repo, remote)
            ours = store.head()
            received = _count(repo, theirs, ours)
            merged = 0
            if theirs is None or ours is not None and _is_ancestor(repo, theirs, ours):
                head = ours
            elif ours is None or _is_ancestor(repo, ours, theirs):
                head = _fast_forward(store, ours, theirs)
            else:
                head, merged = _replay(store, ours, theirs)
            sent = _count(repo, head, theirs)
            if head is None or head == theirs:
                return SyncReport(remote, received, 0, merged, head)
            try:
                repo.git.push(remote, f"{head}:{REF}")
                return SyncReport(remote, received, sent, merged, head)
            except git.GitCommandError as exc:
                reason = (exc.stderr or "").strip()
                if "rejected" not in reason and "fetch first" not in reason and "non-fast-forward" not in reason:
                    raise StoreError(f"git push to {remote} failed: {_git_reason(reason)}") from None
        # someone pushed in between: integrate their versions too, then push again
    raise StoreError(f"{remote} kept changing while syncing; run `provtrack sync` again")


def _git_reason(text: str) -> str:
    """git's own reason: the first `fatal:`/`error:` line (gitpython wraps stderr in quotes)."""
    lines = [line.strip().removeprefix("stderr:").strip().strip("'").strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    reason = next((line for line in lines if line.startswith(("fatal:", "error:", "!"))), lines[-1] if lines else "")
    return " ".join(reason.split())[:300] or "unknown error"


def _fetch(repo: git.Repo, remote: str) -> str | None:
    """The remote's `main` after fetching it (None when the remote has none yet)."""
    try:
        repo.git.fetch("--quiet", remote, f"+{REF}:refs/provtrack/remote")
    except git.GitCommandError as exc:
        reason = (exc.stderr or "").strip()
        if "couldn't find remote ref" in reason.lower():
            return None
        raise StoreError(f"git fetch from {remote} failed: {_git_reason(reason)}") from None
    return repo.git.rev_parse("refs/provtrack/remote").strip()


def _is_ancestor(repo: git.Repo, older: str, newer: str) -> bool:
    try:
        repo.git.merge_base("--is-ancestor", older, newer)
        return True
    except git.GitCommandError:
        return False


def _count(repo: git.Repo, tip: str | None, exclude: str | None) -> int:
    if tip is None:
        return 0
    args = [tip] + (["--not", exclude] if exclude else [])
    return sum(1 for line in repo.git.rev_list(*args).splitlines() if line.strip())


def _fast_forward(store: Store, ours: str | None, theirs: str) -> str:
    from provtrack.gitwrite import GitWriter

    writer = GitWriter(store.repo, REF)
    if ours is None:
        _check_marker(store, theirs)
    writer.update_ref(theirs, ours)
    writer.checkout_tree(ours, theirs)
    return theirs


def _check_marker(store: Store, commit: str) -> None:
    try:
        store.repo.commit(commit).tree / "provtrack-store.json"
    except KeyError:
        raise StoreError(f"the remote's {BRANCH} is not a provtrack store (no provtrack-store.json)") from None


def _replay(store: Store, ours: str, theirs: str) -> tuple[str, int]:
    """Replay the local versions missing from *theirs* on top of it; returns (new head, versions merged)."""
    repo = store.repo
    _check_marker(store, theirs)
    base = repo.git.merge_base(ours, theirs).strip() if _has_base(repo, ours, theirs) else None
    local = [c for c in repo.git.rev_list("--reverse", "--parents", ours, "--not", theirs).splitlines() if c]
    touched_remote: set[str] = set()
    for line in repo.git.log("--format=%B%x1e", theirs, *(["--not", base] if base else []), "--", "articles")\
            .split("\x1e"):
        article = parse_trailers(line).get("article")
        if article:
            touched_remote.add(article)
    remap: dict[str, str] = {}
    merged = 0
    with VersionBatch(store, on_top_of=theirs) as batch:
        for entry in local:
            commit, *parents = entry.split()
            if len(parents) > 1:
                raise StoreError(f"local commit {commit[:10]} is a merge; provtrack sync needs the history "
                                 f"provtrack writes (undo the merge with git first)")
            obj = repo.commit(commit)
            message = obj.message if isinstance(obj.message, str) else obj.message.decode("utf-8", "replace")
            trailers = parse_trailers(message)
            article = trailers.get("article")
            if not article:
                if not parents or message.startswith("Initialise provtrack store"):
                    continue  # the other store's own format marker: the remote has one
                raise StoreError(f"local commit {commit[:10]} was not written by provtrack; sync cannot replay it")
            files = {item.name: item.data_stream.read() for item in obj.tree / article_dir(article)}
            meta = json.loads(files[META_FILE])
            date = trailers.get("fetched_at", "")
            if article not in touched_remote:
                if meta.get("previous_commit") in remap:
                    meta["previous_commit"] = remap[meta["previous_commit"]]
                    files[META_FILE] = _dump(meta)
                ref = batch.write(article, files, message, date, meta=meta,
                                  blocks=load_blocks(files[BLOCKS_FILE].decode("utf-8")))
                remap[commit] = ref.commit
                continue
            merged += 1
            remap[commit] = _merge_version(batch, article, files, meta, message, date)
        head = batch.commit() or theirs
    shutil.rmtree(store.git_dir / "provtrack" / "latest", ignore_errors=True)  # may name replaced commits
    return head, merged


def _has_base(repo: git.Repo, a: str, b: str) -> bool:
    try:
        repo.git.merge_base(a, b)
        return True
    except git.GitCommandError:
        return False


def _dump(meta: dict) -> bytes:
    return (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _renumber(message: str, article: str, number: int, subject: str, *, restates: str | None = None) -> str:
    """*message* with a new subject and `Provtrack-Version` (and `Provtrack-Restates` if given)."""
    head, _, trailers = message.strip().rpartition("\n\n")
    lines = [f"Provtrack-Version: {number}" if t.startswith("Provtrack-Version: ") else t
             for t in trailers.splitlines() if not t.startswith("Provtrack-Restates: ")]
    if restates:
        lines.append(f"Provtrack-Restates: {restates}")
    body = head.partition("\n\n")[2] if "\n\n" in head else ""
    return f"{article} v{number}: {subject}\n\n" + (f"{body}\n\n" if body else "") + "\n".join(lines) + "\n"


def _merge_version(batch: VersionBatch, article: str, files: dict[str, bytes], meta: dict, message: str,
                   date: str) -> str:
    """Add a local version of an article the remote changed too, keeping fetch-time order."""
    current = batch.prior(article)
    blocks = load_blocks(files[BLOCKS_FILE].decode("utf-8"))
    if current is None:  # the remote removed the article's directory: nothing to order against
        return batch.write(article, files, message, date, meta=meta, blocks=blocks).commit
    number = current.ref.version + 1
    summary = change_summary(diff_blocks(current.blocks, blocks), len(blocks), include_cosmetic=False,
                             count_cosmetic=True)
    meta.update(version=number, previous_commit=current.ref.commit, previous_title=current.meta.get("title"),
                changes=summary, first_fetched_at=min(str(meta.get("first_fetched_at") or date),
                                                      str(current.meta.get("first_fetched_at") or date),
                                                      key=parse_timestamp))
    files[META_FILE] = _dump(meta)
    ref = batch.write(article, files, _renumber(message, article, number, summary_line(summary)), date,
                      meta=meta, blocks=blocks)
    if parse_timestamp(date) >= parse_timestamp(current.ref.fetched_at):
        return ref.commit
    # fetched before the remote's latest: that one stays the current text, restated on top
    repo = batch.store.repo
    old = repo.commit(current.ref.commit)
    restated = {item.name: item.data_stream.read() for item in old.tree / article_dir(article)}
    # its record follows the merged version it now comes after: link, number, title, change summary
    again = change_summary(diff_blocks(blocks, current.blocks), len(current.blocks), include_cosmetic=False,
                           count_cosmetic=True)
    latest_meta = {**json.loads(restated[META_FILE]), "version": number + 1, "previous_commit": ref.commit,
                   "previous_title": meta.get("title"), "changes": again}
    restated[META_FILE] = _dump(latest_meta)
    old_message = old.message if isinstance(old.message, str) else old.message.decode("utf-8", "replace")
    batch.write(article, restated,
                _renumber(old_message, article, number + 1, f"latest version restated after v{number} "
                          f"(fetched earlier) was merged", restates=current.ref.commit),
                current.ref.fetched_at, meta=latest_meta, blocks=current.blocks)
    return ref.commit

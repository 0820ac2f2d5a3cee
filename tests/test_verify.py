"""`provtrack verify`: every kind of tampering is found, named by article and version, and exits non-zero."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from provtrack.demo import run_demo
from provtrack.errors import UsageError
from provtrack.store import Store, article_dir
from provtrack.verify import verify

SCHEMA = Path(__file__).resolve().parent.parent / "provtrack" / "schemas" / "verify.schema.json"


def _git(path: Path, *args: str, env: dict | None = None) -> str:
    return subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}).stdout.strip()


@pytest.fixture
def demo_store(tmp_path) -> tuple[Path, str, list[str]]:
    """(store path, article id, [v1, v2, v3 commits]) of the bundled three-version example."""
    path = tmp_path / "store"
    result = run_demo(Store(path, create=True))
    return path, result.article, [s.ref.commit for s in result.snapshots]


def _verify_json(run, *args: str) -> tuple[int, dict]:
    result = run("verify", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def _checks(report: dict) -> set[tuple[str, str | None, int | None]]:
    return {(p["check"], p["article"], p["version"]) for p in report["problems"] if p["severity"] == "error"}


def test_a_clean_store_verifies(run, demo_store) -> None:
    import jsonschema

    code, report = _verify_json(run)
    assert code == 0 and report["ok"] is True and report["problems"] == []
    assert (report["articles"], report["versions"], report["commits"], report["fsck"]) == (1, 3, 4, "ok")
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(report)
    result = run("verify")
    assert result.exit_code == 0 and "no problems found" in result.stdout and "git fsck: ok" in result.stdout


def test_empty_and_missing_stores(run, tmp_path) -> None:
    assert run("verify").exit_code == 1  # no store at all: one-line error
    Store(tmp_path / "empty", create=True).ensure_initialised()
    assert verify(Store(tmp_path / "empty")).ok


def test_committed_tampering_with_a_raw_file(run, demo_store) -> None:
    path, article, _ = demo_store
    raw = path / article_dir(article) / "raw.html"
    raw.write_bytes(raw.read_bytes().replace(b"60,000", b"6,000"))
    _git(path, "commit", "-qam", "fix a typo", env={"GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x",
                                                  "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@x"})
    code, report = _verify_json(run)
    assert code == 1
    messages = [p["message"] for p in report["problems"]]
    assert any("which provtrack did not write" in m for m in messages)
    assert any("main holds different files than its latest version v3" in m for m in messages)


def test_rewritten_version_commit_fails_its_hashes(run, demo_store) -> None:
    """Amending the version commit itself keeps the trailers, but the bytes no longer match them."""
    path, article, commits = demo_store
    raw = path / article_dir(article) / "raw.html"
    raw.write_bytes(raw.read_bytes() + b"<!-- edited -->")
    blocks = path / article_dir(article) / "blocks.txt"
    blocks.write_text(blocks.read_text().replace("paragraph: ", "paragraph: X", 1))
    _git(path, "commit", "-qa", "--amend", "--no-edit")
    code, report = _verify_json(run, "--expect-head", commits[-1])
    assert code == 1
    assert {("hash", article, 3), ("history", None, None)} <= _checks(report)
    text = " ".join(p["message"] for p in report["problems"])
    assert "raw.html sha256 is" in text and "blocks.txt sha256 is" in text and "no longer an ancestor" in text


def test_working_tree_only_tampering(run, demo_store) -> None:
    path, article, _ = demo_store
    blocks = path / article_dir(article) / "blocks.txt"
    current = blocks.read_bytes()
    blocks.write_bytes(current.replace(b"paragraph: ", b"paragraph: Not ", 1))
    code, report = _verify_json(run)
    assert code == 1 and _checks(report) == {("worktree", article, None)}
    assert "edited outside provtrack" in report["problems"][0]["message"]
    # an older committed copy (what a write interrupted before its mirror leaves) is only a warning
    blocks.write_bytes(subprocess.run(["git", "-C", str(path), "show", f"HEAD~1:{article_dir(article)}/blocks.txt"],
                                      capture_output=True, check=True).stdout)
    (blocks.parent / "meta.json.provtrack-tmp").write_bytes(b"{")
    code, report = _verify_json(run)
    assert code == 0 and {p["severity"] for p in report["problems"]} == {"warning"}
    assert len(report["problems"]) == 2
    blocks.unlink()
    assert _verify_json(run)[0] == 0  # a missing working copy: the archive is intact


def test_untracked_file_in_an_article_directory(run, demo_store) -> None:
    path, article, _ = demo_store
    (path / article_dir(article) / "raw2.html").write_text("<p>planted</p>")
    code, report = _verify_json(run)
    assert code == 1 and "not in the archive" in report["problems"][0]["message"]


def _rewrite_without(path: Path, drop: str, keep: list[str]) -> str:
    """Rebuild main from the commits in *keep* (in order), skipping *drop*: each keeps its tree and message."""
    parent = _git(path, "rev-parse", f"{drop}^")
    for commit in keep:
        message = _git(path, "log", "-1", "--format=%B", commit)
        parent = subprocess.run(["git", "-C", str(path), "commit-tree", f"{commit}^{{tree}}", "-p", parent],
                                input=message + "\n", capture_output=True, text=True, check=True,
                                env={**os.environ, "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x",
                                     "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@x"}).stdout.strip()
    _git(path, "update-ref", "refs/heads/main", parent)
    return parent


def test_deleted_version_and_rewritten_history(run, demo_store) -> None:
    import jsonschema

    path, article, commits = demo_store
    _rewrite_without(path, commits[1], [commits[2]])
    code, report = _verify_json(run, "--expect-head", commits[2][:12])
    assert code == 1
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(report)
    assert {("numbering", article, 3), ("parent", article, 3), ("history", None, None)} <= _checks(report)
    text = " ".join(p["message"] for p in report["problems"])
    assert "v3 follows v1: v2 missing" in text and "no longer an ancestor of main" in text
    result = run("verify", "--expect-head", commits[2][:12])
    shown = " ".join(result.stdout.split())
    assert result.exit_code == 1 and f"{article} v3" in shown and "v2 missing" in shown and "3 error(s)" in shown


def test_expect_head(run, demo_store) -> None:
    _, _, commits = demo_store
    assert _verify_json(run, "--expect-head", commits[1])[0] == 0  # an older head is still an ancestor
    assert "still an ancestor" in run("verify", "--expect-head", commits[1][:8]).stdout
    code, report = _verify_json(run, "--expect-head", "deadbeef")
    assert code == 1 and "not in this store" in report["problems"][0]["message"]
    bad = run("verify", "--expect-head", "main~1")
    assert bad.exit_code == 2 and "commit id" in bad.stderr


def test_version_recorded_twice(run, demo_store) -> None:
    path, article, commits = demo_store
    # replay v3 on top of itself: the same trailers twice, the second with v2's tree
    message = _git(path, "log", "-1", "--format=%B", commits[2])
    again = subprocess.run(["git", "-C", str(path), "commit-tree", f"{commits[1]}^{{tree}}", "-p", commits[2]],
                           input=message + "\n", capture_output=True, text=True, check=True).stdout.strip()
    _git(path, "update-ref", "refs/heads/main", again)
    code, report = _verify_json(run)
    assert code == 1 and ("numbering", article, 3) in _checks(report)
    assert any("v3 recorded twice" in p["message"] for p in report["problems"])


def _loose(path: Path, sha: str) -> Path:
    return path / ".git" / "objects" / sha[:2] / sha[2:]


@pytest.mark.parametrize("damage", ["garbage", "truncate", "delete"])
def test_corrupt_object(run, demo_store, damage: str) -> None:
    path, article, commits = demo_store
    sha = _git(path, "rev-parse", f"{commits[0]}:{article_dir(article)}/raw.html")
    obj = _loose(path, sha)
    assert obj.exists()
    obj.chmod(0o644)
    if damage == "garbage":
        obj.write_bytes(b"x\x9c" + os.urandom(64))
    elif damage == "truncate":
        obj.write_bytes(obj.read_bytes()[:20])
    else:
        obj.unlink()
    code, report = _verify_json(run)
    assert code == 1 and report["fsck"] == "failed"
    assert any(p["check"] == "fsck" for p in report["problems"])
    assert any(p["article"] == article and p["version"] == 1 for p in report["problems"])


def test_verify_selected_articles(run, demo_store, tmp_path) -> None:
    path, article, _ = demo_store
    page = tmp_path / "other.html"
    page.write_text("<html><head><title>Bridge reopens</title></head><body><article><h1>Bridge reopens</h1>"
                    "<p>The Millbrook footbridge reopened on Tuesday after repairs.</p></article></body></html>")
    assert run("snapshot", str(page), "--url", "https://ledger.example/bridge", "--at", "2026-03-01T10:00Z"
               ).exit_code == 0
    code, report = _verify_json(run, article[:12])
    assert code == 0 and (report["articles"], report["versions"]) == (1, 3)
    assert _verify_json(run)[1]["articles"] == 2
    assert run("verify", "nosuchthing").exit_code == 1


def test_meta_edits_are_named(run, demo_store) -> None:
    """A version commit whose meta.json lies about its number and parent (forged with valid trailers)."""
    path, article, commits = demo_store
    meta_path = path / article_dir(article) / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta.update(version=7, previous_commit=commits[0], article_url="https://elsewhere.example/story")
    meta["sha256"]["raw"] = "0" * 64
    meta_path.write_text(json.dumps(meta))
    _git(path, "commit", "-qa", "--amend", "--no-edit")
    code, report = _verify_json(run)
    assert code == 1 and {("meta", article, 3), ("parent", article, 3), ("hash", article, 3)} <= _checks(report)
    assert any("article_url changed" in p["message"] for p in report["problems"])


def test_verify_rejects_bad_expect_head_in_library(tmp_path) -> None:
    with pytest.raises(UsageError):
        verify(Store(tmp_path / "s", create=True), expect_head="not a commit")


# -- signing ------------------------------------------------------------------------------

@pytest.fixture
def ssh_key(tmp_path) -> Path:
    import shutil

    if not shutil.which("ssh-keygen"):
        pytest.skip("ssh-keygen not available")
    key = tmp_path / "signing-key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "archive keeper", "-f", str(key)],
                   check=True, capture_output=True)
    return key


def _signed_store(tmp_path, key: Path) -> tuple[Path, str, list[str]]:
    path = tmp_path / "store"
    store = Store(path, create=True)
    store.repo  # created now, so its configuration can be set before the first write
    for name, value in (("gpg.format", "ssh"), ("user.signingkey", str(key)), ("commit.gpgsign", "true")):
        _git(path, "config", name, value)
    result = run_demo(Store(path))
    return path, result.article, [s.ref.commit for s in result.snapshots]


def test_commits_are_signed_when_git_is_configured_to_sign(run, tmp_path, ssh_key) -> None:
    path, article, commits = _signed_store(tmp_path, ssh_key)
    assert "gpgsig -----BEGIN SSH SIGNATURE-----" in _git(path, "cat-file", "-p", commits[-1])
    code, report = _verify_json(run)
    assert code == 0 and report["signatures"] == {"cannot-check": 4}  # no allowed-signers file yet
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f'provtrack@localhost namespaces="git" {ssh_key.with_suffix(".pub").read_text()}')
    _git(path, "config", "gpg.ssh.allowedSignersFile", str(allowed))
    code, report = _verify_json(run)
    assert code == 0 and report["signatures"] == {"good": 4}
    assert "signatures: 4 good" in run("verify").stdout
    # a signed commit whose message was altered afterwards keeps its signature header, which now fails
    raw = _git(path, "cat-file", "commit", commits[-1]).replace("first version", "first version!", 1)
    raw = raw.replace("\n\n", "\n\nAltered. ", 1) if "first version!" not in raw else raw
    forged = subprocess.run(["git", "-C", str(path), "hash-object", "-t", "commit", "-w", "--stdin"],
                            input=raw + "\n", capture_output=True, text=True, check=True).stdout.strip()
    _git(path, "update-ref", "refs/heads/main", forged)
    code, report = _verify_json(run)
    assert code == 1 and report["signatures"]["bad"] == 1
    assert any(p["check"] == "signature" and p["commit"] == forged for p in report["problems"])


def test_unusable_signing_key_stores_nothing(run, tmp_path, ssh_key) -> None:
    path = tmp_path / "store"
    Store(path, create=True).repo
    for name, value in (("gpg.format", "ssh"), ("user.signingkey", str(tmp_path / "no-such-key")),
                        ("commit.gpgsign", "true")):
        _git(path, "config", name, value)
    page = tmp_path / "p.html"
    page.write_text("<html><body><article><h1>Ferry timetable</h1><p>The Harrow ferry runs hourly.</p>"
                    "</article></body></html>")
    result = run("snapshot", str(page), "--url", "https://ledger.example/ferry")
    assert result.exit_code == 1 and "git commit-tree failed" in result.stderr
    assert _git(path, "for-each-ref") == ""


def test_planted_files_outside_versions_are_found(run, demo_store) -> None:
    path, _, _ = demo_store
    (path / "articles" / "ab" / "Planted..ID").mkdir(parents=True)
    (path / "articles" / "ab" / "Planted..ID" / "meta.json").write_text("{}")
    (path / "articles" / "stray.txt").write_text("x")
    _git(path, "add", "-A")
    _git(path, "commit", "-qm", "plant", env={"GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x",
                                              "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@x"})
    code, report = _verify_json(run)
    assert code == 1
    text = " ".join(p["message"] for p in report["problems"])
    assert "articles/stray.txt is outside any article directory" in text
    assert "'Planted..ID' is not an article id provtrack would make" in text
    assert "which provtrack did not write" in text

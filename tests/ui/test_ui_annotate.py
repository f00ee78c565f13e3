"""`#` edits tags (current paper or selection, with completion), `a` a note (issue 12 req 5)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea
from ui_support import detail_text, make_app, notes, notifications, settle

from tui_digest.core.store import Store
from tui_digest.ui.screens.annotate import NoteDialog, TagsDialog, TagSuggester

SIZE = (140, 40)


async def test_hash_tags_the_current_paper_then_the_selection(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        first = main.paper_list.ids[0]
        await pilot.press("number_sign")
        await settle(pilot)
        assert isinstance(app.screen, TagsDialog)
        app.screen.query_one(Input).value = "robotics, LLM agents"
        await pilot.press("enter")
        await settle(pilot)
        assert "#robotics #LLM-agents" in detail_text(app)
        # Select two papers: the dialog offers what they share.
        await pilot.press("space", "j", "space")
        selected = main.paper_list.selected_in_order()
        assert len(selected) == 2 and first in selected
        second = next(r for r in selected if r != first)
        await pilot.press("number_sign")
        await settle(pilot)
        field = app.screen.query_one(Input)
        assert field.value == ""  # the second paper has no tags yet
        field.value = "vision"
        await pilot.press("enter")
        await settle(pilot)
    with Store.open(cache) as store:
        assert store.get_paper(first).tags == ["robotics", "LLM-agents", "vision"]
        assert store.get_paper(second).tags == ["vision"]
        assert [r.rowid for r in store.search("tag:robotics")] == [first]


async def test_a_writes_a_note_and_escape_keeps_the_old_one(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        app.screen.query_one(TextArea).text = "Compare with [b]the baseline[/b]\nsection 4"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "note  Compare with [b]the baseline[/b]\nsection 4" in detail_text(app)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one(TextArea).text = "thrown away"
        await pilot.press("escape")
        await settle(pilot)
        # Closed: the test passed while escape was swallowed by the editor and the
        # dialog stayed open (found by a bug hunt).
        assert not isinstance(app.screen, NoteDialog)
        assert "thrown away" not in detail_text(app)
    with Store.open(cache) as store:
        assert store.get_paper(rowid).note.startswith("Compare with [b]the baseline[/b]")
        assert [r.rowid for r in store.search("baseline")] == [rowid]


async def test_typing_in_the_note_editor_adds_after_the_note(cache: Path) -> None:
    """The editor opened with the cursor at the start: the words typed were glued to
    the front of the note ('reader noteduring import'; found by a bug hunt)."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        with Store.open(cache) as store:
            store.set_note(store.get_paper(rowid).paper.id, "during import")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("enter", *"more")
        await pilot.press("ctrl+s")
        await settle(pilot)
    with Store.open(cache) as store:
        assert store.get_paper(rowid).note == "during import\nmore"


async def test_tag_completion_completes_the_last_tag_only() -> None:
    s = TagSuggester(["robotics", "LLM-agents", "reading"])
    assert await s.get_suggestion("ro") == "robotics"
    assert await s.get_suggestion("robotics, llm") == "robotics, llm-agents"
    assert await s.get_suggestion("robotics, r") == "robotics, reading"
    assert await s.get_suggestion("robotics, ") is None
    assert await s.get_suggestion("zz") is None
    assert await s.get_suggestion("ｒｏ") == "ｒｏbotics"  # full width, as tags compare
    assert await s.get_suggestion("robotics, ｒ") == "robotics, ｒeading"


async def test_a_note_that_cannot_be_saved_is_not_lost(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a full disk the reader said "Note saved." as the write started, then the
    error, and the note typed was gone with its dialog (found by a bug hunt)."""
    full = sqlite3.OperationalError("database or disk is full")

    def set_note(self: Store, paper_id: str, note: str, was: str) -> None:
        raise full

    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        with monkeypatch.context() as patch:
            patch.setattr(Store, "set_note_unless_changed", set_note)
            await pilot.press("a")
            await settle(pilot)
            app.screen.query_one(TextArea).text = "a long note\nthat took a while"
            await pilot.press("ctrl+s")
            await settle(pilot)
            said = [n.message for n in notifications(app)]
            assert "Note saved." not in said
            assert any("disk is full" in m for m in said)
            # The dialog is back with the text typed.
            assert isinstance(app.screen, NoteDialog)
            assert "not saved" in app.screen.title_text
            assert app.screen.query_one(TextArea).text == "a long note\nthat took a while"
        # Room again: ctrl+s saves it, and says so only then.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteDialog)
        assert "Note saved." in [n.message for n in notifications(app)]
    with Store.open(cache) as store:
        assert store.get_paper(rowid).note == "a long note\nthat took a while"


async def test_tags_are_said_saved_only_once_they_are_and_not_lost(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tags typed were gone with their dialog on a failed write, while a note's
    dialog came back (found by a regression hunt)."""

    def edit_tags(self: Store, *args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        with monkeypatch.context() as patch:
            patch.setattr(Store, "edit_tags", edit_tags)
            await pilot.press("number_sign")
            await settle(pilot)
            app.screen.query_one(Input).value = "robotics, to-read"
            await pilot.press("enter")
            await settle(pilot)
            said = [n.message for n in notifications(app)]
            assert not any(m.startswith("Tags saved") for m in said)
            assert any("disk is full" in m for m in said)
            assert isinstance(app.screen, TagsDialog) and "not saved" in app.screen.title_text
            assert (
                app.screen.query_one(Input).value == "robotics, to-read, "
            )  # (the cursor after a ", ")
        await pilot.press("enter")  # room again
        await settle(pilot)
        assert not isinstance(app.screen, TagsDialog)
        assert "Tags saved on 1 paper." in [n.message for n in notifications(app)]
    with Store.open(cache) as store:
        assert store.get_paper(rowid).tags == ["robotics", "to-read"]


async def test_a_note_changed_elsewhere_while_editing_is_not_overwritten_unasked(
    cache: Path,
) -> None:
    """A `state import` (or `tui-digest note`) brought a newer note while the
    editor was open; saving wrote over it, "Note saved.", and the newer text
    was gone here and, at the next sync, on the other machine (found by a bug
    hunt). The editor now opens again with what was typed, saying the note
    changed; saving again replaces it knowingly; escape keeps the newer one."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        with Store.open(cache) as store:
            pid = store.get_paper(rowid).paper.id
            store.set_note(pid, "desktop note")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        with Store.open(cache) as other:  # the laptop's newer note arrives
            other.set_note(pid, "LAPTOP v3: the key result is in table 4")
        app.screen.query_one(TextArea).text = "desktop note (desk addition)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        with Store.open(cache) as store:
            assert store.get_paper(rowid).note == "LAPTOP v3: the key result is in table 4"
        assert isinstance(app.screen, NoteDialog)  # again, with what was typed
        assert app.screen.query_one(TextArea).text == "desktop note (desk addition)"
        assert any("LAPTOP v3" in n and "escape keeps it" in n for n in notes(app))
        assert app.screen.title_text.endswith("(changed elsewhere)")  # fits its line
        assert "Note saved." not in notes(app)
        await pilot.press("ctrl+s")  # saved knowingly this time
        await settle(pilot)
        assert "Note saved." in notes(app)
    with Store.open(cache) as store:
        assert store.get_paper(rowid).note == "desktop note (desk addition)"


async def test_escape_after_a_note_changed_elsewhere_keeps_the_newer_note(cache: Path) -> None:
    """The toast says "escape keeps it": escape was taken by the editor, so that
    way out did not exist (bug hunt `terminal`)."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        with Store.open(cache) as store:
            pid = store.get_paper(rowid).paper.id
            store.set_note(pid, "desktop note")
        await pilot.press("a")
        await settle(pilot)
        with Store.open(cache) as other:
            other.set_note(pid, "LAPTOP v3")
        app.screen.query_one(TextArea).text = "desktop note (desk addition)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)  # again, saying the note changed
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, NoteDialog)
    with Store.open(cache) as store:
        assert store.get_paper(rowid).note == "LAPTOP v3"


async def test_a_tag_removed_elsewhere_while_the_dialog_is_open_stays_removed(
    cache: Path,
) -> None:
    """`tag ID -robotics +x` in a shell while `#` showed "robotics": adding ", y"
    brought robotics back, as the dialog sent its whole field as new (found by
    a bug hunt). Only what the user changed in the field is applied."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        with Store.open(cache) as store:
            pid = store.get_paper(rowid).paper.id
            store.edit_tags([pid], ["robotics", "old"])
        await pilot.press("number_sign")
        await settle(pilot)
        field = app.screen.query_one(Input)
        assert field.value == "robotics, old, "
        with Store.open(cache) as other:  # another process, meanwhile
            other.edit_tags([pid], ["x"], ["robotics"])
        field.value = "robotics, y"  # "old" removed, "y" added
        await pilot.press("enter")
        await settle(pilot)
        assert "Tags saved on 1 paper." in notes(app)
    with Store.open(cache) as store:
        assert store.get_paper(rowid).tags == ["x", "y"]


async def test_the_selection_shares_tags_that_differ_in_case_or_width(cache: Path) -> None:
    """`robotics` on one paper and `Robotics` on the other: the selection's `#`
    field was empty, so robotics could not be removed from both at once (found
    by a bug hunt). Tags compare as everywhere else (`fold_tag`)."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("space", "j", "space")
        chosen = main.paper_list.selected_in_order()
        with Store.open(cache) as store:
            pids = [store.get_paper(r).paper.id for r in chosen]
            store.edit_tags(pids[:1], ["robotics", "mine"])
            store.edit_tags(pids[1:], ["Robotics"])
        await pilot.press("number_sign")
        await settle(pilot)
        field = app.screen.query_one(Input)
        assert field.value == "robotics, "
        field.value = ""
        await pilot.press("enter")
        await settle(pilot)
    with Store.open(cache) as store:
        assert [store.get_paper(r).tags for r in chosen] == [["mine"], []]


async def test_a_note_too_long_is_refused_in_the_editor_with_its_text_kept(cache: Path) -> None:
    """A 124 KB note pasted into `a` was cut to 20,000 characters, " […truncated]"
    written into it, and the reader said "Note saved." (found by a bug hunt). The
    editor now says how long it is and stays open with the text."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        await pilot.press("a")
        await settle(pilot)
        long = "很长的笔记 long note word " * 2000 + "ENDMARK"
        app.screen.query_one(TextArea).text = long
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        assert app.screen.query_one(TextArea).text == long
        said = notes(app)
        assert "Note saved." not in said
        assert any(f"{len(long):,} characters" in n and "20,000" in n for n in said)
        app.screen.query_one(TextArea).text = long[-300:]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Note saved." in notes(app)
    with Store.open(cache) as store:
        assert store.get_paper(rowid).note == long[-300:].strip()


async def test_a_second_hash_while_the_tags_are_read_opens_no_second_dialog(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`#` on 50,000 papers showed nothing for 11 s; a user who pressed it again
    got a second (and third) dialog stacked on the first, each a full read of
    the papers (bug hunt `scalebulk` #1). The status line now says what is
    read, and another `#` meanwhile says it is still reading."""
    from tui_digest.ui import annotate_actions

    reading, release = threading.Event(), threading.Event()
    all_tags = Store.all_tags

    def slow_all_tags(self: Store) -> list[tuple[str, int]]:
        reading.set()
        assert release.wait(10)
        return all_tags(self)

    monkeypatch.setattr(annotate_actions, "READING_SHOWN_AFTER", 0.001)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("space", "j", "space")
        with monkeypatch.context() as patch:
            patch.setattr(Store, "all_tags", slow_all_tags)
            await pilot.press("number_sign")
            assert await asyncio.to_thread(reading.wait, 10)
            await pilot.press("number_sign")
            for _ in range(100):  # (the timer's next turn of the event loop)
                if main.activity:
                    break
                await pilot.pause()
            assert "reading the tags of 2 papers…" in main.activity
            release.set()
            await settle(pilot)
        assert "Still reading the tags of 2 papers…" in notes(app)
        dialogs = [s for s in app.screen_stack if isinstance(s, TagsDialog)]
        assert len(dialogs) == 1 and dialogs[0].title_text == "Tags of 2 selected papers"
        assert "reading the tags" not in main.activity
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TagsDialog)
        await pilot.press("number_sign")  # and `#` works again
        await settle(pilot)
        assert isinstance(app.screen, TagsDialog)
        await pilot.press("escape")
        # The count as every other message says it ("Tags of 50000 selected papers").
        many = annotate_actions.TagTargets([f"2402.{n:05d}" for n in range(50000)], [], [])
        main._ask_tags(many, [])
        await settle(pilot)
        assert app.screen.title_text == "Tags of 50,000 selected papers"


async def test_a_note_saved_after_its_paper_was_removed_says_it_waits(cache: Path) -> None:
    """Another process's `prune` removed the paper while the note was typed: the
    reader said only "Note saved.", and the paper and its note were nowhere to
    be seen (bug hunt `maint` #5). The note is kept for the paper's return."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        with Store.open(cache) as other:  # `prune` in another shell, meanwhile
            pid = other.get_paper(rowid).paper.id
            other.remove_digests(other.digest_pks([d.name for d in other.digests()]))
            assert other.rowid_of(pid) is None
        app.screen.query_one(TextArea).text = "read section 4"
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = " ".join(notes(app))
        assert f"{pid} is no longer in the cache" in said
        assert "waits for it" in said
    with Store.open(cache) as store:
        assert store.export_state()  # the note is kept, for the paper's return


async def test_typing_in_the_tags_dialog_adds_a_tag_beside_the_shown_ones(cache: Path) -> None:
    """The dialog opened with its tags selected, so the first key typed replaced
    them: typing `robotics` to add it removed every tag the paper had, with no
    undo (bug hunt `huge` #1). It opens with the cursor after them and a ", "."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        with Store.open(cache) as store:
            store.edit_tags([store.get_paper(rowid).paper.id], ["keepme1", "keepme2"])
        await pilot.press("number_sign")
        await settle(pilot)
        assert isinstance(app.screen, TagsDialog)
        await pilot.press(*"robotics", "enter")
        await settle(pilot)
    with Store.open(cache) as store:
        assert store.get_paper(rowid).tags == ["keepme1", "keepme2", "robotics"]

"""One conversation per coach and coachee: the thread as the coach reads it, the coach's
answer, the coachee's answer back, and a coachee's stray message offered to their coach.

Text leaves a person only to the receiver the screen named: a coach answers in a context they
opened for one coachee (or by replying to a message of that thread); a coachee's text goes to
their coach only after a Send that names the coach and is bound to them.
"""

from __future__ import annotations

from bot.content import Content
from bot.flows.coaching import series
from bot.flows.effects import CloseText, Notify, OpenText, Step, StoreThreadMessage
from bot.flows.events import Event
from bot.flows.records import RelationView, ThreadEntry
from bot.flows.screens import Choice, Items, Screen, When

PAGE_ITEMS = 8  # entries on one page of a thread
PAGE_CHARS = 3000  # and at most about this much of their text: a page stays within one message
ENTRY_CHARS = 600  # a longer entry is shortened in the thread (its notification held it whole)
PROMPT_NAMED = 90  # a notification names the prompt it answers in this many characters


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def shortened(words: str | dict[str, str], limit: int) -> str | dict[str, str]:
    if isinstance(words, dict):
        return {language: shorten(text, limit) for language, text in words.items()}
    return shorten(words, limit)


def desk_buttons(content: Content, relation_id: int, name: str, answer: bool = True) -> tuple[Choice, ...]:
    """What a coach can do from anything about one coachee: answer, read the thread, open them."""
    return ((Choice(Event.THREAD_ANSWER, content.localized("btn_answer_name", name=name), ref=relation_id),)
            if answer else ()) + (
        Choice(Event.THREAD_OPEN, "btn_open_thread", 0, ref=relation_id),
        Choice(Event.COACH_VIEW, content.localized("btn_open_coachee", name=name), ref=relation_id))


def _entry(content: Content, entry: ThreadEntry, name: str, zone: str) -> Screen:
    date = When(entry.at, zone)
    if entry.kind == "prompt":
        words = shortened(series.prompt_words(content, entry.text, entry.competency, entry.prompt_index), ENTRY_CHARS)
        return Screen("thread_prompt_item", {"date": date, "text": words})
    text = shorten(entry.text or "", ENTRY_CHARS)
    if entry.kind == "note":
        competency = content.by_id(entry.competency).name if entry.competency else "?"
        return Screen("thread_note_item", {"date": date, "name": name, "competency": competency, "text": text})
    key = "thread_coach_item" if entry.kind == "coach" else "thread_coachee_item"
    return Screen(key, {"date": date, "name": name, "text": text})


def pages_of(entries: list[ThreadEntry]) -> list[list[ThreadEntry]]:
    """Pages newest first (page 0 holds the latest entries), each in the order they happened."""
    pages: list[list[ThreadEntry]] = []
    current: list[ThreadEntry] = []
    size = 0
    for entry in reversed(entries):
        length = min(len(entry.text or ""), ENTRY_CHARS) + 60
        if current and (len(current) == PAGE_ITEMS or size + length > PAGE_CHARS):
            pages.append(current[::-1])
            current, size = [], 0
        current.append(entry)
        size += length
    if current:
        pages.append(current[::-1])
    return pages


def show_thread(content: Content, relation: RelationView | None, entries: list[ThreadEntry], page: int, zone: str,
                in_place: bool = False) -> Step:
    """The thread with one coachee, a page at a time (newest first), with a way on."""
    if relation is None:
        return Step([Screen("stale_button", notice=True)])
    name = relation.coachee_name
    pages = pages_of(entries)
    page = max(0, min(page, len(pages) - 1))
    shown = pages[page] if pages else []
    items = Items(tuple(_entry(content, e, name, zone) for e in shown), separator="\n\n") if shown \
        else Items((Screen("thread_empty", {"name": name}),))
    position = Items((Screen("thread_page", {"page": page + 1, "pages": len(pages)}),)) if len(pages) > 1 \
        else Items(())
    choices = [Choice(Event.THREAD_ANSWER, content.localized("btn_answer_name", name=name), ref=relation.id)]
    if page + 1 < len(pages):
        choices.append(Choice(Event.THREAD_OPEN, "btn_older", page + 1, ref=relation.id))
    if page > 0:
        choices.append(Choice(Event.THREAD_OPEN, "btn_newer", page - 1, ref=relation.id))
    choices.append(Choice(Event.COACH_VIEW, content.localized("btn_open_coachee", name=name), ref=relation.id))
    return Step([Screen("thread", {"name": name, "items": items, "position": position}, choices=tuple(choices),
                        in_place=in_place)])


# --- the coach answers ----------------------------------------------------------------------
def open_answer(content: Content, relation: RelationView | None) -> Step:
    """The coach tapped "Answer Kees": their next text goes to Kees, nobody else."""
    if relation is None:
        return Step([Screen("stale_button", notice=True)])
    return Step([Screen("answer_write", {"name": relation.coachee_name, "limit": content.limits.reply_chars},
                        choices=(Choice(Event.THREAD_CANCEL, "btn_cancel"),))], [OpenText("answer", relation.id)])


def send_answer(content: Content, relation: RelationView | None, coach_id: int, coach_name: str, text: str) -> Step:
    """The coach's typed answer: to the coachee the context named, while they still share."""
    if relation is None:
        return Step([Screen("answer_not_shared")], [CloseText()])
    limit = content.limits.reply_chars
    if len(text) > limit:
        return Step([Screen("reply_too_long", {"limit": limit, "length": len(text)})])
    coachee = relation.coachee_id
    delivered = Screen("coach_answer", {"coach": coach_name, "text": text}, choices=(
        Choice(Event.ANSWER_BACK_OPEN, content.localized("btn_answer_name", name=coach_name), ref=coach_id),))
    return Step([Screen("answer_sent", {"name": relation.coachee_name},
                        choices=desk_buttons(content, relation.id, relation.coachee_name, answer=False))],
                [StoreThreadMessage(coach_id, coachee, "coach", text), CloseText(),
                 Notify(coachee, delivered, thread=(coach_id, coachee))])


# --- the coachee answers back, or offers a stray message ------------------------------------
def _to_coach(content: Content, relation: RelationView, text: str, key: str, params: dict) -> list:
    """Effects that put the coachee's text in the thread and tell the coach, with a way on."""
    coach, coachee = relation.coach_id, relation.coachee_id
    told = Screen(key, {"name": relation.coachee_name, "text": text} | params,
                  choices=desk_buttons(content, relation.id, relation.coachee_name))
    return [StoreThreadMessage(coach, coachee, "coachee", text), CloseText(), Notify(coach, told, thread=(coach, coachee))]


def _with(relation: RelationView | None, coach_id: object) -> bool:
    return relation is not None and relation.coach_id == coach_id


def open_answer_back(relation: RelationView | None, coach_id: object) -> Step:
    if not _with(relation, coach_id):
        return Step([Screen("answer_back_not_shared")])
    return Step([Screen("reply_write", {"coach": relation.coach_name},
                        choices=(Choice(Event.THREAD_CANCEL, "btn_cancel"),))], [OpenText("answer_back", coach_id)])


def _confirm(content: Content, relation: RelationView, text: str, event: str, key: str, kind: str,
             other: Choice) -> Step:
    coach = relation.coach_name or ""
    return Step([Screen(key, {"coach": coach, "text": text}, choices=(
        Choice(event, content.localized("btn_send_to", name=coach), ref=relation.coach_id), other))],
        [OpenText(kind, relation.coach_id, text)])


def _fits(content: Content, text: str) -> Screen | None:
    limit = content.limits.reply_chars
    return Screen("reply_too_long", {"limit": limit, "length": len(text)}) if len(text) > limit else None


def draft_answer_back(content: Content, relation: RelationView | None, coach_id: object, text: str) -> Step:
    """Typed (or a Telegram reply to the coach's answer): shown back with whom it goes to."""
    if not _with(relation, coach_id):
        return Step([Screen("answer_back_not_shared")], [CloseText()])
    too_long = _fits(content, text)
    if too_long:
        return Step([too_long])
    return _confirm(content, relation, text, Event.ANSWER_BACK_SEND, "reply_confirm", "confirm_answer_back",
                    Choice(Event.THREAD_CANCEL, "btn_cancel"))


def send_answer_back(content: Content, relation: RelationView | None, coach_id: object, pending: str | None) -> Step:
    if pending is None:
        return Step([Screen("stale_button", notice=True)])
    if not _with(relation, coach_id):
        return Step([Screen("answer_back_not_shared", in_place=True)], [CloseText()])
    return Step([Screen("reply_sent", {"coach": relation.coach_name}, in_place=True)],
                _to_coach(content, relation, pending, "coachee_answered", {}))


def offer_stray(content: Content, relation: RelationView, text: str) -> Step:
    """Text typed outside any context by someone with a coach: offered, never sent unasked."""
    too_long = _fits(content, text)
    if too_long:
        return Step([too_long])
    return _confirm(content, relation, text, Event.STRAY_SEND, "stray_offer", "stray",
                    Choice(Event.STRAY_KEEP, "btn_keep_private"))


def send_stray(content: Content, relation: RelationView | None, coach_id: object, pending: str | None) -> Step:
    """Bound to the coach the offer named: another coach now, and the offer is shown again."""
    if pending is None:
        return Step([Screen("stale_button", notice=True)])
    if relation is None:
        return Step([Screen("stray_no_coach", in_place=True)], [CloseText()])
    if relation.coach_id != coach_id:
        again = offer_stray(content, relation, pending)
        return Step([Screen("receiver_changed", notice=True), *again.screens], again.effects)
    return Step([Screen("stray_sent", {"coach": relation.coach_name}, in_place=True)],
                _to_coach(content, relation, pending, "coachee_wrote", {}))


def keep_stray() -> Step:
    return Step([Screen("stray_kept", in_place=True)], [CloseText()])


def cancel() -> Step:
    return Step([Screen("reply_cancelled", in_place=True)], [CloseText()])

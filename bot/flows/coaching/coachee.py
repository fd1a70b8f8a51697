"""The coachee's side: whom they share with, stopping it, and replying to a coach's prompt.

A reply goes to the coach whose prompt it answers, only while that coachee shares with that
coach, and only after the screen said to whom (Send / Cancel).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content import Content
from bot.flows.coaching.thread import PROMPT_NAMED, desk_buttons, shortened
from bot.flows.effects import CloseText, Notify, OpenText, Revoke, Step, StoreReply
from bot.flows.events import Event
from bot.flows.records import RelationView
from bot.flows.screens import Choice, Screen


@dataclass(frozen=True)
class PromptRef:
    """A prompt delivered to this user, as it stands now."""

    delivery_id: int
    coach_id: int
    coach_name: str
    own_name: str  # how that coach knows the user
    shared: bool  # the user still shares with that coach
    relation_id: int | None = None  # the coach's relation with the user, while it is active
    prompt: str | dict[str, str] = ""  # the prompt's words (own text, or in each language)


def show_mycoach(relation: RelationView | None, is_coach: bool = False) -> Step:
    """Whom the user shares with; a coach without a coach of their own is pointed to their coachees."""
    if relation is None:
        return Step([Screen("no_coach_as_coach" if is_coach else "no_coach")])
    return Step([Screen("mycoach", {"coach": relation.coach_name, "since": relation.consented_at[:10]},
                        choices=(Choice(Event.COACH_REVOKE, "btn_stop_sharing"),))])


def revoke(relation: RelationView | None) -> Step:
    if relation is None:
        return Step([Screen("stale_button", notice=True)])
    return Step([Screen("coach_revoked", {"coach": relation.coach_name}, in_place=True)],
                [Revoke(), Notify(relation.coach_id, Screen("coach_lost_coachee", {"name": relation.coachee_name}))])


def open_reply(prompt: PromptRef | None) -> Step:
    """The user tapped "Reply to …" under a prompt: their next text is for that coach."""
    if prompt is None:
        return Step([Screen("stale_button", notice=True)])
    if not prompt.shared:
        return Step([Screen("reply_not_shared", {"coach": prompt.coach_name})])
    return Step([Screen("reply_write", {"coach": prompt.coach_name}, choices=(
        Choice(Event.REPLY_CANCEL, "btn_cancel", ref=prompt.delivery_id),))], [OpenText("reply", prompt.delivery_id)])


def draft_reply(content: Content, prompt: PromptRef | None, text: str) -> Step:
    """Typed text for a reply: shown back with whom it goes to, and sent only on Send."""
    limit = content.limits.reply_chars
    if prompt is None:
        return Step([Screen("hint_commands")], [CloseText()])
    if len(text) > limit:
        return Step([Screen("reply_too_long", {"limit": limit, "length": len(text)})])
    if not prompt.shared:
        return Step([Screen("reply_not_shared", {"coach": prompt.coach_name})], [CloseText()])
    return Step([Screen("reply_confirm", {"coach": prompt.coach_name, "text": text}, choices=(
        Choice(Event.REPLY_SEND, content.localized("btn_send_to", name=prompt.coach_name), ref=prompt.delivery_id),
        Choice(Event.REPLY_CANCEL, "btn_cancel", ref=prompt.delivery_id)))],
        [OpenText("confirm_reply", prompt.delivery_id, text)])


def send_reply(content: Content, prompt: PromptRef | None, text: str | None, user_id: int) -> Step:
    if prompt is None or not text:
        return Step([Screen("stale_button", notice=True)])
    if not prompt.shared:
        return Step([Screen("reply_not_shared", {"coach": prompt.coach_name}, in_place=True)], [CloseText()])
    told = Screen("reply_forwarded", {"name": prompt.own_name, "text": text,
                                      "prompt": shortened(prompt.prompt, PROMPT_NAMED)},
                  choices=desk_buttons(content, prompt.relation_id, prompt.own_name) if prompt.relation_id else ())
    return Step([Screen("reply_sent", {"coach": prompt.coach_name}, in_place=True)], [
        StoreReply(prompt.delivery_id, text), CloseText(), Notify(prompt.coach_id, told, thread=(prompt.coach_id, user_id))])


def cancel_reply() -> Step:
    return Step([Screen("reply_cancelled", in_place=True)], [CloseText()])

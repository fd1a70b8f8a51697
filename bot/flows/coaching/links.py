"""Roles and links: an admin's coach invite, a coach's coachee link, the offer it opens, and
an admin removing a coach."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.flows.coaching import invite_link, new_code
from bot.flows.effects import (
    BecomeCoach,
    CloseOffer,
    Connect,
    ContinueAssessment,
    CreateCoachInvite,
    Notify,
    OpenOffer,
    RefreshMenu,
    RemoveCoach,
    RenewLink,
    Step,
)
from bot.flows.events import Event
from bot.flows.records import CoachCount, CoachView, RelationView
from bot.flows.screens import Choice, Items, Screen

PAYLOAD = re.compile(r"([ck])([A-Za-z0-9_-]{22})")


@dataclass(frozen=True)
class Offer:
    """A coach's link opened by this user, as it stands now."""

    coach_id: int
    coach_name: str
    valid: bool  # the link it came from is still the coach's current one


def make_coach_invite(bot_username: str) -> Step:
    code = new_code()
    return Step([Screen("coach_invite_created", {"link": invite_link(bot_username, "c", code)})],
                [CreateCoachInvite(code)])


def open_link(payload: object, *, user_id: int, name: str, bot_username: str, own_coach: CoachView | None,
              invite_unused: bool, link_owner: CoachView | None) -> Step:
    """``/start <payload>``: a coach invite (``c…``) or a coach's coachee link (``k…``).

    ``own_coach`` is the user's own coach record if they are a coach already; ``link_owner``
    the coach whose current coachee link has this code."""
    match = PAYLOAD.fullmatch(payload) if isinstance(payload, str) else None
    if match is None or (match.group(1) == "c" and not invite_unused and own_coach is None) or (
            match.group(1) == "k" and link_owner is None):
        return Step([Screen("link_invalid")], [ContinueAssessment()])
    kind, code = match.groups()
    if kind == "c" and own_coach is not None:  # the invite stays unused for someone else
        return Step([Screen("already_coach", {"link": invite_link(bot_username, "k", own_coach.invite_code)})])
    if kind == "c":
        link_code = new_code()
        return Step([Screen("coach_welcome", {"link": invite_link(bot_username, "k", link_code)})],
                    [BecomeCoach(code, link_code, name), RefreshMenu(user_id)])
    if link_owner.user_id == user_id:
        return Step([Screen("own_link")])
    return Step([offer_screen(link_owner.user_id, link_owner.display_name)], [OpenOffer(link_owner.user_id, code)])


def offer_screen(coach_id: int, coach_name: str) -> Screen:
    """What sharing with this coach means; the answer buttons name this coach and no other."""
    return Screen("coach_offer", {"coach": coach_name}, choices=(
        Choice(Event.OFFER_ACCEPT, "btn_share", ref=coach_id), Choice(Event.OFFER_DECLINE, "btn_dont_share", ref=coach_id)))


def _other_coach(offer: Offer, named: object) -> Step | None:
    """The button named another coach than the offer that stands now (a link opened since):
    nothing happens, and the standing offer is shown again."""
    if named == offer.coach_id:
        return None
    return Step([Screen("receiver_changed", notice=True), offer_screen(offer.coach_id, offer.coach_name)])


def accept_offer(offer: Offer | None, named: object, name: str, earlier_coach: RelationView | None) -> Step:
    """Agreeing to share with the coach the button ``named``. The offer must still stand: a link
    renewed since it was opened voids it. An earlier coach is told that this person moved on."""
    if offer is None:
        return Step([Screen("stale_button", notice=True)])
    if (changed := _other_coach(offer, named)) is not None:
        return changed
    if not offer.valid:
        return Step([Screen("offer_expired", in_place=True)], [CloseOffer()])
    effects: list = [Connect(offer.coach_id, name), CloseOffer(),
                     Notify(offer.coach_id, Screen("coach_new_coachee", {"name": name}))]
    if earlier_coach is not None and earlier_coach.coach_id != offer.coach_id:
        effects.append(Notify(earlier_coach.coach_id, Screen("coach_lost_coachee", {"name": earlier_coach.coachee_name})))
    return Step([Screen("coach_connected", {"coach": offer.coach_name}, in_place=True)], effects + [ContinueAssessment()])


def decline_offer(offer: Offer | None, named: object) -> Step:
    if offer is None:
        return Step([Screen("stale_button", notice=True)])
    if (changed := _other_coach(offer, named)) is not None:
        return changed
    return Step([Screen("coach_declined", in_place=True)], [CloseOffer()])


def show_link(coach: CoachView, bot_username: str) -> Step:
    return Step([Screen("coach_link", {"link": invite_link(bot_username, "k", coach.invite_code)},
                        choices=(Choice(Event.INVITE_RENEW, "btn_new_link"),))])


def renew_link(bot_username: str) -> Step:
    code = new_code()
    return Step([Screen("coach_link_renewed", {"link": invite_link(bot_username, "k", code)}, in_place=True)],
                [RenewLink(code)])


def coachee_band(count: int, min_group: int) -> str:
    """A coach's number of coachees in steps of ``min_group``: "<5", "5+", "10+" … so that the
    number an admin sees never moves when one person starts or stops sharing."""
    return f"<{min_group}" if count < min_group else f"{count // min_group * min_group}+"


def list_coaches(coaches: list[CoachCount], min_group: int) -> Step:
    """An admin's list of coaches (name and number of coachees, banded), each with a remove button."""
    if not coaches:
        return Step([Screen("no_coaches")])
    items = Items(tuple(Screen("coach_item", {"name": c.display_name, "count": coachee_band(c.coachees, min_group)})
                        for c in coaches) + (Screen("coaches_counted", {"min": min_group}),))
    return Step([Screen("coaches", {"items": items}, choices=tuple(
        Choice(Event.COACH_REMOVE, {"nl": f"✖ {c.display_name}", "en": f"✖ {c.display_name}"}, ref=c.user_id)
        for c in coaches))])


def confirm_remove(coach: CoachView) -> Step:
    return Step([Screen("coach_remove_confirm", {"name": coach.display_name}, choices=(
        Choice(Event.COACH_REMOVE_CONFIRMED, "btn_remove_coach", ref=coach.user_id),
        Choice(Event.COACH_REMOVE_CANCELLED, "btn_cancel", ref=coach.user_id)), in_place=True)])


def remove_coach(coach: CoachView, coachees: list[int]) -> Step:
    """The coach loses the role, the coachees stop sharing with them; all are told."""
    effects: list = [RemoveCoach(coach.user_id), RefreshMenu(coach.user_id),
                     Notify(coach.user_id, Screen("coach_role_ended"))]
    effects += [Notify(coachee, Screen("coach_gone", {"coach": coach.display_name})) for coachee in coachees]
    return Step([Screen("coach_removed", {"name": coach.display_name}, in_place=True)], effects)

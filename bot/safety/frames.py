"""Frames shared by the English rules, the Spanish rules and the model verdict.

Video games: "shot the guy in fortnite", "le di un headshot a un wey en free fire". Killing and shooting in a
game is not harm to a person; the harm-to-others rules do not count in a message about a game, and a model-only
crisis there gets the safety question instead of the full alarm.
"""

from __future__ import annotations

import re

GAMING = re.compile(
    r"\b(fortnite|valorant|free ?fire|call of duty|cod|warzone|gta|minecraft|roblox|apex legends|overwatch|halo|pubg|"
    r"csgo|cs2|counter ?strike|rainbow six|r6|elden ring|fifa|madden|among us|league of legends|dota|"
    r"video ?games?|videojuegos?|the game lobby|headshot\w*|respawn\w*|rage ?quit\w*|"
    r"killstreak|kill ?cam|noobs?|gamer|gaming|twitch stream\w*|en el juego)\b"
    r"|\bplay(s|ing|ed)? (this |that |a |the |his |her |their )?(\w+ )?games?\b")

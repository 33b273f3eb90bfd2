"""Case vignettes: realistic people, written in prose, with the band we expect and why.

Each vignette is answered the way the bot asks (skip logic applies; anything not named is the low-risk
answer). Every band and both kinds of source conflict appear. The question counts also give the length
of the conversation in practice.
"""

import statistics
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.screening import score

from .helpers import reason_ids, walk_answers


@dataclass
class Vignette:
    name: str
    story: str  # who this is, in prose
    answers: dict[str, Any]
    band: str
    why: str  # why this band is right
    reasons: list[str] = field(default_factory=list)  # criteria that must be among the reasons


VIGNETTES = [
    Vignette(
        "passive_death_wish_drinker",
        "A 44-year-old man drinks most evenings. Asked about safety, he says that in the past month he has "
        "sometimes wished he would not wake up. He is ready for help and has a supportive wife.",
        {"suicidal_thoughts": "yes", "suicide_plan": "no", "substances": ["alcohol"], "last_use": 1,
         "alcohol_frequency": "4_plus_week", "alcohol_amount": 4, "alcohol_binge": "monthly"},
        "urgent_safety",
        "Any wish to be dead or suicidal thought in the past month is treated as urgent (C-SSRS triage): "
        "crisis line now and a clinician reaches out, whatever else is answered.",
        ["suicidal_thoughts"],
    ),
    Vignette(
        "recent_attempt_now_calm",
        "A 23-year-old woman using cocaine on weekends says she has no suicidal thoughts now, but two months "
        "ago she took pills intending to die. Everything else looks stable.",
        {"suicide_behavior": "yes", "substances": ["cocaine"], "last_use": 6,
         "use_frequency": "1_3_days_week"},
        "urgent_safety",
        "Suicidal behaviour in the past 3 months is high risk under the C-SSRS screener even without current "
        "thoughts; seed 003 excludes IOP as a primary plan for people who are a danger to themselves.",
        ["suicide_behavior"],
    ),
    Vignette(
        "mother_worried_about_son_anger",
        "A mother answers for her 30-year-old son who uses meth daily. She says he has talked about "
        "seriously "
        "hurting his ex-partner in the past month.",
        {"harm_others": "yes", "substances": ["stimulants"], "last_use": 1, "withdrawal": "no",
         "use_frequency": "daily", "readiness": "someone_else"},
        "urgent_safety",
        "Thoughts of seriously hurting someone else are a safety red flag: urgent contact before any program "
        "decision.",
        ["harm_others", "frequent_drug_use"],
    ),
    Vignette(
        "suicidal_and_in_withdrawal",
        "A man drinking a fifth a day says he gets the shakes every morning and has had thoughts of killing "
        "himself with a plan.",
        {"suicidal_thoughts": "yes", "suicide_plan": "yes", "substances": ["alcohol"], "last_use": 0,
         "withdrawal": "yes", "alcohol_frequency": "4_plus_week", "alcohol_amount": 17,
         "alcohol_binge": "daily_or_almost"},
        "urgent_safety",
        "Safety outranks detox: the highest-risk area decides and safety comes first.",
        ["suicide_plan", "withdrawal_symptoms"],
    ),
    Vignette(
        "daily_drinker_with_shakes",
        "A 52-year-old accountant drinks a bottle of wine and several beers every night. When he tried to "
        "stop "
        "last month he sweated, shook and could not sleep. No safety concerns; strong family support.",
        {"substances": ["alcohol"], "last_use": 0, "withdrawal": "yes", "seizure_history": "no",
         "alcohol_frequency": "4_plus_week", "alcohol_amount": 9, "alcohol_binge": "daily_or_almost"},
        "detox_first",
        "Withdrawal symptoms with current use mean a detox evaluation comes first (004: IOP is not for "
        "people "
        "needing detox), however well everything else fits.",
        ["withdrawal_symptoms", "heavy_drinking_recent", "audit_c_positive"],
    ),
    Vignette(
        "past_withdrawal_seizure",
        "A woman who drinks heavily on weekends says she does not get sick when stopping now, but she had a "
        "seizure the last time she quit two years ago. Last drink was two days ago.",
        {"substances": ["alcohol"], "last_use": 2, "withdrawal": "no", "seizure_history": "yes",
         "alcohol_frequency": "2_3_week", "alcohol_amount": 8, "alcohol_binge": "weekly"},
        "detox_first",
        "A past withdrawal seizure with recent drinking means stopping should be medically supervised.",
        ["withdrawal_seizure_history"],
    ),
    Vignette(
        "pregnant_opioid_use",
        "A 27-year-old who is pregnant uses pain pills she buys on the street; she last used yesterday and "
        "does "
        "not feel sick between doses yet.",
        {"substances": ["opioids"], "last_use": 1, "withdrawal": "no", "opioid_medication": "interested",
         "medical": "yes"},
        "detox_first",
        "Pregnancy with opioid use needs close medical care (003: outpatient care is for people not at "
        "medical "
        "risk); the medical red flag puts a medical evaluation first, above the opioid step-up.",
        ["medical_risk", "opioids_start_residential", "opioid_medication_interest"],
    ),
    Vignette(
        "heroin_no_medication",
        "A 35-year-old man who has used heroin for six years last used four days ago, is not on any "
        "medication "
        "for it, and has never been in treatment. He wants to start now.",
        {"substances": ["opioids"], "last_use": 4, "withdrawal": "no", "opioid_medication": "no"},
        "more_intensive",
        "Seed 003: people using heroin or other opioids tend to do better starting in inpatient residential "
        "care; he is not stepping down from residential care and is not on medication.",
        ["opioids_start_residential"],
    ),
    Vignette(
        "homeless_stimulant_user",
        "A 40-year-old sleeps in her car, uses meth most days and has no one to support her.",
        {"substances": ["stimulants"], "last_use": 1, "withdrawal": "no", "use_frequency": "4_6_days_week",
         "home": ["no_home"], "support": "none"},
        "more_intensive",
        "IOP relies on living at home; with no stable home and no support (000, 002, 003) a more intensive, "
        "housing-linked option is safer to discuss.",
        ["no_stable_home", "no_support", "frequent_drug_use"],
    ),
    Vignette(
        "violent_home",
        "A young man using cannabis daily lives with a partner where fights turn physical; he wants help and "
        "can attend evenings.",
        {"use_frequency": "daily", "last_use": 1, "withdrawal": "no", "home": ["unsafe"]},
        "more_intensive",
        "A destructive home environment means IOP should not be the primary plan (003).",
        ["unsafe_home"],
    ),
    Vignette(
        "cannot_manage_daily_life",
        "A 29-year-old with trauma and daily drinking says she cannot get out of bed or eat most days.",
        {"substances": ["alcohol"], "last_use": 20, "alcohol_frequency": "4_plus_week", "alcohol_amount": 4,
         "alcohol_binge": "weekly", "phq_interest": "nearly_every_day", "phq_mood": "nearly_every_day",
         "mental_health": ["trauma"], "daily_functioning": "yes"},
        "more_intensive",
        "IOP suits people stable enough to live at home during treatment (002); when daily life at home is "
        "very hard, partial hospitalization may be safer to discuss.",
        ["not_stable_at_home", "phq2_positive", "co_occurring"],
    ),
    Vignette(
        "step_down_from_residential",
        "A 33-year-old finished a 30-day residential program for alcohol last week. He has not had a drink "
        "in "
        "six weeks, lives with supportive parents and can attend evenings.",
        {"substances": ["alcohol"], "last_use": 42, "alcohol_frequency": "2_3_week", "alcohol_amount": 6,
         "alcohol_binge": "weekly", "recent_treatment": "residential"},
        "iop_good_fit",
        "Step-down from residential care is a textbook IOP use (001, 003, 004), with a drinking history that "
        "warrants structure (AUDIT-C 8) and no current withdrawal.",
        ["step_down", "audit_c_positive", "stopped_using"],
    ),
    Vignette(
        "outpatient_not_enough",
        "A 26-year-old woman sees a counselor weekly for anxiety and drinks three or four drinks on weekend "
        "nights, more at a monthly party; she feels weekly sessions are not enough. No withdrawal, stable "
        "home, "
        "supportive friends.",
        {"substances": ["alcohol"], "last_use": 5, "withdrawal": "no", "seizure_history": "no",
         "alcohol_frequency": "2_3_week", "alcohol_amount": 4, "alcohol_binge": "monthly",
         "mental_health": ["anxiety"], "daily_functioning": "no", "recent_treatment": "outpatient"},
        "iop_good_fit",
        "A step up from outpatient care (004) with co-occurring anxiety (002) and risky drinking, without "
        "withdrawal or instability.",
        ["step_up_from_outpatient", "co_occurring", "audit_c_positive"],
    ),
    Vignette(
        "after_detox",
        "A 48-year-old completed a 5-day alcohol detox ten days ago and has not had a drink since. He is "
        "motivated and his wife will come to family sessions.",
        {"substances": ["alcohol"], "last_use": 15, "alcohol_frequency": "4_plus_week", "alcohol_amount": 6,
         "alcohol_binge": "weekly", "recent_treatment": "detox"},
        "iop_good_fit",
        "Seed 000 recommends IOP for people who go through detox but do not go to residential rehab; he has "
        "stopped (000) and has family support (003).",
        ["after_detox", "stopped_using", "strong_support"],
    ),
    Vignette(
        "poly_use_stable",
        "A 31-year-old uses cannabis and cocaine at weekends, last used 3 weeks ago, stable job and home, "
        "supportive sister.",
        {"substances": ["cocaine", "cannabis"], "last_use": 21},
        "iop_good_fit",
        "More than one substance calls for more than standard outpatient care (003), and nothing points "
        "higher.",
        ["multiple_substances"],
    ),
    Vignette(
        "low_mood_cannabis_daily",
        "A 20-year-old student smokes cannabis every day and has felt down most days for the past two weeks, "
        "but is managing classes and lives with her family.",
        {"use_frequency": "daily", "last_use": 1, "withdrawal": "no", "phq_interest": "more_than_half",
         "phq_mood": "more_than_half", "daily_functioning": "no"},
        "iop_good_fit",
        "Daily use plus a positive PHQ-2 is a moderate, co-occurring picture IOPs treat (001, 002, 003).",
        ["frequent_drug_use", "phq2_positive"],
    ),
    Vignette(
        "relapse_after_treatment",
        "A 38-year-old who did well after outpatient care two years ago started drinking again three months "
        "ago. No withdrawal; stable home, supportive partner.",
        {"substances": ["alcohol"], "last_use": 3, "withdrawal": "no", "seizure_history": "no",
         "alcohol_frequency": "2_3_week", "alcohol_amount": 4, "alcohol_binge": "monthly", "relapse": "yes"},
        "iop_review",
        "Sources conflict on relapse history: 003 says not a primary plan, 002 says IOP helps people who "
        "relapsed. The conflict goes to a clinician instead of being decided by the bot.",
        ["relapse_history_conflict", "audit_c_positive"],
    ),
    Vignette(
        "relapse_conflict_family_answering",
        "A father answers for his daughter, 19, who relapsed on pills after a month clean and lives at home.",
        {"substances": ["benzodiazepines"], "last_use": 25, "use_frequency": "1_3_days_week",
         "relapse": "yes"},
        "iop_review",
        "Relapse history (conflicting sources 003 vs 002) routes to clinician review; she stopped over 2 "
        "weeks "
        "ago so no acute benzodiazepine caution.",
        ["relapse_history_conflict", "stopped_using"],
    ),
    Vignette(
        "opioids_on_buprenorphine",
        "A 41-year-old has been on buprenorphine for a year, last used fentanyl 10 days ago, and wants more "
        "structure. Stable apartment, supportive brother.",
        {"substances": ["opioids"], "last_use": 10, "withdrawal": "no", "opioid_medication": "taking"},
        "iop_review",
        "Seed 003 favours a residential start for opioids, but on medication the clinician should weigh that "
        "against current stability rather than the bot deciding.",
        ["opioids_review"],
    ),
    Vignette(
        "roommate_uses",
        "A 24-year-old who drinks most weekends lives with a roommate who deals and uses cocaine.",
        {"substances": ["alcohol"], "last_use": 6, "withdrawal": "no", "seizure_history": "no",
         "alcohol_frequency": "2_3_week", "alcohol_amount": 6, "alcohol_binge": "weekly",
         "home": ["stable", "someone_uses"]},
        "iop_review",
        "Living with someone who uses makes IOP not ideal (004); a clinician should look at the home plan.",
        ["others_using_at_home", "audit_c_positive"],
    ),
    Vignette(
        "unsure_about_withdrawal",
        "A woman taking more Xanax than prescribed last took some yesterday and is not sure whether she gets "
        "sick when she skips doses.",
        {"substances": ["benzodiazepines"], "last_use": 1, "withdrawal": "unsure", "seizure_history": "no",
         "use_frequency": "daily"},
        "iop_review",
        "Withdrawal risk is not ruled out and benzodiazepines are risky to stop suddenly; a clinician must "
        "check "
        "whether detox is needed before IOP. Never iop_good_fit with an unsure withdrawal answer.",
        ["withdrawal_uncertain", "benzodiazepines_recent"],
    ),
    Vignette(
        "here_because_of_court",
        "A 28-year-old man says he is here because the court ordered it; he smokes cannabis twice a week and "
        "does not think he needs treatment.",
        {"readiness": "someone_else", "use_frequency": "1_3_days_week", "last_use": 3, "withdrawal": "no"},
        "iop_review",
        "IOP needs an active part in recovery (001, 002); low readiness goes to a clinician to explore.",
        ["readiness_low"],
    ),
    Vignette(
        "cannot_attend",
        "A single father working two jobs drinks heavily most nights but cannot see how he could attend 9-12 "
        "hours a week.",
        {"substances": ["alcohol"], "last_use": 1, "withdrawal": "no", "seizure_history": "no",
         "alcohol_frequency": "4_plus_week", "alcohol_amount": 5, "alcohol_binge": "weekly", "attend": "hard",
         "worries": ["work_school", "family_care"]},
        "iop_review",
        "The 9-12 hour schedule (002) looks hard; a clinician should discuss options. Heavy drinking "
        "(AUDIT-C 9) "
        "also needs a withdrawal check.",
        ["attendance_hard", "heavy_drinking_recent", "work_family_commitments"],
    ),
    Vignette(
        "afraid_of_groups",
        "A 36-year-old woman with daily cannabis use is very anxious about speaking in groups.",
        {"use_frequency": "daily", "last_use": 1, "withdrawal": "no", "group": "uncomfortable",
         "mental_health": ["anxiety"], "daily_functioning": "no"},
        "iop_review",
        "IOP is mostly group work and seed 000 notes some people are uncomfortable in groups; a clinician "
        "should "
        "plan individual sessions alongside.",
        ["group_uncomfortable", "co_occurring"],
    ),
    Vignette(
        "occasional_cannabis_stable",
        "A 45-year-old nurse smokes cannabis once or twice a week to sleep, stopped three weeks ago, wants "
        "support to stay stopped, no mood or health concerns, stable home, supportive spouse.",
        {},
        "standard_outpatient",
        "No detox need, no medical or mental health concern, motivated, good support and a home that "
        "supports "
        "sobriety: seed 003's picture of standard outpatient care.",
        ["outpatient_may_be_enough", "stopped_using"],
    ),
    Vignette(
        "light_drinker_checking",
        "A 60-year-old retired teacher drinks a glass or two of wine twice a month and wants to make sure it "
        "stays that way; nothing else is going on.",
        {"substances": ["alcohol"], "last_use": 10, "withdrawal": "no", "seizure_history": "no",
         "alcohol_frequency": "2_4_month", "alcohol_amount": 2, "alcohol_binge": "never"},
        "standard_outpatient",
        "AUDIT-C 2 with no other risk: standard outpatient care may be enough.",
        ["outpatient_may_be_enough"],
    ),
    Vignette(
        "safety_unclear_answers",
        "Someone texting late at night answers the suicide question with 'whatever' twice, so it stays "
        "unclear; "
        "the rest is low risk.",
        {"suicidal_thoughts": "unclear"},
        "iop_review",
        "An unclear safety answer is never taken as a no: staff ask the safety questions directly.",
        ["safety_uncertain"],
    ),
    Vignette(
        "mental_health_only_anxiety",
        "A 34-year-old seeks help for panic attacks and trauma only, no substance use, stable and supported.",
        {"substances": ["none"], "mental_health": ["anxiety", "trauma"], "daily_functioning": "no"},
        "iop_good_fit",
        "IOPs treat mental health as well as substance use (002); co-occurring concerns are a moderate need "
        "that fits IOP.",
        ["co_occurring"],
    ),
    Vignette(
        "hearing_voices",
        "A 22-year-old using ecstasy and LSD at festivals says he sometimes hears voices when not using.",
        {"substances": ["hallucinogens"], "last_use": 40, "mental_health": ["psychosis"],
         "daily_functioning": "no"},
        "iop_review",
        "Hearing voices needs a clinician's assessment of stability before choosing IOP (002: stable "
        "enough to "
        "live at home).",
        ["psychosis_symptoms"],
    ),
    Vignette(
        "nothing_to_go_on",
        "A person who is unsure how to change, has only one person to support him, and no clear substance "
        "pattern.",
        {"substances": ["none"], "readiness": "unsure_how", "support": "some"},
        "iop_review",
        "A small support network (003) needs a clinician's look; nothing suggests a higher level.",
        ["little_support"],
    ),
]


def test_there_are_at_least_25_vignettes_covering_every_band():
    assert len(VIGNETTES) >= 25
    assert {v.band for v in VIGNETTES} == {"urgent_safety", "detox_first", "more_intensive", "iop_review",
                                           "iop_good_fit", "standard_outpatient"}
    assert len({v.name for v in VIGNETTES}) == len(VIGNETTES)
    conflict_cases = [v for v in VIGNETTES if "relapse_history_conflict" in v.reasons]
    assert len(conflict_cases) >= 2


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda v: v.name)
def test_vignette(vignette, questionnaire, criteria):
    answers = walk_answers(questionnaire, vignette.answers)
    for qid, value in vignette.answers.items():  # the story's answers were all asked
        assert answers.get(qid) == value, f"{qid} was not asked in {vignette.name}"
    result = score(answers, questionnaire, criteria)
    assert result.complete
    assert result.band == vignette.band, (vignette.why, reason_ids(result))
    for criterion_id in vignette.reasons:
        assert criterion_id in reason_ids(result)


def test_conversation_length_across_vignettes(questionnaire):
    counts = [len(walk_answers(questionnaire, v.answers)) for v in VIGNETTES]
    assert max(counts) <= 25
    assert statistics.median(counts) <= 21

"""The answer reader: rules and the questionnaire's example answers, with sure / check / unclear."""

import pytest

from bot.nlu.embedding import default_encoder
from bot.screening.examples import NOT_ANSWER, ExampleSet, load_examples
from bot.screening.reading import AnswerReader


@pytest.fixture(scope="module")
def reader():
    return AnswerReader(load_examples(), default_encoder().encode)


@pytest.mark.parametrize("qid, text, expected", [
    ("withdrawal", "dope sick bad when i run out", "yes"),
    ("withdrawal", "the shakes every morning till i get a drink in me", "yes"),
    ("withdrawal", "no i can stop whenever", "no"),
    ("medical", "im 10 weeks pregnant", "yes"),
    ("medical", "healthy as a horse", "no"),
    ("daily_functioning", "i havent showered in a week", "yes"),
    ("readiness", "my wife is making me", "someone_else"),
    ("support", "a couple friends maybe", "some"),
    ("attend", "evenings only, i work days", "yes_evening"),
    ("opioid_medication", "no but id like to", "interested"),
    ("withdrawal", "me dan temblores y sudores cuando no tomo", "yes"),
    ("support", "nadie, estoy sola", "none"),
    ("readiness", "PO says i gotta", "someone_else"),
    ("relapse", "lost count", "yes"),
    ("attend", "trabajo de noche asi q en el dia si", "yes_day"),
])
def test_descriptions_relations_and_hedges_are_understood(reader, questionnaire, qid, text, expected):
    reading = reader.read(questionnaire[qid], text)
    assert reading.understood and reading.value == expected, reading


@pytest.mark.parametrize("text", ["purple", "what do you mean?", "hmm", "who is this", "asdfgh"])
def test_replies_that_are_not_answers_are_not_guessed(reader, questionnaire, text):
    assert reader.read(questionnaire["support"], text).certainty == "unclear"


@pytest.mark.parametrize("qid, text, expected", [
    ("attend", "any time... no wait, only evenings", "yes_evening"),
    ("attend", "a cualquier hora.. no, mejor solo en las noches", "yes_evening"),
    ("substances", "alcohol and weed, no wait, just alcohol", ["alcohol"]),
    ("harm_others", "yes. no wait, no", "no"),
])
def test_a_reply_that_corrects_itself_is_read_by_its_correction(reader, questionnaire, qid, text, expected):
    reading = reader.read(questionnaire[qid], text)
    assert reading.understood and reading.value == expected, reading


def test_buttons_and_option_numbers_are_sure(reader, questionnaire):
    assert reader.read(questionnaire["group"], "Comfortable").certainty == "sure"
    multi = reader.read(questionnaire["substances"], "1 and 6")
    assert (multi.value, multi.certainty) == (["alcohol", "cannabis"], "sure")
    assert reader.read(questionnaire["substances"], "17").certainty == "unclear"  # no such option


def test_two_substances_in_street_names_are_both_kept(reader, questionnaire):
    reading = reader.read(questionnaire["substances"], "percs and bars mostly")
    assert set(reading.value) == {"opioids", "benzodiazepines"}


def test_a_reading_in_between_is_checked_not_stored(reader, questionnaire):
    assert reader.read(questionnaire["withdrawal"], "maybe a lil").certainty in ("check", "sure")


def test_any_input_gives_a_reading_never_an_exception(reader, questionnaire):
    for text in ["", None, 12, "\ud800", "x" * 50_000, "<script>alert(1)</script>", "😂😂"]:
        for question in questionnaire:
            reader.read(question, text)


def test_examples_come_from_every_language_file_and_name_real_choices(questionnaire):
    examples = load_examples()
    assert examples.languages() >= {"en", "es"}
    for question in questionnaire:
        for _, label in examples.for_question(question):
            assert label == NOT_ANSWER or label in {c.id for c in question.choices}, (question.id, label)


def test_a_clinic_adds_an_example_and_the_bot_understands_it(questionnaire):
    phrase = "the grapefruit arrangement with my aunt"  # means nothing until a clinician says what it means
    base = load_examples()
    rows = [(q, t, label, lang) for q, items in base.by_question.items() for t, label, lang in items]
    before = AnswerReader(base).read(questionnaire["readiness"], phrase)
    assert (before.value, before.certainty) != ("someone_else", "sure")
    taught = ExampleSet.from_rows(rows + [("readiness", phrase, "someone_else", "en")] * 3, base.yes_no,
                                  base.not_answer)
    after = AnswerReader(taught).read(questionnaire["readiness"], phrase)
    assert (after.value, after.certainty) == ("someone_else", "sure")


def test_a_yes_said_by_denying_a_no_is_not_outweighed_by_the_examples(reader, questionnaire):
    reading = reader.read(questionnaire["suicide_plan"], "i cant say i never thought about how")
    assert (reading.value, reading.certainty) == ("yes", "sure"), reading


def test_a_seizure_long_ago_is_a_yes_to_ever_having_had_one(reader, questionnaire):
    reading = reader.read(questionnaire["seizure_history"], "had one 10 years ago, nothing since")
    assert reading.value == "yes", reading


@pytest.mark.parametrize("text, expected", [
    ("my boyfriend drinks every night and we fight alot", {"someone_uses", "unsafe"}),
    ("i dont feel safe there, my brother is always high", {"unsafe", "someone_uses"}),
])
def test_a_risk_at_home_said_in_passing_is_kept_with_the_other_reading(reader, questionnaire, text, expected):
    """``kept_when_named`` choices (someone uses, not safe) the words name stay in the answer."""
    reading = reader.read(questionnaire["home"], text)
    assert set(reading.value) == expected, reading


def test_a_named_risk_is_not_joined_to_a_stable_home_the_examples_guess(reader, questionnaire):
    reading = reader.read(questionnaire["home"], "she lives with her husband and hes abusive")
    assert reading.value == ["unsafe"], reading


@pytest.mark.parametrize("qid, text, expected", [
    # "no se me ..." is a reflexive verb ("it does not go away"), not "no sé" (I don't know) nor a bare "no"
    ("withdrawal", "no se me quita el temblor hasta que tomo", "yes"),
    ("suicide_plan", "no se me ha pasado por la mente como", "no"),
    ("withdrawal", "no me dan temblores", "no"),
    ("suicide_plan", "no se", "unsure"),
])
def test_spanish_no_se_me_is_a_verb_not_an_answer_word(reader, questionnaire, qid, text, expected):
    assert reader.read(questionnaire[qid], text).value == expected


@pytest.mark.parametrize("qid, text, expected", [
    # two substances named by their words; the examples alone leaned to a third
    ("substances", "she was on klonopin from her dr but now shes buying them off the street, and she drinks wine "
                   "on top of it", ["alcohol", "benzodiazepines"]),
    # a choice named by its word in a reply the examples call no answer ("parce": mate)
    ("substances", "el guaro parce", ["alcohol"]),
])
def test_choices_named_by_their_words_are_said_back(reader, questionnaire, qid, text, expected):
    reading = reader.read(questionnaire[qid], text)
    assert (reading.certainty, sorted(reading.value)) == ("check", expected), reading


def test_a_single_named_choice_still_gives_way_to_sure_examples(reader, questionnaire):
    # "school" names the work/school worry, but the reply is about being found out
    reading = reader.read(questionnaire["worries"], "shes worried her school will find out")
    assert reading.value != ["work_school"], reading


@pytest.mark.parametrize("qid, text", [
    ("suicide_plan", "i wouldnt actually do it i got my dog to take care of"),
    ("suicide_plan", "i aint gonna act on it if thats what you mean"),
    ("harm_others", "i get mad but i would never hurt him"),
])
def test_denying_the_act_is_said_back_as_a_no(reader, questionnaire, qid, text):
    """The examples hear "do it" and read a yes; the denial of the act is said back as a no instead."""
    reading = reader.read(questionnaire[qid], text)
    assert (reading.value, reading.certainty) in (("no", "check"), ("no", "sure")), reading


def test_a_yes_beside_a_denied_act_stays_a_yes(reader, questionnaire):
    reading = reader.read(questionnaire["suicide_plan"], "yes i thought about how but i wouldnt do it")
    assert reading.value == "yes", reading


@pytest.mark.parametrize(("qid", "text"), [
    ("suicide_behavior", "two summers ago i took a bunch of pills. since then no"),
    ("harm_others", "de chavo me peleaba mucho. este mes nada"),
    ("withdrawal", "used to when i was drinking a handle a day but now that its just weed, no"),
    ("suicide_behavior", "hace 2 años me tome un frasco de pastillas, pero de ahi pa aca nada"),
])
def test_a_reply_saying_it_is_over_is_said_back_as_a_no_to_a_recent_question(reader, questionnaire, qid, text):
    reading = reader.read(questionnaire[qid], text)
    assert (reading.value, reading.certainty) == ("no", "check"), reading


def test_over_since_is_still_a_yes_to_ever_having_had_a_seizure(reader, questionnaire):
    assert not questionnaire["seizure_history"].recent
    reading = reader.read(questionnaire["seizure_history"], "had one in detox two years ago, since then no")
    assert reading.value == "yes", reading


@pytest.mark.parametrize(("qid", "text"), [
    ("seizure_history", "im not sure. he was in a detox out of state and they mentioned medical complications "
                        "but never told us what"),
    ("suicide_behavior", "not that i know of. shes living with us and i keep a pretty close eye on her"),
])
def test_sure_examples_against_the_replys_own_answer_words_are_said_back(reader, questionnaire, qid, text):
    assert reader.read(questionnaire[qid], text).certainty == "check"


@pytest.mark.parametrize(("text", "expected"), [
    ("whos going to watch his kids? and he doesnt have a car", ["family_care", "transport"]),
    ("i take care of my dad who has dementia. and money honestly", ["family_care", "cost"]),
    ("¿quién le cuida a sus hijos mientras va? y además no maneja", ["family_care", "transport"]),
    ("no one to watch my kids and no ride", ["family_care", "transport"]),
    ("no tengo con quien dejar a mis hijos y tampoco tengo carro", ["family_care", "transport"]),
])
def test_a_choice_in_each_clause_is_said_back_with_the_others(reader, questionnaire, text, expected):
    reading = reader.read(questionnaire["worries"], text)
    assert (sorted(reading.value), reading.certainty) == (sorted(expected), "check"), reading


def test_one_clause_keeps_its_single_reading(reader, questionnaire):
    reading = reader.read(questionnaire["worries"], "whos going to watch my kids while im there")
    assert reading.value == ["family_care"], reading



@pytest.mark.parametrize("text", ["i can no longer get out of bed most days",
                                  "yeah. ive wanted to die since no one talks to me anymore",
                                  "si, ya no puedo parar", "i cant stop anymore"])
def test_words_like_no_longer_inside_a_yes_do_not_say_it_is_over(text):
    from bot.text.replies import says_it_is_over

    assert not says_it_is_over(text)


@pytest.mark.parametrize(("qid", "text"), [
    ("harm_others", "not me, my brother is the one saying hes gonna shoot somebody"),
    ("seizure_history", "no, pero a mi papá sí le dio el delirium y se murió"),
])
def test_someone_elses_story_after_a_no_is_said_back_as_a_no(reader, questionnaire, qid, text):
    reading = reader.read(questionnaire[qid], text)
    assert (reading.value, reading.certainty) == ("no", "check"), reading


@pytest.mark.parametrize("text", ["no, but my wife says i talk about it when im drunk",
                                  "no pero mi esposa dice que hablo de eso cuando tomo", "my brother yes"])
def test_what_someone_else_says_about_the_person_is_not_their_own_story(text):
    from bot.text.replies import someone_elses_yes

    assert not someone_elses_yes(text)


@pytest.mark.parametrize(("qid", "text", "expected"), [
    ("substances", "birra, clona y porro boludo, las tres", ["alcohol", "benzodiazepines", "cannabis"]),
    ("worries", "q pierda su trabajo por faltar y cuanto va a costar", ["cost", "work_school"]),
    ("use_frequency", "diaro", "daily"),
])
def test_spanish_street_names_costs_and_a_typo(reader, questionnaire, qid, text, expected):
    value = reader.read(questionnaire[qid], text).value
    assert (sorted(value) if isinstance(value, list) else value) == expected


def test_the_replys_own_words_are_said_back_when_the_examples_cannot_tell(reader, questionnaire):
    reading = reader.read(questionnaire["suicidal_thoughts"],
                          "not that i know of, she seems ok mood wise its mostly the pills")
    assert (reading.value, reading.certainty) == ("no", "check"), reading


@pytest.mark.parametrize(("qid", "text"), [
    ("withdrawal", "i get the shakes but nothing else"),
    ("withdrawal", "nothing but the shakes"),
    ("withdrawal", "nothing major, little shaky"),
    ("withdrawal", "solo temblores, nada mas"),
    ("medical", "diabetes, nothing else"),
])
def test_words_that_limit_a_yes_do_not_make_it_a_no(reader, questionnaire, qid, text):
    assert reader.read(questionnaire[qid], text).value == "yes"


def test_a_limiter_alone_is_still_a_no(reader, questionnaire):
    assert reader.read(questionnaire["withdrawal"], "nothing else").value == "no"


def test_a_weak_no_the_examples_barely_share_is_said_back_not_stored(reader, questionnaire):
    reading = reader.read(questionnaire["seizure_history"], "not a seizure exactly, i blacked out and shook")
    assert reading.certainty == "check", reading


def test_a_clause_does_not_join_a_stable_home_to_a_named_risk(reader, questionnaire):
    reading = reader.read(questionnaire["home"], "my bf and i live together, he uses too")
    assert reading.value == ["someone_uses"], reading

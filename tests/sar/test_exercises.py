"""Round exercises: checked from the workspace, shown to participants and trainers, and
offered to certificates as the `sandbox_exercise` completion condition."""

import io

import pytest

from courses.completion import completion_conditions
from courses.services import enrol_participant
from sar.exercises import exercise_checks
from sar.selectors import assess_workspace
from sar.services import (
    add_ghg_activity,
    create_workspace,
    reset_workspace,
    save_section,
)
from tests.factories import RoundFactory, UserFactory

from .conftest import PROFILE_FORM, WASTE_FORM

pytestmark = pytest.mark.django_db


def save(workspace, section, values):
    save_section(workspace=workspace, section=section, values=values, notes={}, user=None)


def check(user, number):
    return exercise_checks([user.pk], [number])[(user.pk, number)]


def test_round_1_profile_and_waste(participant, workspace):
    first = check(participant, 1)
    assert not first.done
    assert "ENV-1" in first.summary
    save(workspace, "profile", PROFILE_FORM)
    save(workspace, "ENV", {**WASTE_FORM, "separating_households": ""})
    waiting = check(participant, 1)
    assert not waiting.done
    assert waiting.missing == ("ตัวชี้วัดที่ยังไม่มีค่า: ENV-4",)
    save(workspace, "ENV", WASTE_FORM)
    done = check(participant, 1)
    assert done.done
    assert done.workspace == workspace
    assert done.summary == "ทำแล้ว (พื้นที่ทำงานปี 2569)"


def test_round_2_water_wastewater_green(participant, workspace):
    save(workspace, "profile", PROFILE_FORM)
    save(workspace, "LIV", {"piped_water_households": "8280"})
    save(workspace, "HAP", {"public_green_area_rai": "95"})
    save(
        workspace, "ENV", {"water_supplied_m3_year": "1700000", "wastewater_treated_m3_day": "2600"}
    )
    assert check(participant, 2).missing == ("ตัวชี้วัดที่ยังไม่มีค่า: ENV-7",)
    save(
        workspace,
        "ENV",
        {
            "water_supplied_m3_year": "1700000",
            "wastewater_treated_m3_day": "2600",
            "green_area_rai": "1450",
        },
    )
    assert check(participant, 2).done


def test_round_3_inventory(participant, workspace):
    save(workspace, "profile", PROFILE_FORM)
    add_ghg_activity(
        workspace=workspace, ef_code="grid_electricity", quantity="52000000", user=None
    )
    missing = check(participant, 3).missing
    assert "ตัวชี้วัดที่ยังไม่มีค่า: ENV-8, ENV-9" in missing
    assert any("การขนส่ง" in item for item in missing)
    assert any("ของเสีย" in item for item in missing)
    add_ghg_activity(
        workspace=workspace, ef_code="diesel_mobile", quantity="4200000", month="1", user=None
    )
    add_ghg_activity(workspace=workspace, ef_code="wastewater_septic", quantity="380000", user=None)
    save(
        workspace,
        "GHG",
        {
            "ghg_inventory_status": "none",
            "base_year.year_be": "2565",
            "base_year.total_tco2e": "66000",
            "base_year.population": "24400",
        },
    )
    assert check(participant, 3).done


def test_round_4_needs_a_complete_assessment_with_a_level(participant):
    workspace = create_workspace(owner=participant, year_be=2569, start_from="sample")
    assert not check(participant, 4).done  # the sample city does not count
    assert check(participant, 4).workspace is None
    reset_workspace(workspace=workspace, start_from="empty", user=participant)
    save(workspace, "profile", PROFILE_FORM)
    save(workspace, "ENV", WASTE_FORM)
    assert "ความครบถ้วนของข้อมูลร้อยละ 22" in check(participant, 4).summary


def test_the_sample_city_does_not_count(participant, sample_workspace):
    assert all(not check(participant, number).done for number in (1, 2, 3, 4))
    assert check(participant, 1).summary.startswith("ยังไม่เริ่ม")


def test_any_own_workspace_may_hold_the_exercise(participant, workspace):
    other_year = create_workspace(owner=participant, year_be=2568)
    save(other_year, "profile", PROFILE_FORM)
    save(other_year, "ENV", WASTE_FORM)
    result = check(participant, 1)
    assert result.done
    assert result.workspace == other_year


def test_the_completion_condition_for_many_participants_in_bounded_queries(
    django_assert_max_num_queries,
):
    condition = completion_conditions()["sandbox_exercise"]
    rounds = [RoundFactory(number=n) for n in (1, 2, 3, 4)]
    users = [UserFactory() for _ in range(30)]
    for index, user in enumerate(users):
        workspace = create_workspace(owner=user, year_be=2569)
        save(workspace, "profile", PROFILE_FORM)
        if index % 2 == 0:
            save(workspace, "ENV", WASTE_FORM)
    with django_assert_max_num_queries(3):
        outcomes = condition.evaluate(user_ids=[u.pk for u in users], rounds=rounds, params={})
    assert len(outcomes) == 120
    for index, user in enumerate(users):
        assert outcomes[(user.pk, rounds[0].pk)].met == (index % 2 == 0)
        assert not outcomes[(user.pk, rounds[3].pk)].met
    assert "ENV-1" in outcomes[(users[1].pk, rounds[0].pk)].detail
    assert condition.label == "แบบฝึกหัดในระบบทดลอง SAR"
    assert "อปท." in condition.describe({})


def test_my_training_shows_the_exercise_and_opens_the_sandbox_there(
    client, participant, workspace, round_1, django_assert_max_num_queries
):
    round_2 = RoundFactory(number=2, programme=round_1.programme)
    enrol_participant(user=participant, round_=round_2)
    client.force_login(participant)
    # 13: assessments looks up the rounds' tests (one query; a second only if there are any).
    with django_assert_max_num_queries(13):
        html = client.get("/my-training/").content.decode()
    assert "แบบฝึกหัดระบบทดลอง SAR: ข้อมูลพื้นฐานของเมืองและตัวชี้วัดด้านขยะ" in html
    assert "แบบฝึกหัดระบบทดลอง SAR: น้ำ น้ำเสีย และพื้นที่สีเขียว" in html
    assert f'href="/sandbox/exercise/{round_1.pk}/"' in html
    page = client.get(f"/sandbox/exercise/{round_1.pk}/").content.decode()
    assert f'href="/sandbox/{workspace.pk}/edit/profile/"' in page
    assert f'href="/sandbox/{workspace.pk}/edit/ENV/"' in page
    save(workspace, "profile", PROFILE_FORM)
    save(workspace, "ENV", WASTE_FORM)
    html = client.get("/my-training/").content.decode()
    assert "progress-item--done" in html
    assert "ทำแล้ว (พื้นที่ทำงานปี 2569)" in html


def test_the_exercise_page_without_a_workspace_offers_to_open_one(client, participant, round_1):
    client.force_login(participant)
    url = f"/sandbox/exercise/{round_1.pk}/"
    html = client.get(url).content.decode()
    assert 'name="next"' in html
    response = client.post("/sandbox/new/", {"year_be": "2569", "start_from": "empty", "next": url})
    assert response["Location"] == url
    elsewhere = client.post(
        "/sandbox/new/", {"year_be": "2568", "start_from": "empty", "next": "https://evil.example/"}
    )
    assert elsewhere["Location"].startswith("/sandbox/")


def test_trainers_see_the_class_status(
    client, participant, workspace, round_1, trainer, django_assert_max_num_queries
):
    others = [UserFactory() for _ in range(5)]
    for user in others:
        enrol_participant(user=user, round_=round_1)
    save(workspace, "profile", PROFILE_FORM)
    save(workspace, "ENV", WASTE_FORM)
    client.force_login(trainer)
    # Constant: session, user, round, access, enrolments, 3 for the workspaces, site chrome.
    with django_assert_max_num_queries(14):
        html = client.get(f"/sandbox/class/{round_1.pk}/").content.decode()
    assert "ทำแล้ว 1 จาก 6 คน" in html
    assert participant.full_name_th in html
    assert f'href="/sandbox/{workspace.pk}/"' in html
    assert html.count("ยังไม่เริ่ม") == 5
    home = client.get("/sandbox/").content.decode()
    assert f'href="/sandbox/class/{round_1.pk}/"' in home


def test_seed_demo_gives_the_demo_participant_a_sample_workspace(demo_site):
    from django.core.management import call_command

    from accounts.models import User
    from sar.models import Workspace

    participant = User.objects.get(email="participant@example.com")
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    [workspace] = Workspace.objects.owned_by(participant)
    assert workspace.contains_sample
    assert assess_workspace(workspace).level.code == "basic"


def test_the_save_that_finishes_an_exercise_leads_back_to_my_training(
    client, participant, workspace, round_1
):
    client.force_login(participant)
    url = f"/sandbox/{workspace.pk}/edit/"
    exercise_url = f"/sandbox/exercise/{round_1.pk}/"
    assert "กลับไปที่การอบรมของฉัน" not in client.get(exercise_url).content.decode()
    client.post(url + "profile/", PROFILE_FORM)
    page = client.post(url + "ENV/", WASTE_FORM, follow=True).content.decode()
    assert "ทำแบบฝึกหัดครั้งที่ 1 แล้ว: ข้อมูลพื้นฐานของเมืองและตัวชี้วัดด้านขยะ" in page
    assert '<a href="/my-training/">กลับไปที่การอบรมของฉัน</a>' in page
    again = client.post(url + "ENV/", WASTE_FORM, follow=True).content.decode()
    assert "ทำแบบฝึกหัดครั้งที่ 1 แล้ว" not in again  # said once, when it happened
    exercise = client.get(exercise_url).content.decode()
    assert 'class="button" href="/my-training/">กลับไปที่การอบรมของฉัน</a>' in exercise


def test_the_activity_that_finishes_the_inventory_exercise_says_so(client, participant, workspace):
    client.force_login(participant)
    save(workspace, "profile", PROFILE_FORM)
    save(
        workspace,
        "GHG",
        {
            "ghg_inventory_status": "none",
            "base_year.year_be": "2565",
            "base_year.total_tco2e": "66000",
            "base_year.population": "24400",
        },
    )
    url = f"/sandbox/{workspace.pk}/ghg/activities/"
    first = client.post(url, {"ef": "grid_electricity", "quantity": "52000000"}, follow=True)
    assert "ทำแบบฝึกหัดครั้งที่ 3" not in first.content.decode()
    client.post(url, {"ef": "diesel_mobile", "quantity": "4200000"})
    last = client.post(url, {"ef": "msw_sanitary_landfill", "quantity": "5600"}, follow=True)
    assert "ทำแบบฝึกหัดครั้งที่ 3 แล้ว: บัญชีก๊าซเรือนกระจก" in last.content.decode()


def test_a_sample_city_workspace_finishes_no_exercise(client, participant, sample_workspace):
    client.force_login(participant)
    page = client.post(
        f"/sandbox/{sample_workspace.pk}/edit/ENV/", WASTE_FORM, follow=True
    ).content.decode()
    assert "บันทึกแล้ว" in page
    assert "ทำแบบฝึกหัดครั้งที่" not in page

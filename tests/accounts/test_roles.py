"""Roles are set in Wagtail's user screens by DLA administrators, and every change is audited."""

import pytest
from wagtail.models import ModelLogEntry

from accounts.models import Role
from accounts.services import AccountError, change_role
from tests.factories import UserFactory


@pytest.fixture
def dla_admin(db):
    return UserFactory(
        role=Role.DLA_ADMIN, is_staff=True, is_superuser=True, organisation=None, email="dla@x.th"
    )


def edit_data(user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "password1": "",
        "password2": "",
        "is_active": "on",
        "role": user.role,
        "coordinated_province_code": user.coordinated_province_code,
    }
    data.update(changes)
    return data


def test_a_dla_administrator_makes_someone_coordinator_of_a_province_in_the_admin(
    client, dla_admin
):
    person = UserFactory()
    client.force_login(dla_admin)
    page = client.get(f"/admin/users/edit/{person.pk}/")
    assert page.status_code == 200
    assert 'name="coordinated_province_code"' in page.content.decode()

    response = client.post(
        f"/admin/users/edit/{person.pk}/",
        edit_data(person, role=Role.PROVINCIAL_COORDINATOR, coordinated_province_code="50"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert (person.role, person.coordinated_province_code) == ("provincial_coordinator", "50")
    entry = ModelLogEntry.objects.get(action="esc.accounts.role_changed")
    assert entry.user_id == dla_admin.pk
    assert entry.data["role_before"] == "participant"
    assert entry.data["province"] == "50"

    history = client.get("/admin/reports/site-history/").content.decode()
    assert "เปลี่ยนบทบาท" in history
    assert "ผู้ประสานงานจังหวัด (เชียงใหม่)" in history


def test_a_coordinator_without_a_province_is_refused_with_a_thai_message(client, dla_admin):
    person = UserFactory()
    client.force_login(dla_admin)
    response = client.post(
        f"/admin/users/edit/{person.pk}/",
        edit_data(person, role=Role.PROVINCIAL_COORDINATOR, coordinated_province_code=""),
    )
    assert response.status_code == 200
    assert "เลือกจังหวัดที่ผู้ประสานงานจังหวัดรับผิดชอบ" in response.content.decode()
    person.refresh_from_db()
    assert person.role == Role.PARTICIPANT
    assert not ModelLogEntry.objects.filter(action="esc.accounts.role_changed").exists()


def test_saving_a_user_without_changing_the_role_records_no_role_change(client, dla_admin):
    person = UserFactory(role=Role.TRAINER, is_staff=True)
    client.force_login(dla_admin)
    response = client.post(f"/admin/users/edit/{person.pk}/", edit_data(person, first_name="สมหญิง"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.first_name == "สมหญิง"
    assert person.role == Role.TRAINER
    assert not ModelLogEntry.objects.filter(action="esc.accounts.role_changed").exists()


def test_staff_who_are_not_dla_administrators_cannot_change_a_role(client, dla_admin):
    from django.contrib.auth.models import Permission

    editor = UserFactory(role=Role.TRAINER, is_staff=True, organisation=None)
    editor.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_user"),
    )
    person = UserFactory()
    client.force_login(editor)
    response = client.post(
        f"/admin/users/edit/{person.pk}/",
        edit_data(person, role=Role.DLA_ADMIN, first_name="แก้ชื่อได้"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.first_name == "แก้ชื่อได้"
    assert person.role == Role.PARTICIPANT


def test_change_role_clears_the_province_of_non_coordinators_and_checks_codes(dla_admin):
    person = UserFactory(role=Role.PROVINCIAL_COORDINATOR, coordinated_province_code="50")
    assert change_role(
        user=person, role=Role.TRAINER, coordinated_province_code="50", changed_by=dla_admin
    )
    person.refresh_from_db()
    assert (person.role, person.coordinated_province_code) == ("trainer", "")
    assert not change_role(user=person, role=Role.TRAINER, changed_by=dla_admin)
    for role, province, code in [
        ("king", "", "unknown_role"),
        (Role.PROVINCIAL_COORDINATOR, "", "province_required"),
        (Role.PROVINCIAL_COORDINATOR, "99", "unknown_province"),
    ]:
        with pytest.raises(AccountError) as error:
            change_role(
                user=person, role=role, coordinated_province_code=province, changed_by=dla_admin
            )
        assert error.value.code == code
    assert ModelLogEntry.objects.filter(action="esc.accounts.role_changed").count() == 1

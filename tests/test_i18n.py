"""The Japanese interface: each user's language, Japanese dates, emails in the recipient's language, and a
translation for every project string (the .po complete and in step with the code)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from commitments import services
from commitments.models import Commitment, Notification, NotificationKind, NotificationPreference
from commitments.notifications.emails import render_notification
from commitments.workflow import Status

from .admin_helpers import change_url, login
from .conftest import DAY_AFTER_MEETING, EARLY_2001, require

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po"
# One of the Brunei commitments, not started, due "within the year": 31 December 2000.
IRKUTSK = "Send the Minister for Foreign Affairs to Russia within the year"


@pytest.fixture(autouse=True)
def _english_afterwards() -> Any:
    """A request through the test client leaves its language active in this thread (LocaleMiddleware does
    not undo it); code the next test calls directly (services, imports) must not find Japanese active."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _choose(user: Any, language: str) -> None:
    NotificationPreference.objects.update_or_create(user=user, defaults={"language": language})


def _page(client: Client, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def irkutsk(staff: dict[str, Any], frozen: Any) -> Commitment:
    commitment = Commitment.objects.get(title=IRKUTSK)
    assert (commitment.status, str(commitment.due_by)) == (Status.NOT_STARTED, "2000-12-31")
    return commitment


# -- the pages ----------------------------------------------------------------------------------------------


def test_a_user_who_chose_japanese_sees_the_dashboard_list_and_commitment_page_in_japanese(
    client: Client, staff: dict[str, Any], irkutsk: Commitment
) -> None:
    _choose(staff["officer"], "ja")
    login(client, staff["officer"])  # the choice is read at login, into the session

    # Even a browser that asks for English: the user's own choice wins.
    dashboard = _page(client, "/admin/", **{"Accept-Language": "en"})
    assert '<html lang="ja"' in dashboard
    for words in ("担当の約束", "期限超過", "7日以内に期限", "最近の状況変更", "通知", "設定"):
        assert words in dashboard, words
    assert "My commitments" not in dashboard

    listing = _page(client, reverse("admin:commitments_commitment_changelist"))
    for header in ("状況", "緊急度", "最終更新", "期限", "会談"):
        assert f">{header}</a>" in listing or f">{header}</span>" in listing, header
    assert ">未着手</span>" in listing
    assert "2000年12月31日まで" in listing  # the deadline's window, in the Japanese date form
    assert "期限まで45日" in listing  # urgency words: 16 Nov to 31 Dec 2000

    page = _page(client, change_url(irkutsk))
    assert 'id="pb-status">未着手</span>' in page
    assert "2000年12月31日" in page
    assert "31 Dec 2000" not in page
    for words in ("状況を変更", "経過", "この約束の変更履歴", "期限："):
        assert words in page, words


def test_english_users_keep_the_english_pages(client: Client, staff: dict[str, Any], irkutsk: Commitment) -> None:
    login(client, staff["officer"])
    page = _page(client, change_url(irkutsk))
    assert 'id="pb-status">Not started</span>' in page
    assert "by 31 Dec 2000" in page
    assert "未着手" not in page
    listing = _page(client, reverse("admin:commitments_commitment_changelist"))
    assert "due in 45 days" in listing


def test_a_user_with_no_choice_gets_the_browsers_language_then_the_default(
    client: Client, staff: dict[str, Any], irkutsk: Commitment
) -> None:
    login(client, staff["officer"])
    page = _page(client, change_url(irkutsk), **{"Accept-Language": "ja,en;q=0.5"})
    assert 'id="pb-status">未着手</span>' in page
    # A language the interface does not speak falls back to LANGUAGE_CODE, English.
    page = _page(client, change_url(irkutsk), **{"Accept-Language": "de"})
    assert 'id="pb-status">Not started</span>' in page


def test_choosing_a_language_in_preferences_switches_at_once_and_is_kept(client: Client, staff: dict[str, Any]) -> None:
    officer = staff["officer"]
    login(client, officer)
    preference, _ = NotificationPreference.objects.get_or_create(user=officer)
    form = _page(client, reverse("admin:commitments_notificationpreference_change", args=[preference.pk]))
    assert '<option value="ja">日本語</option>' in form
    response = client.post(
        reverse("admin:commitments_notificationpreference_change", args=[preference.pk]),
        {"kinds": ["overdue"], "email_enabled": "on", "mode": "immediate", "digest_hour": 8, "language": "ja"},
    )
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=officer).language == "ja"
    assert "設定を保存しました。" in _page(client, response["Location"])
    # And back to following the browser.
    client.post(
        reverse("admin:commitments_notificationpreference_change", args=[preference.pk]),
        {"kinds": ["overdue"], "email_enabled": "on", "mode": "immediate", "digest_hour": 8, "language": ""},
    )
    assert "My commitments" in _page(client, "/admin/")


def test_japanese_dates_keep_iso_input() -> None:
    from config.formats.ja import formats

    assert formats.DATE_FORMAT == "Y年n月j日"
    assert formats.DATE_INPUT_FORMATS[0] == "%Y-%m-%d"
    with translation.override("ja"):
        from django import forms

        assert forms.DateField().clean("2000-12-31").isoformat() == "2000-12-31"
        assert forms.DateField().clean("2000年12月31日").isoformat() == "2000-12-31"


# -- emails -------------------------------------------------------------------------------------------------


def test_an_email_goes_out_in_each_recipients_language(staff: dict[str, Any], irkutsk: Commitment) -> None:
    japanese, english = staff["officer"], staff["supervisor"]
    _choose(japanese, "ja")
    _choose(english, "")
    message = "Overdue by 5 days: " + irkutsk.title
    notes = [
        Notification.objects.create(
            commitment=irkutsk,
            recipient=user,
            kind=NotificationKind.OVERDUE,
            occasion="x",
            message=message,
            created_at=EARLY_2001,
        )
        for user in (japanese, english)
    ]
    # Rendered inside an English request or task: the recipient's language decides, not the sender's.
    with translation.override("en-gb"):
        ja_email, en_email = (render_notification(n, EARLY_2001) for n in notes)

    assert ja_email.subject == f"[Pledgebook] 期限超過：「{IRKUTSK}」"
    ja_text, ja_html = ja_email.body, ja_email.alternatives[0][0]
    for part in (ja_text, ja_html):
        assert "未着手" in part  # the status
        assert "2000年12月31日まで" in part  # the deadline
        assert "期限超過" in part
        assert "Not started" not in part
        assert "Deadline" not in part
    assert "5日" in ja_text
    assert "様" in ja_text
    assert '<html lang="ja">' in ja_html

    assert en_email.subject == f"[Pledgebook] {message}"
    assert "Status:     Not started" in en_email.body
    assert "by 31 Dec 2000" in en_email.body
    assert "Overdue by: 5 days" in en_email.body
    assert "Not started" in en_email.alternatives[0][0]
    assert "未着手" not in en_email.body + en_email.alternatives[0][0]
    assert mail.outbox == []  # rendered, not sent
    # The stored message stays as written, whoever reads it.
    assert Notification.objects.filter(message=message).count() == 2


def test_a_status_change_by_a_japanese_user_is_stored_in_english_for_everyone(
    client: Client, staff: dict[str, Any], irkutsk: Commitment
) -> None:
    from commitments.services import commitment_transition

    irkutsk.watchers.add(staff["officer"])
    with translation.override("ja"):
        commitment_transition(
            commitment_id=irkutsk.pk, to_status=Status.IN_PROGRESS, by=staff["supervisor"], now=DAY_AFTER_MEETING
        )
    stored = list(Notification.objects.filter(kind=NotificationKind.STATUS_CHANGED).values_list("message", flat=True))
    assert stored
    assert all("Not started → In progress" in m for m in stored)


def test_a_deadline_moved_by_a_japanese_user_is_stored_in_english_for_everyone(
    staff: dict[str, Any], irkutsk: Commitment
) -> None:
    """The notification's message and the history's reason are stored once, in LANGUAGE_CODE: the change's
    class by its English name, the new date in the English form (5 Mar 2001: no strftime "%-d", glibc's
    only)."""
    from commitments.services import deadline_move

    irkutsk.watchers.add(staff["officer"])
    with translation.override("ja"):
        deadline_move(
            commitment_id=irkutsk.pk,
            new_due_by=date(2001, 3, 5),
            new_due_from=None,
            reason="Agreed in Moscow.",
            change_class="postponed",
            by=staff["supervisor"],
            now=DAY_AFTER_MEETING,
        )
    stored = list(Notification.objects.filter(kind=NotificationKind.DEADLINE_MOVED).values_list("message", flat=True))
    assert stored
    assert all(m.endswith(f"moved the deadline of “{IRKUTSK}” to 5 Mar 2001") for m in stored)
    reasons = [r for r in irkutsk.history.values_list("history_change_reason", flat=True) if r]
    assert "Deadline postponed by mutual agreement: Agreed in Moscow." in reasons


def test_languages_are_named_in_one_place_each(client: Client, staff: dict[str, Any], irkutsk: Commitment) -> None:
    """The interface's languages are settings.LANGUAGES, named in themselves (Preferences offers those); a
    record's language is named in the reader's (summits.models.RECORD_LANGUAGES), as the quote pair's headings."""
    from commitments.models import NotificationPreference as Preference

    assert Preference._meta.get_field("language").choices[1:] == settings.LANGUAGES
    Commitment.objects.filter(pk=irkutsk.pk).update(
        quote_other="年内にロシアを訪問する", quote_other_language="ja", title_other="ロシア訪問"
    )
    login(client, staff["officer"])
    english = _page(client, change_url(irkutsk), **{"Accept-Language": "en"})
    assert "<h3>English</h3>" in english
    assert "<h3>Japanese</h3>" in english
    japanese = _page(client, change_url(irkutsk), **{"Accept-Language": "ja"})
    assert "<h3>英語</h3>" in japanese
    assert "<h3>日本語</h3>" in japanese


# -- the translation is complete and up to date --------------------------------------------------------------


def _entries(po: polib.POFile) -> dict[tuple[str, str, str], polib.POEntry]:
    return {(e.msgctxt or "", e.msgid, e.msgid_plural or ""): e for e in po if not e.obsolete and e.msgid}


def test_every_project_string_has_a_japanese_translation() -> None:
    po = polib.pofile(str(PO))
    assert po.metadata["Language"] == "ja"
    entries = _entries(po)
    assert len(entries) > 150
    missing = [
        key
        for key, e in entries.items()
        if "fuzzy" in e.flags
        or (not e.msgstr if not e.msgid_plural else not all(e.msgstr_plural.get(i) for i in range(1)))
    ]
    assert missing == []
    # Placeholders survive translation: a lost %(days)s would show a raw number nowhere.
    import re

    placeholder = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")
    for e in entries.values():
        translated = e.msgstr_plural[0] if e.msgid_plural else e.msgstr
        assert sorted(set(placeholder.findall(translated))) == sorted(set(placeholder.findall(e.msgid))), e.msgid


def test_the_committed_translation_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    """makemessages over a copy of the project finds nothing new.

    A copy, not the checkout: makemessages writes into the `locale` folder of the directory it runs in, and
    a test must never rewrite the repository's files."""
    require(shutil.which("xgettext") is not None, "makemessages needs GNU gettext's xgettext (apt-get install gettext)")
    root = Path(settings.BASE_DIR)
    project = tmp_path / "project"
    skip = shutil.ignore_patterns("__pycache__", "*.mo", "*.pyc")
    for name in ("commitments", "summits", "common", "config", "templates", "locale"):
        shutil.copytree(root / name, project / name, ignore=skip)
    shutil.copy2(root / "manage.py", project / "manage.py")
    copy = project / "locale"
    script = (
        "import django, os, sys;"
        "os.environ['DJANGO_SETTINGS_MODULE']='config.settings.test';"
        f"from django.conf import settings; django.setup();"
        "from django.core.management import call_command;"
        f"settings.LOCALE_PATHS=[{str(copy)!r}];"
        "call_command('makemessages', locale=['ja'], no_location=True, verbosity=0,"
        "ignore_patterns=['.venv', 'var', 'bench', 'tests', 'build'])"
    )
    before = PO.read_bytes()
    subprocess.run([sys.executable, "-c", script], cwd=project, check=True)
    assert PO.read_bytes() == before  # the checkout's catalogue untouched
    fresh = _entries(polib.pofile(str(copy / "ja" / "LC_MESSAGES" / "django.po")))
    committed = _entries(polib.pofile(str(PO)))
    assert sorted(set(fresh) - set(committed)) == []
    assert sorted(set(committed) - set(fresh)) == []  # no translation kept for a string the code dropped


# -- the rest of the commitment page ---------------------------------------------------------------------------


def test_the_commitment_pages_forms_activity_and_refusals_read_in_japanese(
    client: Client, staff: dict[str, Any], irkutsk: Commitment
) -> None:
    _choose(staff["officer"], "ja")
    login(client, staff["officer"])
    page = _page(client, change_url(irkutsk))
    for words in ("新しい状況", "本日でない場合、実際に生じた日。", "発生日", "新しい進捗"):
        assert words in page, words
    # The activity stream: recorded by the import, in Japanese words.
    assert "未着手として記録" in page
    assert "システム" in page
    assert "the system" not in page
    # What the panel does not offer an officer, and why.
    assert "期限を変更できるのはRussian Federation Divisionの上席だけです。" in page
    assert "only a supervisor" not in page

    # A tampered status: refused in whole Japanese sentences, naming what may be chosen.
    response = client.post(
        f"/admin/commitments/commitment/{irkutsk.pk}/transition/",
        {"to_status": "abandoned_by_all", "version": irkutsk.version, "note": ""},
        follow=True,
    )
    refused = response.content.decode()
    assert "「abandoned_by_all」は状況ではないため選べません。未着手から選べるのは" in refused
    assert "cannot be chosen now" not in refused

    # A status change recorded, then read back in the activity stream in Japanese.
    response = client.post(
        f"/admin/commitments/commitment/{irkutsk.pk}/transition/",
        {"to_status": "in_progress", "version": irkutsk.version, "note": "着手した"},
        follow=True,
    )
    done = response.content.decode()
    assert f"「{IRKUTSK}」を進行中にしました。" in done
    assert "未着手 → 進行中" in done
    assert "is now" not in done


def test_the_lists_filters_actions_and_their_pages_read_in_japanese(
    client: Client, staff: dict[str, Any], irkutsk: Commitment
) -> None:
    _choose(staff["officer"], "ja")
    login(client, staff["officer"])
    listing = reverse("admin:commitments_commitment_changelist")
    page = _page(client, listing)
    for words in ("未完了・完了", "要対応", "停滞（長期間更新なし）", "7日以内に期限", "自分の担当（担当者）"):
        assert words in page, words
    for words in ("自分を担当者にする", "状況を変更（メモ付き）…", "JSONで書き出す"):
        assert f">{words}</option>" in page, words
    assert "needs attention" not in page
    # The page's own buttons, and each row's title and status.
    for words in ("CSVから取り込む", "履行状況報告", "会談前の説明資料", ">件名<", ">未着手<"):
        assert words in page, words
    assert "Import CSV" not in page

    confirm = client.post(listing, {"action": "bulk_transition", "_selected_action": [irkutsk.pk]})
    text = confirm.content.decode()
    assert "それぞれの約束のページと同じ手順で処理されます" in text
    assert 'value="状況を変更"' in text
    assert "新しい状況" in text
    done = client.post(
        listing,
        {"action": "bulk_transition", "_selected_action": [irkutsk.pk], "apply": "1", "to_status": "in_progress"},
        follow=True,
    )
    assert "1件の約束を進行中にしました。" in done.content.decode()

    upload = _page(client, reverse("admin:commitments_commitment_csv_import"))
    assert "確認して取り込む" in upload
    assert "Check and import" not in upload


def test_model_and_field_names_read_in_japanese_on_the_index_and_the_forms(
    client: Client, staff: dict[str, Any], irkutsk: Commitment
) -> None:
    _choose(staff["officer"], "ja")
    login(client, staff["officer"])
    index = _page(client, reverse("admin:index"))
    assert ">約束</a>" in index
    assert ">会談</a>" in index
    assert "Meetings" not in index

    form = _page(client, change_url(irkutsk))
    for label in ("件名", "担当者", "注視者", "期限の表現", "前提となる約束"):
        assert f">{label}：</label>" in form or f">{label}:</label>" in form, label
    assert "Due phrase" not in form

    summit = _page(client, reverse("admin:summits_summit_change", args=[irkutsk.summit_id]))
    assert "開始日時" in summit
    assert "首脳会談" in summit  # the meeting's kind


def test_field_names_stay_english_for_english_readers(
    client: Client, staff: dict[str, Any], irkutsk: Commitment
) -> None:
    login(client, staff["officer"])
    form = _page(client, change_url(irkutsk))
    assert ">Due phrase:</label>" in form
    assert ">Watchers:</label>" in form
    assert "件名" not in form


# -- the other pages -----------------------------------------------------------------------------------------


def test_the_report_the_brief_and_the_history_read_in_japanese(
    client: Client, staff: dict[str, Any], irkutsk: Commitment
) -> None:
    _choose(staff["officer"], "ja")
    login(client, staff["officer"])
    report = _page(client, reverse("admin:commitments_commitment_report") + f"?summit={irkutsk.summit_id}")
    for words in ("履行状況報告", "国・機関別", "担当課別", "評価対象", "当初の期限内", "国・機関別の状況"):
        assert words in report, words
    whole = _page(client, reverse("admin:commitments_commitment_report"))
    assert "会談別（新しい順）" in whole  # the summits' table, on the whole report only
    assert "<th>国・機関</th>" in report  # the first column, named per table, not cut from the heading
    assert "会談ごとの時系列と評価" in report
    assert "破線：本日" in report  # the timeline's caption
    assert "約束" in report
    assert "Score" not in report
    assert "By party" not in report

    brief = _page(client, reverse("admin:commitments_commitment_brief") + "?party=RUS")
    for words in ("が共に約束したこと", "期限超過と残り日数は各担当課の時間帯で数えます", "印刷", "最終更新"):
        assert words in brief, words
    assert 'data-label="担当者"' in brief  # the phone layout's labels
    assert "Nothing open." not in brief
    assert "What " not in brief

    history = _page(client, reverse("admin:commitments_commitment_history", args=[irkutsk.pk]))
    for words in ("変更者", "変更内容", "件"):
        assert words in history, words
    assert "Changed by" not in history
    # The title and the action column, which django-simple-history words without a Japanese catalogue.
    assert f"<title>変更履歴：{IRKUTSK} |" in history
    assert f"<h1>変更履歴：{IRKUTSK}</h1>" in history
    assert '<td class="pb-h-action">作成</td>' in history
    assert "View history" not in history
    assert ">Created<" not in history
    past = irkutsk.history.earliest("history_date")
    version = _page(client, reverse("admin:commitments_commitment_simple_history", args=[irkutsk.pk, past.pk]))
    assert f"<h1>{IRKUTSK}（過去の版）</h1>" in version


def test_the_brief_names_the_system_in_the_readers_language(
    client: Client, staff: dict[str, Any], irkutsk: Commitment
) -> None:
    """A change no person made (an import, a task) is "the system" to each reader; the API keeps the word."""
    services.commitment_transition(
        commitment_id=irkutsk.pk, to_status=Status.IN_PROGRESS, by=None, now=DAY_AFTER_MEETING, note="Imported."
    )
    _choose(staff["officer"], "ja")
    login(client, staff["officer"])
    brief = _page(client, reverse("admin:commitments_commitment_brief") + "?party=RUS")
    assert "· システム<br>" in brief
    assert "the system" not in brief
    english = Client()
    login(english, staff["supervisor"])
    assert "· the system<br>" in _page(english, reverse("admin:commitments_commitment_brief") + "?party=RUS")


def test_the_error_pages_notifications_and_preferences_read_in_japanese(client: Client, staff: dict[str, Any]) -> None:
    officer = staff["officer"]
    _choose(officer, "ja")
    login(client, officer)
    missing = client.get("/admin/commitments/commitment/999999/change/")
    text = missing.content.decode()
    assert missing.status_code == 404
    assert '<html lang="ja">' in text
    assert "ページが見つかりません" in text
    assert "ID「999999」の約束はありません。" in text
    assert "Nothing here" not in text

    Notification.objects.create(
        commitment=Commitment.objects.get(title=IRKUTSK),
        recipient=officer,
        kind=NotificationKind.OVERDUE,
        occasion="x",
        message="Overdue by 5 days: " + IRKUTSK,
        note="まだ",
        created_at=EARLY_2001,
    )
    notifications = _page(client, reverse("admin:commitments_notification_changelist"))
    assert "すべて既読にする" in notifications
    assert "自分宛ての通知" in notifications
    assert f"期限超過：「{IRKUTSK}」" in notifications  # the kind and title, not the stored English line
    assert "メモ：まだ" in notifications
    assert ">Overdue by 5 days" not in notifications  # (the checkbox label still names the stored line)
    preference = NotificationPreference.objects.get(user=officer)
    form = _page(client, reverse("admin:commitments_notificationpreference_change", args=[preference.pk]))
    assert "<h2>カレンダー</h2>" in form
    assert "カレンダーのアドレスを作成" in form
    assert "まとめの時刻" in form  # a model field's label


def test_the_english_error_page_keeps_its_english_words(client: Client, staff: dict[str, Any]) -> None:
    login(client, staff["officer"])
    text = client.get("/admin/commitments/commitment/999999/history/nowhere/").content.decode()
    assert '<html lang="en">' in text
    assert "<h1>Nothing here</h1>" in text


def test_a_digest_reads_in_its_recipients_language(staff: dict[str, Any], irkutsk: Commitment) -> None:
    from commitments.models import Digest
    from commitments.notifications.emails import render_digest

    officer = staff["officer"]
    note = Notification.objects.create(
        commitment=irkutsk,
        recipient=officer,
        kind=NotificationKind.OVERDUE,
        occasion="x",
        message="Overdue by 5 days: " + irkutsk.title,
        created_at=EARLY_2001,
    )
    digest = Digest.objects.create(recipient=officer, local_date=EARLY_2001.date(), next_attempt_at=EARLY_2001)

    _choose(officer, "ja")
    ja = render_digest(digest, [note], EARLY_2001)
    text, html = ja.body, ja.alternatives[0][0]
    assert '<html lang="ja">' in html
    for part in (text, html):
        assert f"期限超過：「{IRKUTSK}」" in part  # the item's line: kind and title, not the stored English
        assert "Overdue by 5 days" not in part
        assert "のまとめ：1件" in part
    # The deadline's window in words, as every page writes it (deadlines.window_words).
    assert "状況：未着手、期限「within the year」（2000年12月31日まで）、期限超過" in text

    _choose(officer, "")
    en = render_digest(Digest.objects.get(pk=digest.pk), [note], EARLY_2001)  # the recipient's choice read afresh
    assert "Your Pledgebook digest for 5 January 2001: 1 item." in en.body
    assert f"1. Overdue by 5 days: {IRKUTSK}" in en.body
    assert 'Status: Not started; deadline "within the year", by 31 Dec 2000; overdue by' in en.body


# -- the API's errors ----------------------------------------------------------------------------------------


def _api(user: Any) -> Any:
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_apis_errors_follow_the_requesters_accept_language(staff: dict[str, Any], irkutsk: Commitment) -> None:
    client = _api(staff["officer"])
    url = f"/api/v1/commitments/{irkutsk.pk}/transitions/"
    refused = client.post(url, {"to": "draft"}, format="json", HTTP_IF_MATCH='"1"', HTTP_ACCEPT_LANGUAGE="ja")
    error = refused.json()["error"]
    assert refused.status_code == 409
    assert error["code"] == "transition_not_allowed"  # codes stay as they are, for programs
    assert error["message"].startswith("未着手の約束を草案にすることはできません。次に選べる状況：進行中、")

    closing = client.post(url, {"to": "fulfilled"}, format="json", HTTP_IF_MATCH='"1"', HTTP_ACCEPT_LANGUAGE="ja")
    assert closing.json()["error"]["fields"]["note"] == ["履行として完了するには、メモまたは根拠URLが必要です。"]

    stale = client.post(url, {"to": "in_progress"}, format="json", HTTP_IF_MATCH='"9"', HTTP_ACCEPT_LANGUAGE="ja")
    assert stale.status_code == 412
    assert "開いた版は9、現在の版は1" in stale.json()["error"]["message"]

    nowhere = client.get("/api/v1/nowhere/", HTTP_ACCEPT_LANGUAGE="ja")
    assert nowhere.json()["error"]["message"].startswith("APIに /api/v1/nowhere/ というアドレスはありません。")

    english = client.post(url, {"to": "draft"}, format="json", HTTP_IF_MATCH='"1"', HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["error"]["message"].startswith("A commitment that is Not started cannot become Draft.")


def test_a_refused_csv_import_is_explained_in_japanese(client: Client, staff: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    _choose(staff["officer"], "ja")
    login(client, staff["officer"])
    upload = SimpleUploadedFile("c.csv", b"title,summit\nx,1\n", content_type="text/csv")
    page = client.post(reverse("admin:commitments_commitment_csv_import"), {"file": upload}).content.decode()
    assert "何も取り込んでいません：" in page
    assert "1行目：見出し行に列" in page
    assert "the header lacks" not in page


def test_the_import_and_review_pages_read_in_japanese(client: Client, demo: Any, officer: Any) -> None:
    from summits.models import Summit

    summit = Summit.objects.get()
    client.force_login(officer)
    japanese = {"HTTP_ACCEPT_LANGUAGE": "ja"}
    review = client.get(f"/admin/summits/summit/{summit.pk}/review/", **japanese).content.decode()
    assert "草案の確認" in review
    assert "記録" in review
    assert "Review drafts" not in review
    page = client.get("/admin/summits/summit/import/", **japanese).content.decode()
    assert "会談記録の取込み" in page
    assert "取り込んで確認" in page
    assert "Paste the record" not in page
    english = client.get("/admin/summits/summit/import/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Import a meeting record" in english
    assert "Paste the record" in english


def test_an_import_refused_by_the_importer_is_explained_in_japanese(
    client: Client, demo: Any, officer: Any, rf_desk: Any
) -> None:
    client.force_login(officer)
    text = "The two ministers met and agreed to meet again. Japan and the United States will cooperate."
    refused = client.post(
        "/admin/summits/summit/import/", {"text": text, "desk": rf_desk.pk}, HTTP_ACCEPT_LANGUAGE="ja"
    ).content.decode()
    assert "記録に会談の日付がありません" in refused
    english = client.post(
        "/admin/summits/summit/import/", {"text": text, "desk": rf_desk.pk}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "The record does not say on what day the meeting took place" in english


def test_a_meeting_is_named_with_its_day_in_the_readers_format(demo: Any) -> None:
    from summits.models import Summit

    summit = Summit.objects.get()
    assert str(summit).endswith("(15 Nov 2000)")
    with translation.override("ja"):
        assert str(summit).endswith("(2000年11月15日)")

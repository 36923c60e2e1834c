"""The sweep on the Brunei demo, frozen at named moments: flags, reminders, recipients, exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from commitments import policy, services
from commitments.demo import demo_load
from commitments.models import Commitment, Delivery, Desk, DeskMembership, Notification, SweepRun
from commitments.sweep import sweep_last_finished, sweep_late, sweep_run
from summits.models import Summit

from .conftest import CHRISTMAS_2000, DAY_AFTER_MEETING, EARLY_2001, MARCH_2001
from .factories import SummitFactory, UserFactory, make_commitment

pytestmark = pytest.mark.django_db

FM_VISIT = "Send the Minister for Foreign Affairs to Russia within the year"
PROGRESS = "Substantial progress in Peace Treaty negotiations by the end of the year"
IRKUTSK = "Prime Minister Mori visits Irkutsk within the year (if the Peace Treaty advances)"
VISIT_READY = "Prime Minister Mori visits Russia within the year if the negotiations progress"
QUARTER_CENTURY_ON = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


@pytest.fixture
def brunei(db: Any) -> Summit:
    """The demo with its users: officer owns every commitment, supervisor watches and supervises."""
    return demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused").summit


def _sent(now: Any) -> set[tuple[str, str, str]]:
    sweep_run(now=now)
    return {
        (n.kind, n.recipient.username, n.commitment.title)
        for n in Notification.objects.select_related("recipient", "commitment")
    }


def _of_kind(rows: set[tuple[str, str, str]], kind: str) -> set[tuple[str, str]]:
    return {(who, title) for k, who, title in rows if k == kind}


def test_reminders_are_stored_in_english_with_english_dates_and_grouped_days_whoever_sweeps(brunei: Summit) -> None:
    """A message is stored once for every reader, in LANGUAGE_CODE: a sweep run while Japanese is active (a
    request, a worker) writes the same words, its date from the English formats (no strftime, whose "%-d" is
    glibc's only) and a count of days grouped in thousands."""
    with translation.override("ja"):
        sweep_run(now=CHRISTMAS_2000)
        sweep_run(now=QUARTER_CENTURY_ON)
    due_soon = Notification.objects.filter(kind="due_soon", commitment__title=FM_VISIT).first()
    assert due_soon is not None
    assert due_soon.message == f"Due in 6 days: {FM_VISIT} (within the year 31 Dec 2000)"
    late = Notification.objects.filter(kind="overdue", commitment__title=FM_VISIT).first()
    escalated = Notification.objects.filter(kind="escalation", commitment__title=FM_VISIT).first()
    assert late is not None
    assert escalated is not None
    assert late.message == f"Overdue by 9,465 days: {FM_VISIT}"  # 31 Dec 2000 to 30 Nov 2026, Tokyo's days
    assert escalated.message == f"Escalated, overdue by 9,465 days: {FM_VISIT}"


def test_christmas_2000_due_soon_and_condition_checks(brunei: Summit) -> None:
    rows = _sent(CHRISTMAS_2000)
    both = {"officer", "supervisor"}
    assert _of_kind(rows, "due_soon") == {(u, t) for u in both for t in (FM_VISIT, PROGRESS)}
    assert _of_kind(rows, "condition_check") == {(u, t) for u in both for t in (IRKUTSK, VISIT_READY)}
    assert _of_kind(rows, "overdue") == set()
    assert _of_kind(rows, "escalation") == set()
    assert not Commitment.objects.filter(overdue_since__isnull=False).exists()
    message = Notification.objects.filter(kind="due_soon", commitment__title=FM_VISIT).first()
    assert message is not None
    assert message.message == f"Due in 6 days: {FM_VISIT} (within the year 31 Dec 2000)"
    assert message.occasion == "7:2000-12-31"


def test_early_2001_the_unconditional_ones_are_overdue_the_irkutsk_visit_is_not(brunei: Summit) -> None:
    rows = _sent(EARLY_2001)
    flagged = set(Commitment.objects.filter(overdue_since__isnull=False).values_list("title", flat=True))
    assert flagged == {FM_VISIT, PROGRESS}
    assert _of_kind(rows, "overdue") == {(u, t) for u in ("officer", "supervisor") for t in (FM_VISIT, PROGRESS)}
    assert not any(t in (IRKUTSK, VISIT_READY) for _, t in _of_kind(rows, "overdue"))
    assert _of_kind(rows, "escalation") == set()  # five days overdue: not yet
    assert Commitment.objects.get(title=FM_VISIT).overdue_since == EARLY_2001


def test_march_2001_escalations_reach_supervisors_only_and_stale_ones_are_reviewed(brunei: Summit) -> None:
    rows = _sent(MARCH_2001)
    assert _of_kind(rows, "escalation") == {("supervisor", FM_VISIT), ("supervisor", PROGRESS)}
    assert not any(who == "officer" for who, _ in _of_kind(rows, "escalation"))
    overdue = Notification.objects.filter(
        kind="overdue", commitment__title=FM_VISIT, recipient__username="officer"
    ).get()
    assert overdue.occasion == "2000-12-31:8"  # 60 days overdue: the ninth weekly reminder
    assert overdue.message == f"Overdue by 60 days: {FM_VISIT}"
    stale = _of_kind(rows, "stale")
    assert len(stale) == 14 * 2  # every open commitment, to owner and watcher: no update since 16 Nov
    assert ("viewer", FM_VISIT) not in _of_kind(rows, "overdue")


def test_a_missed_sweep_catches_up_with_one_reminder_per_kind_not_a_burst(brunei: Summit) -> None:
    sweep_run(now=CHRISTMAS_2000)
    before = Notification.objects.filter(kind="overdue").count()
    sweep_run(now=MARCH_2001)  # nothing ran in between
    assert Notification.objects.filter(kind="overdue").count() - before == 4  # one per person and commitment


def test_sweeping_twice_creates_nothing_new(brunei: Summit) -> None:
    first = sweep_run(now=MARCH_2001)
    snapshot = sorted(Notification.objects.values_list("commitment_id", "recipient_id", "kind", "occasion"))
    second = sweep_run(now=MARCH_2001)
    assert first.notifications > 0
    assert second.notifications == 0
    assert second.flagged_overdue == 0
    assert sorted(Notification.objects.values_list("commitment_id", "recipient_id", "kind", "occasion")) == snapshot
    assert Delivery.objects.count() == len(snapshot)


def test_closing_or_moving_the_deadline_clears_the_flag(brunei: Summit) -> None:
    sweep_run(now=EARLY_2001)
    progress = Commitment.objects.get(title=PROGRESS)
    fm_visit = Commitment.objects.get(title=FM_VISIT)
    # Moved by a direct update (a data fix), which marks the row for the next check as the README asks.
    Commitment.objects.filter(pk=progress.pk).update(due_by=date(2001, 3, 31), next_check_at=EARLY_2001)
    services.commitment_transition(
        commitment_id=fm_visit.pk, to_status="fulfilled", by=None, now=EARLY_2001, note="Kono visited."
    )
    result = sweep_run(now=EARLY_2001 + timedelta(hours=1))
    assert result.cleared == 1
    assert not Commitment.objects.filter(overdue_since__isnull=False).exists()


def test_a_met_condition_makes_the_visit_overdue_and_reminded(brunei: Summit) -> None:
    irkutsk = Commitment.objects.get(title=IRKUTSK)
    services.condition_set_state(commitment_id=irkutsk.pk, state="met", by=None, now=CHRISTMAS_2000)
    rows = _sent(EARLY_2001)
    assert ("officer", IRKUTSK) in _of_kind(rows, "overdue")


def test_reminders_stop_for_people_who_lose_access_or_switch_the_kind_off(brunei: Summit) -> None:
    from django.contrib.auth import get_user_model

    from commitments.models import NotificationPreference

    supervisor = get_user_model().objects.get(username="supervisor")
    NotificationPreference.objects.create(user=supervisor, kinds=["escalation"])
    get_user_model().objects.filter(username="officer").update(is_active=False)
    rows = _sent(MARCH_2001)
    assert {who for _, who, _ in rows} == {"supervisor"}
    assert {kind for kind, _, _ in rows} == {"escalation"}


def test_the_run_is_recorded_and_the_command_prints_json(brunei: Summit, capsys: Any) -> None:
    call_command("sweep_commitments", "--now", "2001-01-05T12:00+09:00")
    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    import json

    report = json.loads(last_line)
    assert report["flagged_overdue"] == 2
    assert report["by_kind"]["overdue"] == 4
    assert report["notifications"] == sum(report["by_kind"].values())
    run = SweepRun.objects.get()
    assert (run.trigger, run.flagged_overdue, run.error) == ("command", 2, "")
    assert run.finished_at is not None


def test_a_dry_run_changes_nothing(brunei: Summit, capsys: Any) -> None:
    call_command("sweep_commitments", "--now", "2001-03-01T12:00+09:00", "--dry-run")
    import json

    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["notifications"] > 0
    assert not Notification.objects.exists()
    assert not SweepRun.objects.exists()
    assert not Commitment.objects.filter(overdue_since__isnull=False).exists()


def test_the_command_refuses_a_naive_moment(brunei: Summit) -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="has no time zone"):
        call_command("sweep_commitments", "--now", "2001-01-05T12:00")


def test_sweep_is_late_without_a_recent_run(brunei: Summit) -> None:
    assert sweep_late(sweep_last_finished(), EARLY_2001)
    sweep_run(now=EARLY_2001, started_at=EARLY_2001)
    run = SweepRun.objects.get()
    SweepRun.objects.filter(pk=run.pk).update(finished_at=EARLY_2001)
    assert not sweep_late(sweep_last_finished(), EARLY_2001 + timedelta(minutes=29))
    assert sweep_late(sweep_last_finished(), EARLY_2001 + timedelta(minutes=31))


def _population(count: int, owner: Any) -> None:
    """`count` commitments of which exactly five owe a reminder today; the rest are far off."""
    desk = Desk.objects.create(name=f"Desk {count}")
    DeskMembership.objects.create(desk=desk, user=owner, role="officer")  # an owner is an officer of the desk
    policy.forget(owner)
    summit = SummitFactory()
    for n in range(count):
        due = date(2001, 1, 1) if n < 5 else date(2003, 1, 1) + timedelta(days=n % 300)
        make_commitment(desk=desk, summit=summit, title=f"C{n}", due_by=due, owner=owner, now=EARLY_2001)


@pytest.mark.parametrize("idle", [False, True])
def test_the_sweep_costs_the_same_queries_for_10_and_1000_commitments(idle: bool) -> None:
    owner = UserFactory(username="owner", is_superuser=True)
    counts = []
    for size in (10, 1000):
        Commitment.objects.all().delete()
        Notification.objects.all().delete()
        _population(size, owner)
        moment = EARLY_2001 + timedelta(days=2)
        if idle:
            sweep_run(now=moment)
        with CaptureQueriesContext(connection) as captured:
            result = sweep_run(now=moment)
        assert result.notifications == (0 if idle else 5)
        counts.append(len(captured))
    assert counts[0] == counts[1]
    if idle:
        # Nothing due: the run's INSERT, the read of the due rows, and the run's UPDATE that counts the owed
        # deliveries (on SQLite that count is a statement of its own); no transaction is opened.
        assert counts[0] == (3 if connection.vendor == "postgresql" else 4), "\n".join(q["sql"] for q in captured)


@pytest.mark.django_db(transaction=True)
def test_four_parallel_sweeps_on_postgres_make_what_one_makes(postgres: None) -> None:
    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait(timeout=10)
            sweep_run(now=MARCH_2001)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    parallel = Counter(Notification.objects.values_list("kind", flat=True))
    keys = sorted(Notification.objects.values_list("commitment_id", "recipient_id", "kind", "occasion"))
    assert len(keys) == len(set(keys))
    assert Delivery.objects.count() == len(keys)
    assert SweepRun.objects.count() == 4
    assert sum(SweepRun.objects.values_list("notifications", flat=True)) == len(keys)
    # The same as a single sweep over the same data.
    Notification.objects.all().delete()
    Commitment.objects.update(overdue_since=None, next_check_at=DAY_AFTER_MEETING)  # as before the sweeps
    sweep_run(now=MARCH_2001)
    assert Counter(Notification.objects.values_list("kind", flat=True)) == parallel


def test_old_sweep_records_are_cleaned_up(brunei: Summit, settings: Any) -> None:
    from commitments.sweep import sweep_runs_delete_old

    settings.PLEDGEBOOK_SWEEP_KEEP_DAYS = 30
    sweep_run(now=EARLY_2001, started_at=EARLY_2001)
    sweep_run(now=MARCH_2001, started_at=MARCH_2001)
    assert sweep_runs_delete_old(MARCH_2001 + timedelta(days=1)) == 1
    assert list(SweepRun.objects.values_list("as_of", flat=True)) == [MARCH_2001]


@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_mid_sweep_is_recorded_as_failed_and_the_next_sweep_succeeds(postgres: None) -> None:
    """The sweep's database session is killed by the server while it waits inside its transaction."""
    from .services import TableHold

    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    hold = TableHold()
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            sweep_run(now=MARCH_2001)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=sweep)
    thread.start()
    try:
        hold.terminate(hold.waiting_sweep())
        thread.join(timeout=30)
    finally:
        hold.release()

    assert len(errors) == 1
    assert "terminat" in str(errors[0]).lower()
    failed = SweepRun.objects.get()
    assert failed.finished_at is not None
    assert "terminat" in failed.error.lower()
    # Nothing half-done: the flags and notifications were rolled back with the sweep's transaction.
    assert not Commitment.objects.filter(overdue_since__isnull=False).exists()
    assert not Notification.objects.exists()

    result = sweep_run(now=MARCH_2001)
    assert result.flagged_overdue > 0
    assert result.notifications > 0
    assert SweepRun.objects.count() == 2
    assert SweepRun.objects.exclude(pk=failed.pk).get().error == ""
    assert sweep_last_finished() is not None


def test_a_beat_interval_is_swept_once_even_if_ticked_twice(brunei: Summit) -> None:
    from commitments.sweep import sweep_beat_slot

    slot = sweep_beat_slot(MARCH_2001)
    assert sweep_beat_slot(MARCH_2001 + timedelta(minutes=14)) == slot  # the default interval is 15 minutes
    assert sweep_beat_slot(MARCH_2001 + timedelta(minutes=15)) == slot + 1
    first = sweep_run(now=MARCH_2001, beat_slot=slot)
    second = sweep_run(now=MARCH_2001 + timedelta(minutes=1), beat_slot=slot)
    assert not first.skipped
    assert first.notifications > 0
    assert second.skipped
    assert second.notifications == 0
    assert SweepRun.objects.count() == 1
    # Operators' and tests' sweeps (no slot) are never refused.
    assert not sweep_run(now=MARCH_2001 + timedelta(minutes=2)).skipped


def _world_for_the_schedule() -> list[Commitment]:
    """The demo plus commitments in three more time zones, with every kind of deadline and condition."""
    import random

    from commitments.models import DeskMembership

    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    officer = Desk.objects.get().memberships.get(role="officer").user
    rng = random.Random(7)
    made: list[Commitment] = []
    for zone in ("Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata"):
        desk = Desk.objects.create(name=f"Desk in {zone}", time_zone=zone)
        DeskMembership.objects.create(desk=desk, user=officer, role="officer")
        policy.forget(officer)  # the rights read so far did not know this desk
        for n in range(12):
            due = date(2000, 11, 20) + timedelta(days=rng.randint(0, 70)) if n % 4 else None
            made.append(
                make_commitment(
                    desk=desk,
                    owner=officer,
                    title=f"{zone} {n}",
                    due_by=due,
                    due_precision="day" if due else "none",
                    condition_text="if the talks advance" if n % 5 == 0 else "",
                    now=DAY_AFTER_MEETING,
                )
            )
    return made


def _run_days(made: list[Commitment], *, everything: bool) -> list[tuple[Any, ...]]:
    """Sweep every 13 hours for 100 days, with people acting on the way; return what was recorded."""
    moment = DAY_AFTER_MEETING
    step = 0
    while moment < DAY_AFTER_MEETING + timedelta(days=100):
        moment += timedelta(hours=13)
        step += 1
        if step == 40:
            services.commitment_transition(
                commitment_id=made[1].pk, to_status="in_progress", by=None, now=moment, note="Talks began."
            )
        if step == 60:
            services.deadline_move(
                commitment_id=made[2].pk,
                new_due_by=date(2001, 2, 10),
                new_due_from=None,
                reason="Postponed by both sides.",
                change_class="postponed",
                by=None,
                now=moment,
            )
        if step == 80:
            services.condition_set_state(commitment_id=made[0].pk, state="met", by=None, now=moment)
        if step == 120:
            services.update_add(commitment_id=made[3].pk, note="Officials met.", by=None, now=moment)
        if everything:
            Commitment.objects.update(next_check_at=moment)  # look at every row, as before the schedule
        sweep_run(now=moment)
    notifications = Notification.objects.exclude(kind__in=["status_changed", "deadline_moved", "update_added"])
    return sorted(notifications.values_list("commitment_id", "recipient_id", "kind", "occasion", "created_at"))


def test_the_schedule_never_misses_what_a_sweep_over_every_row_finds(db: Any) -> None:
    """Scheduled sweeps (only rows whose next_check_at has passed) record exactly what sweeps over every
    row record, at the same moments, across due-soon offsets, due days, overdue repeats, escalations,
    condition checks, staleness, four time zones and people changing things on the way."""
    made = _world_for_the_schedule()
    start = {
        c.pk: (c.status, c.due_by, c.condition_state, c.version, c.last_activity_at) for c in Commitment.objects.all()
    }
    scheduled = _run_days(made, everything=False)

    # Back to the start, and the same 100 days with every row read by every sweep.
    Notification.objects.all().delete()
    SweepRun.objects.all().delete()
    from commitments.models import DeadlineChange, StatusChange, Update

    for pk, (status, due_by, condition_state, version, last_activity_at) in start.items():
        Commitment.objects.filter(pk=pk).update(
            status=status, due_by=due_by, condition_state=condition_state, version=version, overdue_since=None,
            last_activity_at=last_activity_at, closed_on=None,
        )  # fmt: skip
    StatusChange.objects.filter(recorded_at__gt=DAY_AFTER_MEETING + timedelta(hours=12)).delete()
    DeadlineChange.objects.all().delete()
    Update.objects.all().delete()
    everything = _run_days(made, everything=True)

    assert len(scheduled) > 100
    assert {kind for _, _, kind, _, _ in scheduled} >= {"due_soon", "due_today", "overdue", "escalation",
                                                         "condition_check", "stale"}  # fmt: skip
    assert scheduled == everything


def test_a_row_that_fails_is_logged_and_looked_at_an_hour_later_while_the_sweep_goes_on(
    brunei: Summit, caplog: pytest.LogCaptureFixture
) -> None:
    """A desk whose time zone this machine does not know (written past the form's validation) breaks
    its commitments' rules; every other commitment is still flagged and reminded."""
    odd_desk = Desk.objects.create(name="Odd Division", time_zone="Asia/Tokyo")
    bad = make_commitment(desk=odd_desk, title="Bad row", due_by=date(2000, 12, 31))
    Desk.objects.filter(pk=odd_desk.pk).update(time_zone="Mars/Olympus_Mons")

    with caplog.at_level("ERROR", logger="commitments.sweep"):
        result = sweep_run(now=EARLY_2001)

    assert result.failed_rows == 1
    assert result.as_dict()["failed_rows"] == 1
    flagged = set(Commitment.objects.filter(overdue_since__isnull=False).values_list("title", flat=True))
    assert flagged == {FM_VISIT, PROGRESS}
    assert result.notifications > 0
    assert f"commitment {bad.pk} could not be processed" in caplog.text
    bad.refresh_from_db()
    assert bad.next_check_at == EARLY_2001 + timedelta(hours=1)
    assert bad.overdue_since is None
    assert SweepRun.objects.get().error == ""

    # Within the hour it is left alone; once the desk is mended, the next look flags it.
    assert sweep_run(now=EARLY_2001 + timedelta(minutes=30)).failed_rows == 0
    Desk.objects.filter(pk=odd_desk.pk).update(time_zone="Asia/Tokyo")
    later = sweep_run(now=EARLY_2001 + timedelta(hours=1))
    assert (later.failed_rows, later.flagged_overdue) == (0, 1)
    bad.refresh_from_db()
    assert bad.overdue_since == EARLY_2001 + timedelta(hours=1)


LOADED_TODAY = MARCH_2001 + timedelta(days=400)  # the demo loaded long after the meeting, as `make run` does


@pytest.fixture
def loaded_today(db: Any) -> Summit:
    """The demo recorded 'today': every row's stored next check is today, long after its deadline."""
    return demo_load(now=LOADED_TODAY, with_users=True, password="unused").summit


def test_now_in_the_past_judges_every_row_as_of_then_and_never_moves_the_schedule_later(
    loaded_today: Summit, capsys: Any
) -> None:
    import json

    import time_machine

    before = dict(Commitment.objects.values_list("pk", "next_check_at"))
    with time_machine.travel(LOADED_TODAY + timedelta(hours=1), tick=False):
        call_command("sweep_commitments", "--now", "2001-01-05T09:00+09:00")
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    # The README's example: the two past due by then are reminded as of then, to owner and watcher
    # (they, and the others past due today, were flagged when they were recorded).
    assert report["by_kind"]["overdue"] == 4
    reminded = set(Notification.objects.filter(kind="overdue").values_list("commitment__title", flat=True))
    assert reminded == {FM_VISIT, PROGRESS}
    assert Commitment.objects.filter(title__in=reminded, overdue_since__isnull=False).count() == 2
    for pk, check in Commitment.objects.values_list("pk", "next_check_at"):
        assert check is None or before[pk] is None or check <= before[pk], pk


def test_now_later_than_the_clock_is_refused_without_dry_run_and_changes_nothing(loaded_today: Summit) -> None:
    import time_machine
    from django.core.management import CommandError

    before = list(Commitment.objects.order_by("pk").values_list("pk", "next_check_at", "overdue_since"))
    with time_machine.travel(LOADED_TODAY, tick=False), pytest.raises(CommandError, match="later than the clock"):
        call_command("sweep_commitments", "--now", (LOADED_TODAY + timedelta(days=90)).isoformat())
    assert not SweepRun.objects.exists()
    assert not Notification.objects.exists()
    assert list(Commitment.objects.order_by("pk").values_list("pk", "next_check_at", "overdue_since")) == before


def test_now_later_than_the_clock_with_dry_run_shows_what_would_happen_then(loaded_today: Summit, capsys: Any) -> None:
    import json

    import time_machine

    with time_machine.travel(LOADED_TODAY, tick=False):
        call_command("sweep_commitments", "--now", (LOADED_TODAY + timedelta(days=91)).isoformat(), "--dry-run")
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["by_kind"]["stale"] > 0  # more than ninety days without an update, then
    assert not Notification.objects.exists()
    assert not SweepRun.objects.exists()


def test_a_sweep_that_reminds_costs_six_statements_on_postgres_and_wakes_one_sender_for_a_few_emails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fixed cost is round trips: the run's record is one INSERT (not BEGIN, INSERT, COMMIT), the owners'
    activity comes with the due rows, each recipient's preference with the recipient; on PostgreSQL the
    watchers come with the recorded occasions, the deliveries are inserted by the notifications' statement,
    and the schedule, the owed count and the run's record are one statement; and five emails wake one
    sender, once (not four, and not again when the sweep's transaction commits)."""
    from commitments.notifications import create

    woken: list[int | None] = []
    monkeypatch.setattr(create.current_app, "send_task", lambda *args, **kwargs: woken.append(1))
    owner = UserFactory(username="owner", is_superuser=True)
    _population(20, owner)
    with CaptureQueriesContext(connection) as captured:
        result = sweep_run(now=EARLY_2001 + timedelta(days=2))
    assert result.notifications == 5
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 5
    run = SweepRun.objects.get()
    assert (run.notifications, run.rewoken, run.by_kind) == (5, 5, result.by_kind)
    assert run.finished_at is not None
    statements = [q["sql"] for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    if connection.vendor == "postgresql":
        # The run's INSERT; the due rows; the occasions recorded with the watchers; the recipients; the
        # notifications with their deliveries; the schedule with the owed count and the run's record.
        assert len(statements) == 6, "\n".join(statements)
        assert "commitments_delivery" in statements[4]
        assert "commitments_commitment_watchers" in statements[2]
        assert statements[5].startswith("WITH stored AS (UPDATE commitments_commitment")
    else:
        # The portable twin: also the watchers, the read-back of what was inserted, the deliveries, the
        # schedule (one UPDATE per distinct value), the owed count, the run's UPDATE.
        schedule = sum(sql.startswith('UPDATE "commitments_commitment" ') for sql in statements)
        assert schedule == 2
        assert len(statements) == 10 + schedule, "\n".join(statements)
    assert not any("notificationpreference" in sql and "auth_user_groups" not in sql for sql in statements)
    assert woken == [1]

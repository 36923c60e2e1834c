"""The arithmetic of `make chaos` (bench/chaos_tally.py): what counts as emailed, duplicated, lost or stray.

The soak itself runs by hand (it takes minutes and starts real processes); these hold its verdict.
"""

from __future__ import annotations

from collections import Counter

from bench.chaos_tally import QUIET_PREFIX, DeliveryRow, notification_id, tally


def mid(pk: int) -> str:
    return f"<notification-{pk}@pledgebook>"


def test_a_clean_run_adds_up_and_passes() -> None:
    rows = [
        DeliveryRow(1, "sent", last_outcome="sent"),
        DeliveryRow(2, "sent", last_outcome="sent"),
        DeliveryRow(3, "skipped", "the commitment is closed (Fulfilled)", "skipped"),
        DeliveryRow(4, "skipped", QUIET_PREFIX + " (a backlog caught up at once)", ""),
    ]
    result = tally(rows, [mid(1), mid(2)], notifications=5, responses=Counter({200: 7, 201: 3, 409: 1}))
    assert (result.expected, result.emailed, result.skipped, result.quiet) == (3, 2, 1, 1)
    assert (result.lost, result.duplicated, result.stray, result.server_errors) == (0, 0, 0, 0)
    assert result.requests == 11
    assert result.failures() == []


def test_an_email_received_twice_is_one_duplicate_and_still_one_emailed() -> None:
    rows = [DeliveryRow(1, "sent"), DeliveryRow(2, "sent")]
    result = tally(rows, [mid(1), mid(1), mid(1), mid(2)], notifications=2)
    assert (result.emailed, result.duplicated, result.lost) == (2, 1, 0)
    assert result.failures() == ["1 duplicated"]


def test_what_counts_as_lost() -> None:
    rows = [
        DeliveryRow(1, "sent"),  # recorded as sent, never received
        DeliveryRow(2, "pending"),  # not settled
        DeliveryRow(3, "sending"),  # a claim never finished
        DeliveryRow(4, "failed", "451 …", "transient"),  # retries ran out on a temporary fault
        DeliveryRow(5, "skipped", "the recipient is no longer active", "skipped"),  # the soak changes no user
        DeliveryRow(6, "failed", "550 …", "permanent"),  # a permanent refusal: not a loss
    ]
    result = tally(rows, [], notifications=6)
    assert (result.expected, result.emailed, result.lost, result.failed) == (6, 0, 5, 1)
    assert result.failures() == ["5 lost"]
    assert "recorded as sent, never received" in result.lost_examples[0]


def test_an_email_the_outbox_does_not_record_as_sent_is_stray() -> None:
    rows = [
        DeliveryRow(1, "pending"),  # received, but the row would be sent again
        DeliveryRow(2, "skipped", QUIET_PREFIX, ""),  # never meant to be emailed, yet received
    ]
    result = tally(rows, [mid(1), mid(2), mid(99), "<digest-3@pledgebook>"], notifications=3)
    # 1: not recorded as sent; 2: a quiet one; 99: no delivery row at all; the digest: no notification.
    assert result.stray == 4
    assert result.emailed == 1
    assert result.lost == 0
    assert result.failures() == ["4 stray"]


def test_5xx_unanswered_dead_workers_and_log_alarms_each_fail_the_run() -> None:
    result = tally(
        [],
        [],
        notifications=0,
        responses=Counter({200: 10, 500: 2, 502: 1, 412: 4}),
        unanswered=1,
        dead_workers=1,
        log_alarms=2,
    )
    assert result.server_errors == 3
    assert result.requests == 18
    assert result.failures() == [
        "3 5xx responses",
        "1 unanswered requests",
        "1 dead workers",
        "2 'Unrecoverable error' in the logs",
    ]


def test_message_ids_are_read_by_notification() -> None:
    assert notification_id("<notification-42@pledgebook>") == 42
    assert notification_id("<digest-42@pledgebook>") is None
    assert notification_id("") is None


def test_the_table_shows_every_figure() -> None:
    table = tally([DeliveryRow(1, "sent")], [mid(1)], notifications=1, seconds=200.4).table()
    for label in ["notifications created", "expected", "emailed", "lost", "duplicated", "5xx", "dead workers"]:
        assert label in table
    assert table.splitlines()[-1].endswith("200")


def test_the_skip_reasons_it_accepts_are_the_ones_the_product_writes() -> None:
    """The tally copies the product's skip reasons (it imports no Django); a reworded reason would make it count
    legitimate skips as lost."""
    import inspect

    from bench.chaos_tally import LEGITIMATE_SKIP_PREFIXES, QUIET_PREFIX
    from commitments.notifications import outbox
    from commitments.notifications.create import QUIET_NOTE

    assert QUIET_NOTE.startswith(QUIET_PREFIX)
    source = inspect.getsource(outbox.still_relevant)
    assert all(f'"{prefix}' in source for prefix in LEGITIMATE_SKIP_PREFIXES)

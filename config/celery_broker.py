"""The Redis transport, minus the one step that took workers down with the broker.

When the connection to Redis drops, kombu's Redis QoS "restores" the messages the worker holds but has not
acknowledged yet (a prefork worker's main process holds each one until a pool process takes it) by writing
them back to their queue — through the connection that has just gone. In kombu 5.7 that write reads the
connection's address from an object already cleared, raises AttributeError, and Celery stops the worker as
an "Unrecoverable error" (found by `make chaos`, 1 in 6 Redis stops under load; issue 18).

Nothing is lost by not restoring them then. The messages stay in Redis's `unacked` hash, and any worker puts
them back in their queue once the visibility timeout has passed (CELERY_BROKER_TRANSPORT_OPTIONS), if Redis
still has them. And every task here is a wake-up whose real work is a row in PostgreSQL: beat and the sweep
wake the sender again within a minute, and a sweep message older than its interval expires unused.
"""

from __future__ import annotations

from kombu.transport import redis


class QoS(redis.QoS):
    restore_at_shutdown = False


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel

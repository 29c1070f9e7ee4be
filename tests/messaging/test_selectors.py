from django.utils import timezone

from marelle.messaging.models import Message
from marelle.messaging.selectors import unread_count
from marelle.messaging.services import message_mark_read


def test_unread_counts_only_the_communes_unread_messages_of_the_family(world):
    Message.objects.create(famille=world.famille, subject="a", body="x")
    Message.objects.create(famille=world.famille, subject="b", body="x", read_at=timezone.now())
    Message.objects.create(famille=world.famille, subject="c", body="x", from_commune=False)
    Message.objects.create(famille=world.other_famille, subject="d", body="x")
    assert unread_count(world.famille) == 1


def test_marking_read_twice_keeps_the_first_time(world):
    m = Message.objects.create(famille=world.famille, subject="a", body="x")
    first = timezone.now()
    message_mark_read(message=m, now=first)
    message_mark_read(message=Message.objects.get(pk=m.pk), now=first + timezone.timedelta(hours=1))
    m.refresh_from_db()
    assert m.read_at == first
    assert unread_count(world.famille) == 0

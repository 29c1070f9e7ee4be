"""Logins look an account up by lower(email) (or lower(username)): an expression index on each
lets that be an index scan instead of a sequential scan of auth_user on every login.

auth_user belongs to django.contrib.auth, so the indexes are plain SQL that PostgreSQL and
SQLite both accept; Django's model state does not know them and makemigrations leaves them be.
"""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("families", "0004_famille_shared_access"),
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE INDEX families_user_email_lower ON auth_user (lower(email))",
            reverse_sql="DROP INDEX families_user_email_lower",
        ),
        migrations.RunSQL(
            sql="CREATE INDEX families_user_username_lower ON auth_user (lower(username))",
            reverse_sql="DROP INDEX families_user_username_lower",
        ),
    ]

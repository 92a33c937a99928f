# The team's analytics page in Django admin (conversations/analytics/): a proxy of Case, so no table and no
# permissions of its own.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('conversations', '0011_conversation_country'),
    ]

    operations = [
        migrations.CreateModel(
            name='Analytics',
            fields=[],
            options={
                'verbose_name': 'analytics',
                'verbose_name_plural': 'analytics',
                'proxy': True,
                'default_permissions': (),
                'indexes': [],
                'constraints': [],
            },
            bases=('conversations.case',),
        ),
    ]

# Failed sign-ins are counted by django-axes now; password-reset requests are counted here.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_invitation_revocation'),
    ]

    operations = [
        migrations.DeleteModel(
            name='FailedLogin',
        ),
        migrations.CreateModel(
            name='PasswordResetRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.CharField(db_index=True, max_length=254)),
                ('ip', models.GenericIPAddressField(null=True)),
                ('at', models.DateTimeField(auto_now_add=True, db_index=True)),
            ],
            options={
                'verbose_name': 'password-reset request',
                'verbose_name_plural': 'password-reset requests',
            },
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('responses', '0004_review_change_kinds'),
    ]

    operations = [
        migrations.AlterField(
            model_name='answerchange',
            name='kind',
            field=models.CharField(choices=[('answer', 'Answer changed'), ('carried_over', 'Carried over from last cycle'), ('evidence_added', 'Evidence added'), ('evidence_removed', 'Evidence removed'), ('submitted', 'Submitted'), ('reopened', 'Reopened'), ('deadline_changed', 'Deadline changed'), ('imported', 'Imported from a file'), ('reviewer_assigned', 'Reviewer assigned'), ('verdict', 'Verdict given'), ('review_status', 'Review status changed'), ('signed_off', 'Review signed off')], max_length=32, verbose_name='kind'),
        ),
    ]

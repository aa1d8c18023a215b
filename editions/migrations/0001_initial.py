"""Editions, moved here from the book app. Their tables were made by book 0003: the
models are taken into this app's state as they are (under the book's table names), the
content types and permissions move with them (so curators' grants and the admin's
history stay), and then the tables are renamed to this app's names."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ("edition", "editionchapter", "editionstory")


def content_types_move(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label="editions", model=model).exists():
            ContentType.objects.using(db).filter(app_label="book", model=model).update(
                app_label="editions"
            )


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="editions", model__in=MODELS).update(
        app_label="book"
    )


def curators_sync(apps, schema_editor):
    from core.roles import curators_group_sync

    curators_group_sync(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("book", "0005_editions_to_their_own_app"),
        ("stories", "0006_sqlite_search_index"),
        ("community", "0001_curators_group"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Edition',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('label', models.CharField(help_text='Bijvoorbeeld: Tussenstand 2027', max_length=100, unique=True, verbose_name='naam')),
                        ('slug', models.SlugField(max_length=100, unique=True, verbose_name='slug')),
                        ('date', models.DateField(default=django.utils.timezone.localdate, verbose_name='datum')),
                        ('notes', models.TextField(blank=True, verbose_name='notities van de redactie')),
                        ('is_published', models.BooleanField(default=False, editable=False, verbose_name='gepubliceerd')),
                        ('published_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='gepubliceerd op')),
                        ('title', models.CharField(blank=True, editable=False, max_length=200, verbose_name='titel')),
                        ('subtitle', models.CharField(blank=True, editable=False, max_length=300, verbose_name='ondertitel')),
                        ('introduction_html', models.TextField(blank=True, editable=False)),
                        ('colophon_html', models.TextField(blank=True, editable=False)),
                        ('cover', models.ImageField(blank=True, editable=False, upload_to='editions/')),
                        ('cover_alt', models.CharField(blank=True, editable=False, max_length=300)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='aangemaakt')),
                        ('book', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='editions', to='book.book')),
                        ('published_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='gepubliceerd door')),
                        ('selected_stories', models.ManyToManyField(blank=True, help_text='Uitgelichte verhalen die bij het publiceren in de editie komen.', related_name='+', to='stories.story', verbose_name='gekozen verhalen')),
                    ],
                    options={
                        'verbose_name': 'editie',
                        'verbose_name_plural': 'edities',
                        'ordering': ['-date', '-pk'],
                        'db_table': 'book_edition',
                    },
                ),
                migrations.CreateModel(
                    name='EditionChapter',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(verbose_name='volgorde')),
                        ('title', models.CharField(max_length=200, verbose_name='titel')),
                        ('slug', models.SlugField(max_length=200, verbose_name='slug')),
                        ('summary', models.TextField(blank=True, verbose_name='samenvatting')),
                        ('body_html', models.TextField(blank=True)),
                        ('sections', models.JSONField(blank=True, default=list)),
                        ('word_count', models.PositiveIntegerField(default=0)),
                        ('illustration', models.ImageField(blank=True, upload_to='editions/')),
                        ('illustration_alt', models.CharField(blank=True, max_length=300)),
                        ('access', models.CharField(choices=[('open', 'Open voor iedereen'), ('members', 'Alleen voor leden')], max_length=10, verbose_name='toegang')),
                        ('chapter', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='book.chapter')),
                        ('edition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='chapters', to='editions.edition')),
                    ],
                    options={
                        'verbose_name': 'hoofdstuk van een editie',
                        'verbose_name_plural': 'hoofdstukken van een editie',
                        'ordering': ['number', 'pk'],
                        'db_table': 'book_editionchapter',
                    },
                ),
                migrations.CreateModel(
                    name='EditionStory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField(default=0)),
                        ('title', models.CharField(max_length=200, verbose_name='titel')),
                        ('body_html', models.TextField(blank=True)),
                        ('author_name', models.CharField(blank=True, max_length=200, verbose_name='auteur')),
                        ('member_number', models.PositiveIntegerField(blank=True, null=True, verbose_name='lidnummer')),
                        ('municipality', models.CharField(blank=True, max_length=100, verbose_name='gemeente')),
                        ('chapter', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stories', to='editions.editionchapter')),
                        ('story', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='stories.story', verbose_name='oorspronkelijk verhaal')),
                    ],
                    options={
                        'verbose_name': 'verhaal in een editie',
                        'verbose_name_plural': 'verhalen in een editie',
                        'ordering': ['position', 'pk'],
                        'db_table': 'book_editionstory',
                    },
                ),
                migrations.AddConstraint(
                    model_name='editionchapter',
                    constraint=models.UniqueConstraint(fields=('edition', 'slug'), name='edition_chapter_slug'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_move, content_types_back),
        migrations.AlterModelTable(name="edition", table=None),
        migrations.AlterModelTable(name="editionchapter", table=None),
        migrations.AlterModelTable(name="editionstory", table=None),
        migrations.RunPython(curators_sync, migrations.RunPython.noop),
    ]

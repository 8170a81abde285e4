from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ModelCall",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("chat", "Chat completion"),
                            ("stream", "Streamed chat completion"),
                            ("embedding", "Embeddings of customer or agent text (redacted)"),
                            ("published_embedding", "Embeddings of published KB content"),
                        ],
                        max_length=24,
                    ),
                ),
                ("feature", models.CharField(blank=True, max_length=32)),
                ("model", models.CharField(blank=True, max_length=200)),
                ("sent", models.TextField(blank=True, help_text="What was sent to the provider (redacted).")),
                ("received", models.TextField(blank=True, help_text="The model's reply text (chat only).")),
                ("prompt_tokens", models.PositiveIntegerField(default=0)),
                ("completion_tokens", models.PositiveIntegerField(default=0)),
                ("latency_ms", models.PositiveIntegerField(default=0)),
                ("outcome", models.CharField(help_text='"ok" or the LLMError reason.', max_length=32)),
                ("error", models.CharField(blank=True, max_length=500)),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["feature", "created_at"], name="gateway_call_feature_idx")
                ],
            },
        ),
    ]

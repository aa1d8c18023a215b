from django.contrib import admin

from .models import Issue, NewsletterDelivery, WelcomeMail


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["title", "audience", "status", "send_at", "sent_at"]
    list_filter = ["status", "audience"]
    readonly_fields = ["status", "sent_at"]


@admin.register(NewsletterDelivery)
class NewsletterDeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "membership", "status", "sent_at"]
    list_filter = ["status"]
    raw_id_fields = ["issue", "membership"]


@admin.register(WelcomeMail)
class WelcomeMailAdmin(admin.ModelAdmin):
    list_display = ["membership", "step", "status", "sent_at"]
    list_filter = ["step", "status"]
    raw_id_fields = ["membership"]

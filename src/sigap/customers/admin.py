from django.contrib import admin

from sigap.customers.models import Contact, DeviceModel, Organisation, Subscription, Unit, Vehicle


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "tier", "region", "is_active")
    list_filter = ("tier", "is_active", "region")
    search_fields = ("code", "name", "email_domain")


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "email", "phone", "language", "is_verified")
    list_filter = ("language", "is_verified")
    search_fields = ("name", "email", "phone", "whatsapp_id", "organisation__name")
    autocomplete_fields = ("organisation",)


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ("plate", "organisation", "description", "is_active")
    search_fields = ("plate", "organisation__name")
    autocomplete_fields = ("organisation",)


@admin.register(DeviceModel)
class DeviceModelAdmin(admin.ModelAdmin):
    list_display = ("vendor", "name", "is_legacy", "min_firmware")
    list_filter = ("is_legacy", "vendor")
    search_fields = ("vendor", "name")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("imei", "device_model", "firmware", "vehicle", "installed_on", "removed_on")
    list_filter = ("device_model",)
    search_fields = ("imei", "sim_number", "vehicle__plate")
    autocomplete_fields = ("vehicle",)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("unit", "organisation", "starts_on", "ends_on", "status", "termination_reason")
    list_filter = ("status", "termination_reason")
    search_fields = ("unit__imei", "organisation__name")
    autocomplete_fields = ("organisation", "unit")

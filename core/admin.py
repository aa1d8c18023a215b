"""What the apps' admins share."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.text import capfirst

from .converters import BoundedModelMultipleChoiceField

#: A ModelAdmin's `formfield_overrides` for its many-to-many fields: the ids posted are
#: bounded (core.converters), where Django's own field sends one past 64 bits to the
#: database in `pk__in`, a 500.
BOUNDED_MANY_TO_MANY: dict[type[models.Field], dict[str, Any]] = {
    models.ManyToManyField: {"form_class": BoundedModelMultipleChoiceField}
}


class ReadOnlyAdminMixin:
    """For records that only a service writes (claim codes, invitations, the moderation
    log): the admin lists and shows them, and changes none."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ListEditableLabelsForm(forms.ModelForm):
    """A row of a changelist's editable columns. Django's admin gives those inputs no
    label (the column heading is not one), so a screen reader announces a bare "edit
    text"; each gets the column's name and the row's object ("Nummer: 3. De wijk")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs["aria-label"] = f"{capfirst(field.label)}: {self.instance}"


#: What an admin mixin builds on: a ModelAdmin for the type checker, nothing at run time.
if TYPE_CHECKING:
    AdminMixinBase = admin.ModelAdmin[Any]
else:
    AdminMixinBase = object


class InputLabelsMixin(AdminMixinBase):
    """Labels for the inputs Django's admin leaves without one: the editable columns of
    the changelist (ListEditableLabelsForm), and file inputs, which the admin puts in a
    fieldset whose legend names the field while the input itself stays nameless."""

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", ListEditableLabelsForm)
        return super().get_changelist_form(request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(db_field, models.FileField):
            formfield.widget.attrs.setdefault("aria-label", capfirst(db_field.verbose_name))
        return formfield

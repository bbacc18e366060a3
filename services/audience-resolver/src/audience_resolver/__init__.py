"""The audience-resolver: the contact (dialog) base of every tenant, kept current
from the `dialogs` exchange and bulk imports; audience estimates; and each
campaign's recipients, snapshotted at launch and streamed in batches."""

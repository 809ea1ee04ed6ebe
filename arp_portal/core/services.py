from django.db import transaction

from arp_portal.core.models import Ethnicity


@transaction.atomic
def ethnicity_label_update(*, ethnicity: Ethnicity, label: str) -> Ethnicity:
    """Relabel a code as the authority's case system words it. The code itself never changes."""
    ethnicity.label = label.strip()
    ethnicity.full_clean()
    ethnicity.save(update_fields=["label"])
    return ethnicity

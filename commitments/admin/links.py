"""Links to a commitment's change page from pages that list many (the list, a summit's report)."""

from __future__ import annotations

from django.urls import reverse


def change_path_parts() -> tuple[str, str]:
    """A commitment's change page path around its id: ("/admin/commitments/commitment", "change/"). A page with
    a link per row reverses it once and writes each row's as f"{head}/{pk}/{tail}" (reversing walks the admin's
    URL patterns every time)."""
    head, _sep, tail = reverse("admin:commitments_commitment_change", args=[0]).rpartition("/0/")
    return head, tail

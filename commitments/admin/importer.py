"""Admin pages to import a meeting record and review its draft commitments beside the source text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext

from summits.models import Summit, record_language_name

from .. import policy, services
from ..importer.service import MAX_BYTES, ImportRefused, record_import
from ..models import Commitment, Desk, FollowUp, RejectedDraft
from ..workflow import Status


class ImportForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Paste the record"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
        help_text=gettext_lazy("The published text, as it stands (HTML is read as text; scripts are dropped)."),
    )
    upload = forms.FileField(
        label=gettext_lazy("…or upload it"), required=False, help_text=gettext_lazy("A .txt or .html file, up to 1 MB.")
    )
    source_url = forms.URLField(
        label=gettext_lazy("Published at"), required=False, max_length=500, assume_scheme="https"
    )
    publisher = forms.CharField(
        label=gettext_lazy("Publisher"), required=False, max_length=200, initial="Ministry of Foreign Affairs of Japan"
    )
    published_on = forms.DateField(
        label=gettext_lazy("Published on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    meeting_date = forms.DateField(
        label=gettext_lazy("Meeting date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "Only when the record does not say it (or says it without the year); a date given here wins."
        ),
    )
    desk = forms.ModelChoiceField(
        queryset=Desk.objects.none(),
        label=gettext_lazy("Desk"),
        help_text=gettext_lazy("The desk that will follow the commitments up."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        editable = policy.editable_desk_ids(user)
        field = self.fields["desk"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Desk.objects.all() if editable is None else Desk.objects.filter(pk__in=editable)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        if not data.get("text", "").strip() and upload is None:
            raise ValidationError(gettext("Paste the record's text or choose a file."))
        if upload is not None:
            if upload.size and upload.size > MAX_BYTES:
                raise ValidationError(
                    gettext("The file is %(size)s bytes; records over %(limit)s bytes are not accepted.")
                    % {"size": f"{upload.size:,}", "limit": f"{MAX_BYTES:,}"}
                )
            if not upload.name.lower().endswith((".txt", ".html", ".htm")):
                raise ValidationError(gettext("Upload a .txt or .html file."))
        return data


def import_view(model_admin: admin.ModelAdmin[Summit], request: HttpRequest) -> HttpResponse:
    if not policy.can_add_commitment(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    existing: Summit | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        raw: bytes | str = data["upload"].read() if data.get("upload") else data["text"]
        try:
            result = record_import(
                raw=raw,
                by=request.user,
                now=timezone.now(),
                source_url=data.get("source_url") or "",
                publisher=data.get("publisher") or "",
                published_on=data.get("published_on"),
                desk=data["desk"],
                meeting_date=data.get("meeting_date"),
            )
        except ImportRefused as refused:
            form.add_error("meeting_date" if refused.field == "date" else None, str(refused))
            existing = refused.existing
        except PermissionDenied as denied:
            form.add_error("desk", str(denied))
        else:
            model_admin.message_user(
                request,
                gettext(
                    "Imported “%(title)s” with %(count)s draft commitment(s). "
                    "Review them: nothing is tracked until you accept it."
                )
                % {"title": result.summit.title, "count": len(result.drafts)},
                messages.SUCCESS,
            )
            for note in result.notes:
                model_admin.message_user(request, note, messages.WARNING)
            return HttpResponseRedirect(reverse("admin:summits_summit_review", args=[result.summit.pk]))
    return TemplateResponse(
        request,
        "admin/summits/summit/import.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": gettext("Import a meeting record"),
            "opts": model_admin.model._meta,
            "form": form,
            "existing": existing,
        },
    )


def highlighted(text: str, commitments: list[Commitment], follow_ups: Sequence[FollowUp] = ()) -> SafeString:
    """The source text with each commitment's quote and each follow-up's evidence marked, escaped everywhere
    else. Where two overlap, the one that starts first is marked."""
    spans = [
        (
            c.quote_start,
            c.quote_start + len(c.quote),
            "pb-mark-draft" if c.status == Status.DRAFT else "pb-mark-tracked",
            f"q{c.pk}",
            c.title,
        )
        for c in commitments
        if c.quote_start is not None
    ]
    spans += [
        (f.evidence_start, f.evidence_end, "pb-mark-evidence", f"f{f.pk}", f"Evidence: {f.commitment.title}")
        for f in follow_ups
        if f.evidence_start is not None and f.evidence_end is not None
    ]
    return _marked(text, spans)


def highlighted_other(text: str, language: str, commitments: list[Commitment]) -> SafeString:
    """An attached record (the meeting's record in another language) with each commitment's aligned span
    marked, and the quotes of the drafts only that record states (the other page said more)."""
    spans: list[tuple[int, int, str, str, str]] = []
    for c in commitments:
        css = "pb-mark-draft" if c.status == Status.DRAFT else "pb-mark-tracked"
        title = c.title_other or c.title
        if c.quote_other_language == language and c.quote_other_start is not None:
            spans.append((c.quote_other_start, c.quote_other_start + len(c.quote_other), css, f"o{c.pk}", title))
        elif c.quote_start is None and c.quote and (start := text.find(c.quote)) >= 0:
            spans.append((start, start + len(c.quote), css, f"q{c.pk}", title))
    return _marked(text, spans)


def _marked(text: str, spans: list[tuple[int, int, str, str, str]]) -> SafeString:
    parts: list[str] = []
    position = 0
    for start, end, css, anchor, title in sorted(spans, key=lambda span: (span[0], span[1])):
        if start < position:
            continue
        parts.append(escape(text[position:start]))
        parts.append(format_html('<mark class="{}" id="{}" title="{}">{}</mark>', css, anchor, title, text[start:end]))
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 - every piece above is escaped


def _decide_follow_up(model_admin: admin.ModelAdmin[Summit], request: HttpRequest, summit: Summit) -> None:
    decision = request.POST.get("follow_up_decision")
    chosen = request.POST.get("follow_up", "")
    follow_up = FollowUp.objects.filter(summit=summit, pk=int(chosen)).first() if chosen.isdigit() else None
    if decision not in ("accept", "reject") or follow_up is None:
        model_admin.message_user(request, gettext("Choose a follow-up, then accept or reject it."), messages.WARNING)
        return
    decide = services.followup_accept if decision == "accept" else services.followup_reject
    try:
        decide(follow_up_id=follow_up.pk, by=request.user, now=timezone.now())
    except (PermissionDenied, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        model_admin.message_user(request, f"“{follow_up.commitment.title}”: {text}", messages.WARNING)
        return
    if decision == "accept":
        model_admin.message_user(
            request,
            gettext("“%(title)s”: %(outcome)s recorded, as of %(day)s.")
            % {
                "title": follow_up.commitment.title,
                "outcome": follow_up.get_proposed_display().lower(),
                "day": date_format(follow_up.occurred_on),
            },
            messages.SUCCESS,
        )
    else:
        model_admin.message_user(
            request,
            gettext("“%(title)s”: the proposal was rejected; nothing was recorded.")
            % {"title": follow_up.commitment.title},
            messages.SUCCESS,
        )


def review_view(model_admin: admin.ModelAdmin[Summit], request: HttpRequest, object_id: int) -> HttpResponse:
    summit = get_object_or_404(Summit, pk=object_id)
    if not policy.can_view(request.user):
        raise PermissionDenied
    commitments = list(
        summit.commitments.select_related("desk").prefetch_related("made_by").order_by("quote_start", "pk")
    )
    if request.method == "POST" and "follow_up_decision" in request.POST:
        _decide_follow_up(model_admin, request, summit)
        return HttpResponseRedirect(reverse("admin:summits_summit_review", args=[summit.pk]) + "#follow-ups")
    follow_ups = list(
        summit.proposed_follow_ups.select_related("commitment", "commitment__summit", "commitment__desk", "decided_by")
    )
    if request.method == "POST":
        decision = request.POST.get("decision")
        chosen = [c for c in commitments if str(c.pk) in request.POST.getlist("chosen") and c.status == Status.DRAFT]
        if decision not in ("accept", "reject") or not chosen:
            model_admin.message_user(
                request, gettext("Choose one or more drafts, then accept or reject them."), messages.WARNING
            )
        else:
            done = 0
            reason = request.POST.get("reason", "").strip()
            for commitment in chosen:
                try:
                    if decision == "accept":
                        services.draft_accept(commitment_id=commitment.pk, by=request.user, now=timezone.now())
                    else:
                        services.draft_reject(
                            commitment_id=commitment.pk, by=request.user, now=timezone.now(), reason=reason
                        )
                    done += 1
                except (PermissionDenied, ValidationError) as error:
                    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                    model_admin.message_user(request, f"“{commitment.title}”: {text}", messages.WARNING)
            if done:
                if decision == "accept":
                    text = ngettext(
                        "%(count)s draft(s) accepted for tracking.", "%(count)s draft(s) accepted for tracking.", done
                    )
                else:
                    text = ngettext("%(count)s draft(s) rejected.", "%(count)s draft(s) rejected.", done)
                model_admin.message_user(request, text % {"count": done}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:summits_summit_review", args=[summit.pk]))
    drafts = [c for c in commitments if c.status == Status.DRAFT]
    return TemplateResponse(
        request,
        "admin/summits/summit/review.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": gettext("Review drafts: %(title)s") % {"title": summit.title},
            "opts": model_admin.model._meta,
            "summit": summit,
            "commitments": commitments,
            "drafts": drafts,
            "source": highlighted(summit.source_text, commitments, follow_ups),
            # The meeting's records in other languages, each with the same commitments' spans marked.
            "other_records": [
                (
                    record,
                    record_language_name(record.language),
                    record_language_name(summit.source_language),
                    highlighted_other(record.text, record.language, commitments),
                )
                for record in summit.records.all()
            ],
            "follow_ups": follow_ups,
            "can_decide_follow_ups": {
                f.pk for f in follow_ups if policy.can_edit_commitment(request.user, f.commitment)
            },
            "rejected": RejectedDraft.objects.filter(summit=summit).select_related("rejected_by"),
            "can_decide": any(policy.can_edit_commitment(request.user, c) for c in drafts),
        },
    )

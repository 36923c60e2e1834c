"""Measuring the importer on hand-labelled meeting records (`make eval`).

The labels (`labels.json` in the records folder, format in its README) mark, per record, each
commitment a careful reader finds — its verbatim span, who is bound, the deadline window — and the
sentences that are not commitments, with why. The evaluation reads each record's body as a person
would paste it (without the corpus's own `# key: value` header), parses and extracts it exactly as
an import does, and compares:

- **recall**: labelled commitments that some draft covers (spans overlapping by at least half of the
  shorter one), over all labelled commitments;
- **precision**: drafts that cover a labelled commitment, over all drafts. A draft on a sentence the
  labels list as *not* a commitment is a false alarm with the labeller's reason beside it;
- **deadline**: of the commitments found, those whose draft's latest day (`due_by`) is the labelled
  `deadline_latest` (both "none" counts as right). The earliest day is not compared: the labels
  start most windows at the meeting, the importer only when the phrase says so;
- **bound**: of the commitments found, those whose draft binds exactly the labelled parties;
- **meeting date**: read right, asked for (the text carries no full date; the importer asks and a
  person types it, as `import_record --date` does), or wrong; and the **parties** read.

Nothing here touches the database: an import's only database-dependent reading (anchoring "on the
occasion of" to a meeting already recorded) cannot apply to a corpus of unrelated records.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

from .align import Point, points_align
from .extract import Draft, extract
from .reading import drafts_extract, record_parse
from .record import Record

LABELS = "labels.json"


class CorpusMissing(Exception):
    """The labelled records are not where the settings say; the message says where it looked."""


def corpus_dir() -> Path:
    """The records folder: PLEDGEBOOK_RECORDS_DIR, else `shared/records` beside this checkout, else beside
    the repository this checkout was cloned from (a fresh clone in /tmp still finds the corpus)."""
    configured = getattr(settings, "PLEDGEBOOK_RECORDS_DIR", "")
    if configured:
        path = Path(configured).expanduser()
        if not (path / LABELS).is_file():
            raise CorpusMissing(f"PLEDGEBOOK_RECORDS_DIR is {path}, but it has no {LABELS}.")
        return path
    candidates = [Path(settings.BASE_DIR).parent / "shared" / "records"]
    origin = _origin_checkout(Path(settings.BASE_DIR))
    if origin is not None:
        candidates.append(origin.parent / "shared" / "records")
    for path in candidates:
        if (path / LABELS).is_file():
            return path
    looked = ", ".join(str(path) for path in candidates)
    raise CorpusMissing(f"No labelled records found (looked in {looked}); set PLEDGEBOOK_RECORDS_DIR to the folder.")


def _origin_checkout(base: Path) -> Path | None:
    """The local repository `base` was cloned from, if it was cloned from a folder on this machine."""
    try:
        url = subprocess.run(
            ["git", "-C", str(base), "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(url.removeprefix("file://")) if url and "://" not in url.replace("file://", "") else None
    if path is None or not path.is_dir():
        return None
    return path.parent if path.name == ".git" else path


@dataclass(frozen=True)
class LabelledRecord:
    id: str
    file: str
    language: str
    body: str
    meeting_date: date
    parties: tuple[str, ...]
    commitments: tuple[dict[str, Any], ...]
    non_commitments: tuple[dict[str, Any], ...]


def record_body(text: str) -> str:
    """The text after a corpus header (`# key: value` lines ended by `---`), without the final newline."""
    if text.startswith("# "):
        _head, separator, body = text.partition("\n---\n")
        if separator:
            text = body
    return text.removesuffix("\n")


def corpus_languages(directory: Path) -> dict[str, str]:
    """Each labelled record's id and language ("en" or "ja")."""
    return {item["id"]: item["language"] for item in json.loads((directory / LABELS).read_text(encoding="utf-8"))}


def corpus_load(directory: Path, language: str = "en", only: Iterable[str] = ()) -> list[LabelledRecord]:
    wanted = set(only)
    records = []
    for item in json.loads((directory / LABELS).read_text(encoding="utf-8")):
        if item["language"] != language or (wanted and item["id"] not in wanted):
            continue
        body = record_body((directory / item["file"]).read_text(encoding="utf-8"))
        for label in item["commitments"]:
            if body[label["quote_start"] : label["quote_end"]] != label["quote"]:
                raise ValueError(f"{item['id']}: a label's offsets do not hold its quote: {label['quote'][:60]!r}")
        records.append(
            LabelledRecord(
                id=item["id"],
                file=item["file"],
                language=item["language"],
                body=body,
                meeting_date=date.fromisoformat(item["meeting_date"]),
                parties=tuple(item["parties"]),
                commitments=tuple(item["commitments"]),
                non_commitments=tuple(item["non_commitments"]),
            )
        )
    if wanted - {record.id for record in records}:
        raise ValueError(f"No {language} record with id {', '.join(sorted(wanted - {r.id for r in records}))}.")
    return records


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    shared = min(a_end, b_end) - max(a_start, b_start)
    return shared > 0 and shared >= 0.5 * min(a_end - a_start, b_end - b_start)


def _latest(label: dict[str, Any]) -> date | None:
    value = label.get("deadline_latest")
    return None if value in (None, "none") else date.fromisoformat(value)


@dataclass
class RecordScore:
    id: str
    labels: int
    drafts: int
    found: int
    true_drafts: int
    deadline_right: int
    bound_right: int  # commitments found whose draft binds the labelled parties
    date: str  # right, asked or wrong
    date_read: dt.date | None
    parties_read: tuple[str, ...]
    parties_right: bool
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[tuple[Draft, str]] = field(default_factory=list)  # (draft, the labels' reason if any)
    deadline_wrong: list[tuple[dict[str, Any], Draft]] = field(default_factory=list)


def record_evaluate(
    labelled: LabelledRecord, extractor: Callable[[Record], list[Draft]] = extract, zone: str = "UTC"
) -> RecordScore:
    record = record_parse(labelled.body, zone, settings.PLEDGEBOOK_HOME_PARTY)
    if record.meeting_date is None:
        verdict = "asked"
        record.meeting_date = labelled.meeting_date  # what the person asked would type
        date_read = None
    else:
        date_read = record.meeting_date
        verdict = "right" if date_read == labelled.meeting_date else "wrong"
    drafts = drafts_extract(record, extractor)
    score = RecordScore(
        id=labelled.id,
        labels=len(labelled.commitments),
        drafts=len(drafts),
        found=0,
        true_drafts=0,
        deadline_right=0,
        bound_right=0,
        date=verdict,
        date_read=date_read,
        parties_read=tuple(record.parties),
        parties_right=set(record.parties[:2]) == set(labelled.parties),
    )
    for label in labelled.commitments:
        covering = [d for d in drafts if _overlaps(d.start, d.end, label["quote_start"], label["quote_end"])]
        if not covering:
            score.misses.append(label)
            continue
        score.found += 1
        if any(set(d.made_by) == set(label["made_by"]) for d in covering):
            score.bound_right += 1
        expected = _latest(label)
        best = next((d for d in covering if (d.window.due_by if d.window else None) == expected), None)
        if best is not None:
            score.deadline_right += 1
        else:
            score.deadline_wrong.append((label, covering[0]))
    for draft in drafts:
        if any(_overlaps(draft.start, draft.end, c["quote_start"], c["quote_end"]) for c in labelled.commitments):
            score.true_drafts += 1
            continue
        reason = next(
            (
                n.get("reason", "")
                for n in labelled.non_commitments
                if "quote_start" in n and _overlaps(draft.start, draft.end, n["quote_start"], n["quote_end"])
            ),
            "",
        )
        score.false_alarms.append((draft, reason))
    return score


@dataclass
class CorpusScore:
    records: list[RecordScore]

    def _sum(self, name: str) -> int:
        return sum(getattr(record, name) for record in self.records)

    @property
    def recall(self) -> float:
        return self._sum("found") / max(1, self._sum("labels"))

    @property
    def precision(self) -> float:
        return self._sum("true_drafts") / max(1, self._sum("drafts"))

    @property
    def deadline(self) -> float:
        return self._sum("deadline_right") / max(1, self._sum("found"))

    @property
    def bound(self) -> float:
        return self._sum("bound_right") / max(1, self._sum("found"))

    @property
    def dates_wrong(self) -> int:
        return sum(record.date == "wrong" for record in self.records)

    @property
    def dates_asked(self) -> int:
        return sum(record.date == "asked" for record in self.records)

    @property
    def parties(self) -> float:
        return sum(record.parties_right for record in self.records) / max(1, len(self.records))


def corpus_evaluate(
    records: Iterable[LabelledRecord], extractor: Callable[[Record], list[Draft]] = extract
) -> CorpusScore:
    return CorpusScore([record_evaluate(record, extractor) for record in records])


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "  — "


def report_lines(score: CorpusScore, details: bool = True) -> list[str]:
    """The per-record table, the totals, then (with `details`) every miss, false alarm and wrong window."""
    lines = [
        f"{'record':8} {'labels':>6} {'drafts':>6} {'recall':>6} {'prec.':>6} {'deadl.':>6} {'bound':>6}"
        "  date    parties",
    ]
    for r in score.records:
        lines.append(
            f"{r.id:8} {r.labels:6} {r.drafts:6} {_ratio(r.found, r.labels):>6} {_ratio(r.true_drafts, r.drafts):>6} "
            f"{_ratio(r.deadline_right, r.found):>6} {_ratio(r.bound_right, r.found):>6}  {r.date:7} "
            f"{'+'.join(r.parties_read) or '-'}" + ("" if r.parties_right else "  (parties wrong)")
        )
    lines.append(
        f"{'all':8} {score._sum('labels'):6} {score._sum('drafts'):6} {score.recall:6.2f} {score.precision:6.2f} "
        f"{score.deadline:6.2f} {score.bound:6.2f}  "
        f"{len(score.records) - score.dates_wrong - score.dates_asked} right, "
        f"{score.dates_asked} asked, {score.dates_wrong} wrong; parties right in {score.parties:.0%}"
    )
    if not details:
        return lines
    for r in score.records:
        if not (r.misses or r.false_alarms or r.deadline_wrong or r.date == "wrong"):
            continue
        lines.append("")
        lines.append(f"== {r.id}")
        if r.date == "wrong":
            lines.append(f"  date read {r.date_read}")
        for label in r.misses:
            lines.append(f"  miss        [{'+'.join(label['made_by'])}] {label['quote'][:150]}")
        for draft, reason in r.false_alarms:
            why = f"  ({reason[:80]})" if reason else ""
            lines.append(f"  false alarm [{'+'.join(draft.made_by)} {draft.modality}] {draft.quote[:150]}{why}")
        for label, draft in r.deadline_wrong:
            got = draft.window.due_by if draft.window else None
            phrase = draft.window.phrase if draft.window else ""
            lines.append(
                f"  deadline    {label.get('deadline_phrase')!r} → {label.get('deadline_latest')} "
                f"but read {phrase!r} → {got or 'none'}: {label['quote'][:80]}"
            )
    return lines


@dataclass
class AlignmentScore:
    """Of the labelled pair commitments (a Japanese commitment and the same one on the English page), how
    many the importer's drafts aligned to the right counterpart."""

    pairs: int = 0
    right: int = 0
    wrong: list[tuple[str, str]] = field(default_factory=list)  # (label id, what happened)

    @property
    def accuracy(self) -> float:
        return self.right / max(1, self.pairs)


def _drafts_of(labelled: LabelledRecord, extractor: Callable[[Record], list[Draft]]) -> list[Draft]:
    record = record_parse(labelled.body, "UTC", settings.PLEDGEBOOK_HOME_PARTY)
    record.meeting_date = record.meeting_date or labelled.meeting_date
    return drafts_extract(record, extractor)


def draft_point(draft: Draft, language: str) -> Point:
    return Point(
        quote=draft.quote,
        start=draft.start,
        language=language,
        kind=draft.kind,
        made_by=tuple(draft.made_by),
        due_by=draft.window.due_by if draft.window else None,
    )


def alignment_evaluate(
    directory: Path, extractor: Callable[[Record], list[Draft]] = extract, only: Iterable[str] = ()
) -> AlignmentScore:
    """Import both languages of each paired record and align their drafts as an attach would; a pair is right
    when a draft covering one label is aligned with a draft covering its partner."""
    items = json.loads((directory / LABELS).read_text(encoding="utf-8"))
    wanted = set(only)
    by_id = {item["id"]: item for item in items}
    score = AlignmentScore()
    for item in items:
        if item["language"] != "ja" or not item.get("pair") or (wanted and item["id"] not in wanted):
            continue
        [japanese] = corpus_load(directory, "ja", [item["id"]])
        [english] = corpus_load(directory, by_id[item["pair"]]["language"], [item["pair"]])
        ja_drafts, en_drafts = _drafts_of(japanese, extractor), _drafts_of(english, extractor)
        matches = points_align([draft_point(d, "ja") for d in ja_drafts], [draft_point(d, "en") for d in en_drafts])
        partners = {label["id"]: label for label in english.commitments}
        for label in japanese.commitments:
            partner = partners.get(label.get("pair_commitment") or "")
            if partner is None:
                continue
            score.pairs += 1
            ours = [
                i
                for i, d in enumerate(ja_drafts)
                if _overlaps(d.start, d.end, label["quote_start"], label["quote_end"])
            ]
            theirs = {
                j
                for j, d in enumerate(en_drafts)
                if _overlaps(d.start, d.end, partner["quote_start"], partner["quote_end"])
            }
            if any(matches.get(i) in theirs for i in ours):
                score.right += 1
            elif not ours or not theirs:
                score.wrong.append(
                    (label["id"], "no draft covers it" if not ours else f"no draft covers {partner['id']}")
                )
            else:
                got = [en_drafts[matches[i]].quote[:60] for i in ours if i in matches]
                score.wrong.append((label["id"], f"aligned with {got[0]!r}" if got else "left unaligned"))
    return score


def alignment_lines(score: AlignmentScore) -> list[str]:
    lines = [
        f"Alignment of paired records: {score.right}/{score.pairs} pair commitments aligned ({score.accuracy:.2f})"
    ]
    lines += [f"  {label}: {what}" for label, what in score.wrong]
    return lines

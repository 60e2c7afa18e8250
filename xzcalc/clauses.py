"""The clause texts of the five documents (data/clauses/*.toml), for quoting sources in `explain` and reports."""

from __future__ import annotations

from functools import cache

from .data import data_dir, load_data
from .record import record

__all__ = ["Clause", "all_clauses", "clause"]


@record
class Clause:
    cite: str
    document: str
    n: str
    section: str
    text: str
    summary_zh: str
    summary_en: str
    addressee: str
    policies: tuple[str, ...]
    note: str


@cache
def all_clauses() -> dict[str, Clause]:
    """cite → Clause, for every clause of every document in data/clauses/ (empty if not shipped)."""
    out: dict[str, Clause] = {}
    folder = data_dir() / "clauses"
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
        doc = load_data(f"clauses/{path.name}")
        for c in doc.get("clause", []):
            out[c["cite"]] = Clause(
                cite=c["cite"],
                document=doc["document"]["cite_prefix"],
                n=str(c["n"]),
                section=c.get("section", ""),
                text=c["text"],
                summary_zh=c.get("summary_zh", ""),
                summary_en=c.get("summary_en", ""),
                addressee=c.get("addressee", ""),
                policies=tuple(c.get("policies", ())),
                note=c.get("note", ""),
            )
    return out


def clause(cite: str) -> Clause | None:
    return all_clauses().get(cite)

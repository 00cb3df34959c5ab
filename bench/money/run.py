"""Benchmark of the money extractor (``actions.amounts.extract``) on a held-out set.

Run from the repository root::

    python -m bench.money.run               # print the table, write var/bench/money.json and
                                            # the dated section of docs/benchmarks.md
    python -m bench.money.run --no-doc      # print only

The set, ``bench/money/heldout.yml``, was written without reading the extractor, its word
lists or its tests (see the file's header for the labels). Scored:

- amounts: precision and recall of (value, currency) pairs, exact, as a multiset per message;
  the same on the value alone, to tell a number misread from a currency guessed;
- false figures: messages whose label has no amount but where the extractor returns one. The
  dialogue opens the money help whenever ``.amounts`` is not empty (``actions/flow.py``), so
  every such amount is a figure a worker may be answered about; the share whose amount has a
  role, and the share with a ``.wage``, are given too;
- months unpaid (``.months``) over every message (null must stay null), the contract
  month/year (``.contract_date``), the month unpaid since (``.since``) and the year of stay;
- all of it per language (``id``, ``en``) and overall, with the most instructive misses.

Re-running on the same date replaces that date's section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import yaml  # noqa: E402

HELDOUT_FILE = Path(__file__).resolve().parent / "heldout.yml"
DOC_FILE = REPO_ROOT / "docs" / "benchmarks.md"
JSON_DIR = REPO_ROOT / "var" / "bench"  # money-<set>.json: every message scored
SECTION_TITLE = "money amounts (`python -m bench.money.run`) on"
# How bad a miss is, for choosing the instructive ones: a figure where there is none is the
# worst (a worker may be told a sum that is not theirs), then a misread number, and so on.
SEVERITY = {
    "false_figure": 6,
    "wrong_value": 5,
    "wrong_currency": 4,
    "wrong_role": 4,
    "false_months": 4,
    "wrong_months": 4,
    "missed_amount": 3,
    "missed_months": 2,
    "wrong_contract": 2,
    "wrong_since": 1,
    "wrong_year_of_stay": 1,
}
# How many misses of each kind the report lists (ten in all): the false figures first.
QUOTA = {
    "false_figure": 3,
    "wrong_value": 2,
    "wrong_role": 2,
    "false_months": 1,
    "missed_amount": 1,
    "wrong_currency": 1,
}
# Roles compared for "role right". Any matched amount given another role than the label's is
# misread (an owed total or an allowance read as the wage too); one given no role is not.
ROLES_COMPARED = {"wage", "fee", "deduction", "debt"}
GROUPS = ("id", "en", "all")

Pair = tuple[Decimal, "str | None"]


# -- the set ------------------------------------------------------------------------------


def decimal(value: Any) -> Decimal:
    """A label's value as a Decimal (YAML gives int or float)."""
    return Decimal(str(value)).normalize()


def load_items(path: Path = HELDOUT_FILE) -> list[dict[str, Any]]:
    """The labelled messages, with every optional label filled in (None when absent)."""
    items = []
    for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]:
        contract = raw.get("contract")
        items.append(
            {
                "id": raw["id"],
                "text": raw["text"],
                "lang": raw["lang"],
                "country": raw.get("country"),
                "amounts": [
                    (decimal(a["value"]), a.get("currency"), a.get("role"))
                    for a in raw.get("amounts") or []
                ],
                "months": raw.get("months"),
                "contract": (contract["year"], contract.get("month")) if contract else None,
                "since": raw.get("since"),
                "year_of_stay": raw.get("year_of_stay"),
                "tags": list(raw.get("tags") or []),
                "note": raw.get("note"),
            }
        )
    return items


# -- what the extractor returned ----------------------------------------------------------


def predicted(result: Any) -> dict[str, Any]:
    """The fields of an ``Extraction`` this benchmark scores, as plain values."""
    contract = getattr(result, "contract_date", None)
    since = getattr(result, "since", None)
    return {
        "amounts": [
            (decimal(a.value), a.currency, a.role) for a in getattr(result, "amounts", ()) or ()
        ],
        "months": getattr(result, "months", None),
        "contract": (contract.year, contract.month) if contract else None,
        "since": since.month if since else None,
        "year_of_stay": getattr(result, "year_of_stay", None),
        "wage": getattr(result, "wage", None) is not None,
    }


def match(gold: Iterable[Pair], got: Iterable[Pair]) -> tuple[int, list[Pair], list[Pair]]:
    """Multiset match of (value, currency) pairs: true positives, unmatched gold, unmatched got."""
    left = Counter(got)
    tp, missed = 0, []
    for pair in gold:
        if left[pair] > 0:
            left[pair] -= 1
            tp += 1
        else:
            missed.append(pair)
    return tp, missed, list(left.elements())


def score_item(item: dict[str, Any], pred: dict[str, Any]) -> dict[str, Any]:
    """Counts and misses of one message."""
    gold_pairs = [(v, c) for v, c, _ in item["amounts"]]
    got_pairs = [(v, c) for v, c, _ in pred["amounts"]]
    tp, missed, extra = match(gold_pairs, got_pairs)
    vtp, vmissed, vextra = match(
        [(v, None) for v, _ in gold_pairs], [(v, None) for v, _ in got_pairs]
    )
    roles = {(v, c): r for v, c, r in pred["amounts"]}
    role_pairs = [(r, roles[(v, c)]) for v, c, r in item["amounts"] if (v, c) in roles]
    misread = [(g, p) for g, p in role_pairs if p is not None and p != g]
    kinds: list[str] = []
    if not gold_pairs and got_pairs:
        kinds.append("false_figure")
    else:
        wrong_values = {v for v, _ in vextra}
        if wrong_values:
            kinds.append("wrong_value")
        if any(v not in wrong_values for v, _ in extra):
            kinds.append("wrong_currency")
        if vmissed:
            kinds.append("missed_amount")
        if misread:
            kinds.append("wrong_role")
    gm, pm = item["months"], pred["months"]
    if gm != pm:
        kinds.append(
            "false_months" if gm is None else "missed_months" if pm is None else "wrong_months"
        )
    for field in ("contract", "since", "year_of_stay"):
        if item[field] != pred[field]:
            kinds.append(f"wrong_{field}")
    return {
        "tp": tp,
        "fp": len(extra),
        "fn": len(missed),
        "value_tp": vtp,
        "value_fp": len(vextra),
        "value_fn": len(vmissed),
        "no_figure": not gold_pairs,
        "false_figure": not gold_pairs and bool(got_pairs),
        "false_figure_with_role": not gold_pairs and any(r for _, _, r in pred["amounts"]),
        "false_wage": not gold_pairs and pred["wage"],
        "false_amounts": len(got_pairs) if not gold_pairs else 0,
        "months_ok": gm == pm,
        "months_given": gm is not None,
        "months_found": gm is not None and gm == pm,
        "months_false": gm is None and pm is not None,
        "contract_given": item["contract"] is not None,
        "contract_ok": item["contract"] == pred["contract"],
        "since_given": item["since"] is not None,
        "since_ok": item["since"] == pred["since"],
        "yos_given": item["year_of_stay"] is not None,
        "yos_ok": item["year_of_stay"] == pred["year_of_stay"],
        "all_ok": not kinds,
        "roles": role_pairs,
        "roles_misread": misread,
        "kinds": kinds,
        "extra": extra,
        "missed": missed,
    }


def ratio(num: int, den: int) -> float | None:
    """num / den, or None when there is nothing to divide."""
    return num / den if den else None


def aggregate(scored: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals and rates over a group of scored messages."""
    total = {
        k: sum(s[k] for s in scored) for k in ("tp", "fp", "fn", "value_tp", "value_fp", "value_fn")
    }
    no_fig = [s for s in scored if s["no_figure"]]
    with_months = [s for s in scored if s["months_given"]]
    without_months = [s for s in scored if not s["months_given"]]
    role_pairs = [p for s in scored for p in s["roles"]]
    return {
        "messages": len(scored),
        **total,
        "precision": ratio(total["tp"], total["tp"] + total["fp"]),
        "recall": ratio(total["tp"], total["tp"] + total["fn"]),
        "value_precision": ratio(total["value_tp"], total["value_tp"] + total["value_fp"]),
        "value_recall": ratio(total["value_tp"], total["value_tp"] + total["value_fn"]),
        "no_figure_messages": len(no_fig),
        "false_figure_messages": sum(s["false_figure"] for s in no_fig),
        "false_figure_rate": ratio(sum(s["false_figure"] for s in no_fig), len(no_fig)),
        "false_figure_with_role": sum(s["false_figure_with_role"] for s in no_fig),
        "false_wage": sum(s["false_wage"] for s in no_fig),
        "false_amounts": sum(s["false_amounts"] for s in no_fig),
        "months_accuracy": ratio(sum(s["months_ok"] for s in scored), len(scored)),
        "months_recall": ratio(sum(s["months_found"] for s in with_months), len(with_months)),
        "months_found": sum(s["months_found"] for s in with_months),
        "months_given": len(with_months),
        "months_false": sum(s["months_false"] for s in without_months),
        "contract_given": sum(s["contract_given"] for s in scored),
        "contract_found": sum(s["contract_ok"] for s in scored if s["contract_given"]),
        "contract_false": sum(not s["contract_ok"] for s in scored if not s["contract_given"]),
        "since_given": sum(s["since_given"] for s in scored),
        "since_found": sum(s["since_ok"] for s in scored if s["since_given"]),
        "since_false": sum(not s["since_ok"] for s in scored if not s["since_given"]),
        "yos_given": sum(s["yos_given"] for s in scored),
        "yos_found": sum(s["yos_ok"] for s in scored if s["yos_given"]),
        "yos_false": sum(not s["yos_ok"] for s in scored if not s["yos_given"]),
        "role_agreement": ratio(
            sum(g == p for g, p in role_pairs if g in ROLES_COMPARED),
            sum(1 for g, _ in role_pairs if g in ROLES_COMPARED),
        ),
        "roles_misread": sum(len(s["roles_misread"]) for s in scored),
        "messages_all_right": sum(s["all_ok"] for s in scored),
    }


def evaluate(
    items: list[dict[str, Any]], extract: Callable[[str, str | None], Any] | None = None
) -> dict[str, Any]:
    """Run ``extract`` (default: the shipped extractor) on every item and score it."""
    if extract is None:
        from actions.amounts import extract
    rows = []
    for item in items:
        pred = predicted(extract(item["text"], item["country"]))
        rows.append({"item": item, "pred": pred, "score": score_item(item, pred)})
    groups = {
        lang: aggregate([r["score"] for r in rows if lang == "all" or r["item"]["lang"] == lang])
        for lang in GROUPS
    }
    tags = sorted({t for r in rows for t in r["item"]["tags"]})
    by_tag = {t: aggregate([r["score"] for r in rows if t in r["item"]["tags"]]) for t in tags}
    return {"groups": groups, "tags": by_tag, "rows": rows, "misses": instructive(rows)}


# -- misses -------------------------------------------------------------------------------


def shorten(text: str, limit: int = 64) -> str:
    """The message cut to ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def show_pairs(pairs: Iterable[tuple[Any, ...]]) -> str:
    """``4500 HKD, 1800 ?`` (? = no currency)."""
    return ", ".join(f"{plain(p[0])} {p[1] or '?'}" for p in pairs) or "none"


def plain(value: Decimal) -> str:
    """Decimal('1.5E+7') -> '15,000,000'; Decimal('4.5') -> '4.5'."""
    return f"{value:,f}"


def describe(row: dict[str, Any]) -> str:
    """What was expected and what came out, for the fields that differ."""
    item, pred, s = row["item"], row["pred"], row["score"]
    parts = []
    if s["extra"] or s["missed"]:
        parts.append(
            f"amounts: expected {show_pairs(item['amounts'])}, got {show_pairs(pred['amounts'])}"
        )
    if s["roles_misread"]:
        parts.append("role: " + ", ".join(f"{g} read as {p}" for g, p in s["roles_misread"]))
    for field in ("months", "contract", "since", "year_of_stay"):
        if item[field] != pred[field]:
            parts.append(f"{field}: expected {item[field]}, got {pred[field]}")
    return "; ".join(parts)


def instructive(rows: list[dict[str, Any]], limit: int = 10) -> list[dict[str, Any]]:
    """The worst misses, up to QUOTA of each kind, worst kind first.

    Among false figures, those the extractor gave a role (a wage, a fee) come first: they are
    the ones the money help would compute with.
    """
    wrong = [r for r in rows if r["score"]["kinds"]]
    wrong.sort(
        key=lambda r: (
            -max(SEVERITY[k] for k in r["score"]["kinds"]),
            not r["score"]["false_figure_with_role"],
            r["item"]["id"],
        )
    )
    by_kind: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in wrong:
        kind = max(row["score"]["kinds"], key=lambda k: SEVERITY[k])
        by_kind.setdefault(kind, {}).setdefault(row["item"]["lang"], []).append(row)
    chosen = []
    for kind, langs in by_kind.items():  # worst kind first (insertion order)
        queues = [list(q) for _, q in sorted(langs.items(), key=lambda kv: kv[0] != "id")]
        picked, seen = [], set()
        while queues and len(picked) < QUOTA.get(kind, 0):  # one language, then the other
            row = queues[0].pop(0)
            if describe(row) not in seen:  # "below 5000" and "di bawah 5000": one is enough
                seen.add(describe(row))
                picked.append(row)
            queues = [q for q in queues[1:] + queues[:1] if q]
        chosen += [(kind, row) for row in picked]
    out = []
    for kind, row in chosen[:limit]:
        out.append(
            {
                "id": row["item"]["id"],
                "lang": row["item"]["lang"],
                "country": row["item"]["country"],
                "text": shorten(row["item"]["text"]),
                "kind": kind,
                "detail": describe(row),
                "note": row["item"]["note"],
            }
        )
    return out


# -- report -------------------------------------------------------------------------------


def pct(value: float | None) -> str:
    """0.873 -> '0.873'; None -> '—'."""
    return "—" if value is None else f"{value:.3f}"


def table(result: dict[str, Any]) -> str:
    """The Markdown table: one column per language and overall."""
    g = result["groups"]

    def row(label: str, cell: Callable[[dict[str, Any]], str]) -> str:
        return f"| {label} | " + " | ".join(cell(g[lang]) for lang in GROUPS) + " |"

    lines = [
        "| measure | id | en | all |",
        "|---|---|---|---|",
        row("messages", lambda x: str(x["messages"])),
        row("amounts labelled / extracted", lambda x: f"{x['tp'] + x['fn']} / {x['tp'] + x['fp']}"),
        row("amount precision (value + currency exact)", lambda x: f"**{pct(x['precision'])}**"),
        row("amount recall (value + currency exact)", lambda x: f"**{pct(x['recall'])}**"),
        row(
            "amount precision / recall, value only",
            lambda x: f"{pct(x['value_precision'])} / {pct(x['value_recall'])}",
        ),
        row(
            "**false figures**: no-figure messages with an amount",
            lambda x: (
                f"**{x['false_figure_messages']} / {x['no_figure_messages']}** ({pct(x['false_figure_rate'])})"
            ),
        ),
        row(
            "… of which an amount with a role / a `.wage`",
            lambda x: f"{x['false_figure_with_role']} / {x['false_wage']}",
        ),
        row("months unpaid accuracy (null must stay null)", lambda x: pct(x["months_accuracy"])),
        row("months found where stated", lambda x: f"{x['months_found']} / {x['months_given']}"),
        row("months given where none stated", lambda x: str(x["months_false"])),
        row(
            "contract date found / given; false",
            lambda x: f"{x['contract_found']} / {x['contract_given']}; {x['contract_false']}",
        ),
        row(
            "unpaid-since month found / given; false",
            lambda x: f"{x['since_found']} / {x['since_given']}; {x['since_false']}",
        ),
        row(
            "year of stay found / given; false",
            lambda x: f"{x['yos_found']} / {x['yos_given']}; {x['yos_false']}",
        ),
        row(
            "role right (wage/fee/deduction/debt, matched amounts)",
            lambda x: pct(x["role_agreement"]),
        ),
        row("role misread (another role than the label's)", lambda x: str(x["roles_misread"])),
        row("messages entirely right", lambda x: f"{x['messages_all_right']} / {x['messages']}"),
    ]
    return "\n".join(lines)


def tag_table(result: dict[str, Any]) -> str:
    """Recall, precision and false figures by tag."""
    lines = ["| tag | messages | precision | recall | false figures |", "|---|---|---|---|---|"]
    for tag, x in result["tags"].items():
        ff = (
            f"{x['false_figure_messages']} / {x['no_figure_messages']}"
            if x["no_figure_messages"]
            else "—"
        )
        lines.append(
            f"| {tag} | {x['messages']} | {pct(x['precision'])} | {pct(x['recall'])} | {ff} |"
        )
    return "\n".join(lines)


def misses_list(result: dict[str, Any]) -> str:
    """The instructive misses as a Markdown list."""
    lines = []
    for m in result["misses"]:
        note = f" *({m['note']})*" if m["note"] else ""
        lines.append(
            f"- **{m['kind'].replace('_', ' ')}** `{m['id']}` ({m['lang']}, {m['country'] or 'no country'}): "
            f'"{m["text"]}": {m["detail"]}{note}'
        )
    return "\n".join(lines)


def rupiah_left_open(result: dict[str, Any]) -> int:
    """Amounts labelled IDR (jt/juta beside a foreign country) the extractor left without currency."""
    return sum(
        1
        for r in result["rows"]
        for v, c in r["score"]["missed"]
        if c == "IDR" and (v, None) in r["score"]["extra"]
    )


def tuning_note(path: Path) -> str | None:
    """The set's own ``tuned_on`` remark: said when the extractor was since tuned on it."""
    note = yaml.safe_load(path.read_text(encoding="utf-8")).get("tuned_on")
    return str(note).strip() if note else None


def heading(date: str, path: Path) -> str:
    """The section heading for one set: one section per set and date."""
    return f"## {date} — {SECTION_TITLE} `{path.name}`"


def section(result: dict[str, Any], date: str, path: Path = HELDOUT_FILE) -> str:
    """The dated section of docs/benchmarks.md for the set at ``path``."""
    a = result["groups"]["all"]
    tuned = tuning_note(path)
    intro = (
        f"{a['messages']} messages in `bench/money/{path.name}` "
        f"({result['groups']['id']['messages']} Indonesian, formal and informal; "
        f"{result['groups']['en']['messages']} English, some code-mixed), written without "
        "reading the extractor, its word lists or its tests. "
        f'{a["no_figure_messages"]} have no amount at all (ranges, "about", bounds, two '
        "guesses, dates, phone, passport and ID numbers, hours, children, percentages, "
        "or only months). An amount counts only with its value and its currency exactly "
        "right (currency null where it is not written and the country does not say). The "
        "dialogue opens the money help on any amount (`actions/flow.py`), so a false figure "
        "is an amount on a message that has none."
    )
    judgement = (
        "One labelling judgement to weigh: the set reads `jt`/`juta` as rupiah even beside a "
        f"foreign country (a fee paid at home). Of the {a['value_tp'] - a['tp']} amounts with "
        f"the value right and the currency wrong, {rupiah_left_open(result)} are such amounts "
        "left without a currency: the cautious side of the error."
    )
    caveat = f"**Tuned on this set since it was written**: {tuned}" if tuned else ""
    return "\n".join(
        [
            heading(date, path),
            "",
            textwrap.fill(intro, width=95),
            "",
            *([textwrap.fill(caveat, width=95), ""] if caveat else []),
            table(result),
            "",
            textwrap.fill(judgement, width=95),
            "",
            "By tag (a message has several):",
            "",
            tag_table(result),
            "",
            textwrap.fill(
                "The most instructive misses (worst kind first; false figures the extractor "
                f"gave a role first; all misses are in `var/bench/money-{path.stem}.json`):",
                width=95,
            ),
            "",
            misses_list(result),
            "",
        ]
    )


def write_section(doc: Path, text: str, heading: str) -> None:
    """Put ``text`` first among the dated sections of ``doc``, replacing one with ``heading``."""
    lines = doc.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip("\n") == heading), None)
    if start is not None:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        del lines[start:end]
    else:
        start = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
    lines[start:start] = [text if text.endswith("\n") else text + "\n", "\n"]
    doc.write_text("".join(lines), encoding="utf-8")


def jsonable(result: dict[str, Any]) -> dict[str, Any]:
    """The result without Decimals and tuples, for var/bench/money.json."""
    rows = [
        {
            "id": r["item"]["id"],
            "lang": r["item"]["lang"],
            "country": r["item"]["country"],
            "text": r["item"]["text"],
            "kinds": r["score"]["kinds"],
            "expected": [[format(v, "f"), c, role] for v, c, role in r["item"]["amounts"]],
            "got": [[format(v, "f"), c, role] for v, c, role in r["pred"]["amounts"]],
            "months": [r["item"]["months"], r["pred"]["months"]],
        }
        for r in result["rows"]
    ]
    return {
        "groups": result["groups"],
        "tags": result["tags"],
        "misses": result["misses"],
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    """Score the extractor on the held-out set; print the table; write the JSON and the doc."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.money.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--set",
        type=Path,
        action="append",
        help="a labelled set (repeatable; default: every bench/money/heldout*.yml)",
    )
    parser.add_argument("--doc", type=Path, default=DOC_FILE, help="where the dated section goes")
    parser.add_argument("--no-doc", action="store_true", help="do not write the Markdown section")
    parser.add_argument("--json-dir", type=Path, default=JSON_DIR)
    parser.add_argument("--date", default=dt.date.today().isoformat(), help="the section's date")
    args = parser.parse_args(argv)
    sets = args.set or sorted(HELDOUT_FILE.parent.glob("heldout*.yml"), reverse=True)
    for path in sets:
        result = evaluate(load_items(path))
        text = section(result, args.date, path)
        print(text)
        out = args.json_dir / f"money-{path.stem}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(jsonable(result), indent=1, default=str), encoding="utf-8")
        if not args.no_doc:
            write_section(args.doc, text, heading(args.date, path))
            print(f"(section written to {args.doc}; JSON: {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The events registry: verified dates, traceability to the note, filters, user events, errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
import pytest
from reference_data import unavailable

import venecon
from venecon.policy import schema

REPO = Path(__file__).resolve().parents[1]


def research_dir() -> Path | None:
    raw = Path(os.environ.get("VENECON_RAW_DIR", REPO.parent / "shared" / "raw"))
    candidate = raw.parent / "research"
    return candidate if (candidate / "sanctions_timeline.md").is_file() else None


@pytest.fixture(scope="module")
def note() -> str:
    found = research_dir()
    if found is None:
        unavailable("shared/research/sanctions_timeline.md not found (set VENECON_RAW_DIR)")
    return (found / "sanctions_timeline.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def build_events():
    sys.path.insert(0, str(REPO / "datasets"))
    try:
        from _build import events as module
    finally:
        sys.path.remove(str(REPO / "datasets"))
    return module


@pytest.fixture(autouse=True)
def _no_user_events():
    venecon.reset_events()
    yield
    venecon.reset_events()


# -- the verified dates named in the issue -------------------------------------------------

@pytest.mark.parametrize(
    "ident, date, end",
    [
        ("eo13808", "2017-08-25", None),
        ("pdvsa-sdn", "2019-01-28", None),
        ("gl12", "2019-01-28", "2019-04-28"),
        ("gl41", "2022-11-26", None),
        ("gl44", "2023-10-18", "2024-04-18"),
        ("gl44-lapse", "2024-04-18", None),
        ("gl44a", "2024-04-17", "2024-05-31"),
        ("gl41a", "2025-03-04", "2025-04-03"),
        ("gl41b-expiry", "2025-05-27", None),
        ("chevron-licence-2025", "2025-07-29", None),
        ("eo14245-effective", "2025-04-02", None),
        ("gl46", "2026-01-29", None),
        ("gl47", "2026-02-03", None),
        ("gl48", "2026-02-10", None),
        ("gl46a", "2026-02-10", None),
        ("gl5u", "2026-02-02", None),
        ("gl49", "2026-02-13", None),
        ("gl50", "2026-02-13", None),
        ("gl50a", "2026-02-18", None),
        ("faq1236-1237", "2026-02-18", None),
        ("hydrocarbons-law-2026", "2026-01-29", None),
    ],
)
def test_verified_dates(ident, date, end):
    record = venecon.event(ident)
    assert record["date"] == pd.Timestamp(date)
    assert record["end"] == (pd.Timestamp(end) if end else None)
    assert record["verification"] == "V"
    assert record["date_precision"] == "day"


@pytest.mark.parametrize(
    "ident, date, precision",
    [
        ("gl5t", "2025-12-19", "day"),
        ("vitol-trafigura-licences-2026", "2026-01-01", "month"),
        ("us-import-licence-2026", "2026-03-13", "day"),
        ("pdvsa-sales-2026", "2026-03-18", "day"),
    ],
)
def test_partly_verified_2026_rows(ident, date, precision):
    record = venecon.event(ident)
    assert record["date"] == pd.Timestamp(date)
    assert record["verification"] == "P"
    assert record["date_precision"] == precision


def test_rows_the_note_now_dates_exactly_are_coded_to_the_day():
    # Month-precision before the note's 2026-12-02 corrections.
    for ident in ("gl49", "hydrocarbons-law-2026"):
        record = venecon.event(ident)
        assert record["date_precision"] == "day"
        assert "corrected" in record["date_text"]
    assert venecon.events()["date"].max() == pd.Timestamp("2026-03-18")


def test_eo13808_was_signed_the_day_before_it_took_effect():
    record = venecon.event("eo13808")
    assert record["announced"] == pd.Timestamp("2017-08-24")
    assert "82 FR 41155" in record["citation"]
    assert record["category"] == "financial" and record["direction"] == "tightening"


def test_federal_register_citations_are_carried():
    assert "88 FR 2237" in venecon.event("gl41")["citation"]
    assert "90 FR 13829" in venecon.event("eo14245")["citation"]
    assert "91 FR 2045" in venecon.event("eo14373")["citation"]
    assert "84 FR 38843" in venecon.event("eo13884")["citation"]
    # GL 8 through 8H were published together; the note's citation table says so.
    for ident in ("gl8", "gl8e", "gl8f", "gl8g", "gl8h"):
        assert "86 FR 59024" in venecon.event(ident)["citation"], ident


def test_range_dates_keep_the_alternative():
    record = venecon.event("chevron-licence-2025")
    assert record["date_text"] == "2025-07-29/30"
    assert "2025-07-30" in record["remarks"]


def test_registry_content_and_schema():
    frame = venecon.events()
    assert list(frame.columns) == [*schema.COLUMNS, "origin"]
    assert frame["id"].is_unique
    assert set(frame["verification"]) <= {"V", "P"}
    assert set(frame["category"]) == set(schema.CATEGORIES)
    assert set(frame["direction"]) <= set(schema.DIRECTIONS)
    assert frame["date"].is_monotonic_increasing
    assert frame["date"].min() >= pd.Timestamp("2005-01-01")
    assert frame["date"].max() <= pd.Timestamp("2026-12-31")
    assert frame[["citation", "tag_text", "date_text", "description"]].notna().all().all()
    ends = frame.dropna(subset=["end"])
    assert (ends["end"] >= ends["date"]).all()
    assert frame.attrs["venecon"]["datasets"]["events"] == (
        venecon.describe("events")["hash"].removeprefix("sha256:"))
    # Non-sanction events are their own category.
    military = frame[frame["category"] == "military-enforcement"]["id"].tolist()
    assert {"naval-deployment-2025", "boat-strikes", "skipper-seizure", "blockade",
            "centuries-seizure", "absolute-resolve"} == set(military)


def test_descriptor_lists_left_out_rows_and_the_note():
    entry = venecon.describe("events")
    assert entry["frequency"] == "event" and entry["schema"]["primaryKey"] == ["id"]
    assert len(entry["compiled_from"]["sha256"]) == 64
    notes = " ".join(entry["notes"])
    for phrase in ("Cuba", "historic oil agreement", "GL 3A, 9, 10, 11 and 14", "GL 8A-8D"):
        assert phrase in notes
    assert [f["name"] for f in entry["schema"]["fields"]] == schema.COLUMNS


# -- traceability to the research note ----------------------------------------------------

def test_every_event_comes_from_a_v_or_p_row_of_the_note(note, build_events):
    rows = build_events.main_table(note)
    frame = venecon.events()
    for coded in build_events.CODED:
        row = build_events.find_row(rows, coded.row)
        assert not row["tag"].startswith("U")
        record = frame.set_index("id").loc[coded.id]
        assert record["date_text"] == row["date"]
        assert record["tag_text"] == row["tag"]
        if "as above" in row["citation"]:
            assert "as above" in record["remarks"] and "as above" not in record["citation"]
        else:
            assert row["citation"] in record["citation"]
        assert record["verification"] in row["tag"]


def test_left_out_rows_are_the_u_rows_and_the_unverified_part(note, build_events):
    rows = build_events.main_table(note)
    u_rows = [r for r in rows if r["tag"].startswith("U")]
    left = [build_events.find_row(rows, item.row) for item in build_events.LEFT_OUT]
    assert all(r in left for r in u_rows)
    assert len(rows) == len({id(build_events.find_row(rows, c.row)) for c in build_events.CODED}
                            | {id(r) for r in left})


def test_the_committed_table_rebuilds_byte_for_byte(note, build_events, tmp_path):
    (entry,) = build_events.build(research_dir(), tmp_path)
    committed = REPO / "datasets" / "data" / "events.csv"
    assert (tmp_path / "events.csv").read_bytes() == committed.read_bytes()
    shipped = venecon.describe("events")
    shipped.pop("data_version")
    assert entry == shipped


def test_the_build_refuses_a_u_row(note, build_events):
    tampered = note.replace(
        "| 2022-11-26 | **GL 41** | OFAC |", "| 2022-11-26 | **GL 41** | OFAC |", 1)
    rows = tampered.splitlines()
    i = next(n for n, line in enumerate(rows) if line.startswith("| 2022-11-26 | **GL 41**"))
    rows[i] = rows[i].rsplit("|", 2)[0] + "| U |"
    with pytest.raises(ValueError, match="tagged U"):
        build_events.frame_from_note("\n".join(rows))


def test_the_build_refuses_a_missing_row(note, build_events):
    rows = [line for line in note.splitlines() if not line.startswith("| 2023-10-18 | **GL 44**")]
    with pytest.raises(ValueError, match="matches 0 rows"):
        build_events.frame_from_note("\n".join(rows))


def test_the_build_refuses_an_uncoded_row(note, build_events):
    extra = "| 2026-03-01 | GL 99 | OFAC | New | easing | oil trade | OFAC | V |"
    text = note.replace("| 2026-08 (U) |", extra + "\n| 2026-08 (U) |", 1)
    with pytest.raises(ValueError, match="neither coded nor listed"):
        build_events.frame_from_note(text)


# -- filters --------------------------------------------------------------------------------

def test_filters():
    chevron = venecon.events(entity="chevron")
    assert {"gl8", "gl41", "gl41a", "gl41b", "chevron-licence-2025"} <= set(chevron["id"])
    licences = venecon.events(category="company-licence", direction=["wind-down", "expiry"])
    assert set(licences["category"]) == {"company-licence"}
    assert set(licences["direction"]) == {"wind-down", "expiry"}
    window = venecon.events(start="2019-01-01", end="2019-12-31")
    assert window["date"].between("2019-01-01", "2019-12-31").all() and len(window) >= 10
    oil = venecon.events(scope="oil trade")
    assert oil["scope"].str.contains("oil trade", case=False).all()
    assert set(venecon.events(verification="P")["verification"]) == {"P"}


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"category": "military"}, venecon.UnknownValueError, "unknown category 'military'"),
        ({"category": "oil_trade"}, venecon.UnknownValueError, "Did you mean 'oil-trade'"),
        ({"direction": "loosening"}, venecon.UnknownValueError, "unknown direction"),
        ({"entity": "Chevronn"}, venecon.UnknownValueError, "Did you mean 'Chevron'"),
        ({"scope": "banana"}, venecon.UnknownValueError, "no event has scope"),
        ({"start": "2020-01-01", "end": "2019-01-01"}, venecon.DateRangeError, "is after end"),
        ({"start": "yesterday-ish"}, venecon.DateRangeError, "cannot read start"),
        ({"category": "military-enforcement", "end": "2020-01-01"}, venecon.FilterError,
         "no event matches"),
        ({"category": []}, venecon.FilterError, "empty list"),
    ],
)
def test_bad_filters(kwargs, error, message):
    with pytest.raises(error, match=message):
        venecon.events(**kwargs)


def test_unknown_id_suggests_the_closest():
    with pytest.raises(venecon.EventNotFoundError, match="Did you mean 'gl41'") as err:
        venecon.event("gl-41")
    assert isinstance(err.value, KeyError)


# -- user events ----------------------------------------------------------------------------

GOOD = {"id": "price-war-2020", "date": "2020-03-09", "category": "context", "direction": "none",
        "description": "Saudi-Russian oil price war"}


def test_user_events_from_a_frame_join_the_registry():
    added = venecon.add_events(pd.DataFrame([GOOD]))
    assert added.loc[0, "origin"] == "user" and added.loc[0, "date_precision"] == "day"
    assert venecon.event("price-war-2020")["date"] == pd.Timestamp("2020-03-09")
    frame = venecon.events(category="context")
    assert "price-war-2020" in set(frame["id"])
    assert frame.attrs["venecon"]["user_events"] == ["price-war-2020"]
    assert "price-war-2020" not in set(venecon.events(include_user=False)["id"])
    venecon.reset_events()
    with pytest.raises(venecon.EventNotFoundError):
        venecon.event("price-war-2020")


def test_user_events_from_a_csv(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("id,date,end,category,direction,description,verification\n"
                    "covid-lockdown,2020-03-16,2020-06-01,context,none,Lockdown,U\n",
                    encoding="utf-8")
    venecon.add_events(path)
    record = venecon.event("covid-lockdown")
    assert record["end"] == pd.Timestamp("2020-06-01") and record["verification"] == "U"


def test_replacing_user_events():
    venecon.add_events(GOOD)
    with pytest.raises(venecon.SchemaError, match="already added; pass replace=True"):
        venecon.add_events(GOOD)
    venecon.add_events({**GOOD, "date": "2020-03-08"}, replace=True)
    assert venecon.event("price-war-2020")["date"] == pd.Timestamp("2020-03-08")
    assert (venecon.events()["id"] == "price-war-2020").sum() == 1


def _csv(tmp_path, body: str) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text("id,date,end,category,direction,description\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "body, message",
    [
        ("ok-1,2020-01-01,,context,none,x\nbad-date,2020-02-30,,context,none,y\n",
         r"bad.csv, line 3 \(id 'bad-date'\): date '2020-02-30' is not a valid date"),
        ("slashes,01/02/2020,,context,none,y\n",
         r"line 2 \(id 'slashes'\): date '01/02/2020' is not a valid date"),
        ("odd-cat,2020-01-01,,sanctions,none,y\n",
         r"line 2 \(id 'odd-cat'\): unknown category 'sanctions'"),
        ("odd-dir,2020-01-01,,context,loosen,y\n", r"line 2 \(id 'odd-dir'\): unknown direction"),
        ("backwards,2020-05-01,2020-04-01,context,none,y\n",
         r"line 2 \(id 'backwards'\): end 2020-04-01 is before its start"),
        ("twice,2020-01-01,,context,none,a\ntwice,2020-02-01,,context,none,b\n",
         r"line 3 \(id 'twice'\): duplicate id 'twice': already used by .*line 2"),
        ("Bad Id,2020-01-01,,context,none,y\n",
         r"line 2 \(id 'Bad Id'\): id 'Bad Id' is not a slug"),
        ("gl41,2020-01-01,,context,none,y\n", r"line 2 \(id 'gl41'\): id is a bundled event"),
        ("no-desc,2020-01-01,,context,none,\n",
         r"line 2 \(id 'no-desc'\): 'description' is missing"),
    ],
)
def test_bad_user_events_name_the_row(tmp_path, body, message):
    with pytest.raises(venecon.SchemaError, match=message):
        venecon.add_events(_csv(tmp_path, body))
    assert venecon.events()["origin"].eq("venecon").all(), "nothing was added"


def test_bad_user_frames():
    with pytest.raises(venecon.SchemaError,
                       match="unknown column 'categry'. Did you mean 'category'"):
        venecon.add_events(pd.DataFrame([{**GOOD, "categry": "x"}]))
    with pytest.raises(venecon.SchemaError, match="missing required column"):
        venecon.add_events(pd.DataFrame([{"id": "x", "date": "2020-01-01"}]))
    with pytest.raises(venecon.SchemaError,
                       match=r"row 0 \(id 'may2019'\): id 'may2019' reads as a date"):
        venecon.add_events({**GOOD, "id": "may2019"})
    with pytest.raises(venecon.SchemaError, match="date_precision 'month': use the first day"):
        venecon.add_events({**GOOD, "date_precision": "month"})
    with pytest.raises(venecon.SchemaError, match="no time of day"):
        venecon.add_events({**GOOD, "date": pd.Timestamp("2020-03-09 12:00")})
    with pytest.raises(venecon.SchemaError, match="expects a DataFrame"):
        venecon.add_events(42)
    # Timestamps are accepted as dates.
    venecon.add_events({**GOOD, "date": pd.Timestamp("2020-03-09")})


def test_bundled_schema_is_stricter():
    frame = venecon.events(include_user=False)[schema.COLUMNS].copy()
    frame.loc[3, "verification"] = "U"
    with pytest.raises(venecon.SchemaError, match="only V and P"):
        schema.validate_events(frame, bundled=True, first_line=2)
    frame = venecon.events(include_user=False)[schema.COLUMNS].drop(columns="citation")
    with pytest.raises(venecon.SchemaError, match="citation"):
        schema.validate_events(frame, bundled=True)

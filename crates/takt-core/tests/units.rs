//! Every time figure in the unit the map asks for: elapsed time (lead time, waits) through the
//! calendar, working time (takt, process and cycle times) in working hours and days. The cases
//! are written to `tests/data/time-formats.json`, which the page's formatter is checked against
//! too (`ui/src/editor/format.test.ts`), so the CLI, the app and the exports write one text.
//! `TAKT_UPDATE_FORMATS=1` rewrites the file.

use serde_json::{json, Value};
use takt_core::duration::{Calendar, Unit};
use takt_core::format::{figure, human, human_working, percent};

const SECONDS: [f64; 16] = [
    0.0,
    0.4,
    1.0,
    59.0,
    60.0,
    90.0,
    3599.0,
    3600.0,
    9000.0,
    28_800.0,
    43_200.0,
    86_400.0,
    155_880.0,
    1_209_600.0,
    4_795_200.0,
    -5400.0,
];

fn calendars() -> [Calendar; 2] {
    [
        Calendar::default(),
        Calendar {
            hours_per_day: 7.5,
            days_per_week: 6.0,
        },
    ]
}

fn units() -> Vec<Option<Unit>> {
    std::iter::once(None)
        .chain(Unit::ALL.into_iter().map(Some))
        .collect()
}

fn cases() -> Value {
    let mut out = Vec::new();
    for cal in calendars() {
        for unit in units() {
            for s in SECONDS {
                out.push(json!({
                    "seconds": s,
                    "unit": unit.map(|u| u.symbol()),
                    "calendar": { "hours_per_day": cal.hours_per_day, "days_per_week": cal.days_per_week },
                    "elapsed": human(s, unit, &cal),
                    "working": human_working(s, unit, &cal),
                }));
            }
        }
    }
    let shares: Vec<Value> = [
        0.0, 1.0, 0.5, 0.123, 0.011, 0.0105, 0.000046, 0.0000001, 0.99999, -0.25, 0.00125,
    ]
    .into_iter()
    .map(|x| json!({ "share": x, "text": percent(x, 1), "whole": percent(x, 0) }))
    .collect();
    // What kind of time each headline time metric is, for the page's metrics to be checked
    // against.
    let sample = takt_core::analyze(&takt_core::gen::generate(20, 1)).unwrap();
    let kinds: serde_json::Map<String, Value> = takt_core::compare::headline(&sample)
        .into_iter()
        .map(|(m, _)| m)
        .chain(["ect_s", "gate_time_s"])
        .filter(|m| m.ends_with("_s"))
        .map(|m| {
            let kind = if takt_core::figures::is_working(m) {
                "working"
            } else {
                "elapsed"
            };
            (m.to_string(), json!(kind))
        })
        .collect();
    json!({ "times": out, "shares": shares, "metrics": kinds })
}

#[test]
fn the_shared_cases_are_current() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/time-formats.json");
    let mut text = serde_json::to_string_pretty(&cases()).unwrap();
    text.push('\n');
    if std::env::var_os("TAKT_UPDATE_FORMATS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == text,
        "{} is stale: run TAKT_UPDATE_FORMATS=1 cargo test -p takt-core --test units",
        path.display()
    );
}

#[test]
fn elapsed_time_goes_through_the_calendar() {
    let cal = Calendar::default();
    // The sample's lead time: 55.5 calendar days are 39.7 working days of elapsed time.
    assert_eq!(human(55.5 * 86_400.0, Some(Unit::Wd), &cal), "39.6 wd");
    assert_eq!(human(55.5 * 86_400.0, Some(Unit::D), &cal), "55.5 d");
    assert_eq!(human(7.0 * 86_400.0, Some(Unit::Wd), &cal), "5 wd");
    assert_eq!(human(7.0 * 86_400.0, Some(Unit::W), &cal), "1 w");
    assert_eq!(human(5400.0, None, &cal), "1.5 h");
    assert_eq!(human(3.0 * 86_400.0, None, &cal), "3 d");
    assert_eq!(human(21.0 * 86_400.0, None, &cal), "3 w");
}

#[test]
fn working_time_is_working_hours_and_days() {
    let cal = Calendar::default();
    // The sample's takt: 43.3 working hours are 5.41 working days of 8 hours, not 1.81 days.
    let takt = 13.0 * 7.0 * 86_400.0 * cal.working_share() / 12.0;
    assert_eq!(human_working(takt, Some(Unit::Wd), &cal), "5.42 wd");
    assert_eq!(human_working(takt, Some(Unit::D), &cal), "5.42 wd");
    assert_eq!(human_working(takt, Some(Unit::H), &cal), "43.3 h");
    assert_eq!(human_working(takt, None, &cal), "5.42 wd");
    assert_eq!(human_working(6.0 * 3600.0, Some(Unit::Wd), &cal), "0.75 wd");
    assert_eq!(human_working(6.0 * 3600.0, None, &cal), "6 h");
    let long = Calendar {
        hours_per_day: 10.0,
        days_per_week: 4.0,
    };
    assert_eq!(human_working(20.0 * 3600.0, Some(Unit::Wd), &long), "2 wd");
    assert_eq!(human(7.0 * 86_400.0, Some(Unit::Wd), &long), "4 wd");
}

#[test]
fn small_shares_keep_the_digits_that_make_them_non_zero() {
    assert_eq!(percent(0.000046, 1), "0.0046%");
    assert_eq!(percent(0.011, 1), "1.1%");
    assert_eq!(percent(0.0, 1), "0%");
    assert_eq!(percent(1.0, 1), "100%");
    assert_eq!(percent(0.1666, 0), "17%");
}

#[test]
fn figures_round_half_away_from_zero_with_three_digits() {
    assert_eq!(figure(0.125), "0.13");
    assert_eq!(figure(-0.125), "-0.13");
    assert_eq!(figure(100.5), "101");
    assert_eq!(figure(9.999), "10");
    assert_eq!(figure(12.25), "12.3");
    assert_eq!(figure(0.0), "0");
    assert_eq!(figure(-0.001), "0");
    assert_eq!(figure(1234.4), "1234");
}

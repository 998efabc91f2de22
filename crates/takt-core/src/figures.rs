//! Figures for people: times in the map's unit (elapsed time through the calendar, working
//! time in working hours and days) and shares as percentages. The CLI, the warnings and (the same
//! rules in `ui/src/editor/format.ts`, checked against `tests/data/time-formats.json`) the app
//! write one text for one figure.

use crate::duration::{Calendar, Unit, DAY, HOUR};

/// The time metrics of an analysis that are working time (VSM-REFERENCE section 1); every
/// other time (`*_s`) is elapsed time.
pub const WORKING_METRICS: &[&str] = &[
    "takt_s",
    "process_time_s",
    "work_content_s",
    "va_time_s",
    "ect_s",
];

/// Whether a time metric is working time (shown with [`human_working`]) or elapsed time
/// ([`human`]).
pub fn is_working(metric: &str) -> bool {
    WORKING_METRICS.contains(&metric)
}

/// A time for people: in the map's unit if it has one (and the figure reads in it: a tenth of the
/// unit or more), else in the largest unit that keeps the number readable ("2.5 h", "3.2 d").
/// For **elapsed** time (lead time, waits, queues, gate time): a working day (`wd`) is elapsed
/// time through the calendar, `7 / days_per_week` days.
/// Working time (takt, process and cycle times) is [`human_working`].
///
/// The page's `fmtElapsed` (`ui/src/editor/format.ts`) is the same function; both are checked
/// against `crates/takt-core/tests/data/time-formats.json`.
pub fn human(seconds: f64, unit: Option<Unit>, cal: &Calendar) -> String {
    let unit = unit
        .filter(|u| legible(seconds / u.seconds(cal)))
        .unwrap_or({
            let a = seconds.abs();
            if a < 60.0 {
                Unit::S
            } else if a < HOUR {
                Unit::Min
            } else if a < DAY {
                Unit::H
            } else if a < 14.0 * DAY {
                Unit::D
            } else {
                Unit::W
            }
        });
    format!("{} {}", figure(seconds / unit.seconds(cal)), unit.symbol())
}

/// A **working** time for people (takt, process times, effective cycle times: VSM-REFERENCE
/// section 1): an hour is an hour, and a working day is the calendar's working hours (8 h by
/// default), not the 1.4 calendar days a working day of elapsed time spans. A map shown in
/// days or weeks shows its working times in working days; without a unit, the largest of s,
/// min, h and wd that keeps the number readable.
pub fn human_working(seconds: f64, unit: Option<Unit>, cal: &Calendar) -> String {
    let day = cal.hours_per_day * HOUR;
    let per = |u: Unit| if u == Unit::Wd { day } else { u.seconds(cal) };
    let unit = match unit.map(|u| match u {
        Unit::D | Unit::W | Unit::Wd => Unit::Wd,
        u => u,
    }) {
        Some(u) if legible(seconds / per(u)) => u,
        _ => {
            let a = seconds.abs();
            if a < 60.0 {
                Unit::S
            } else if a < HOUR {
                Unit::Min
            } else if a < day {
                Unit::H
            } else {
                Unit::Wd
            }
        }
    };
    format!("{} {}", figure(seconds / per(unit)), unit.symbol())
}

/// A share (0-1) as a percentage with `digits` decimals, or as many more as a small non-zero
/// share needs to read as non-zero, and two significant ones then ("0.0046%", not "0.0%").
/// The page's `fmtPercent` is the same function (checked against the same shared cases).
pub fn percent(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let p = x * 100.0;
    let rounded = |d: usize| {
        let scale = 10f64.powi(d as i32);
        let r = (p.abs() * scale).round() / scale;
        if p < 0.0 && r != 0.0 {
            -r
        } else {
            r
        }
    };
    let mut d = digits;
    while p != 0.0 && d < 8 && rounded(d) == 0.0 {
        d += 1;
    }
    if p != 0.0 && d > digits {
        d += 1;
    }
    let text = format!("{:.*}", d, rounded(d));
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    format!("{text}%")
}

/// Whether a figure reads in a unit: zero, or at least a tenth of one. Seconds in a map shown
/// in working days would read "0 wd"; such a figure is shown in the unit that reads instead.
fn legible(v: f64) -> bool {
    v == 0.0 || v.abs() >= 0.1
}

/// A number as the figures show it: 3 significant digits or the whole number (0 decimals from
/// 100, 1 from 10, else 2), trailing zeros dropped. Rounded half away from zero by hand, so
/// that the page's JavaScript, whose `toFixed` breaks ties differently, writes the same digits.
pub fn figure(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    let digits = if v.abs() >= 100.0 {
        0
    } else if v.abs() >= 10.0 {
        1
    } else {
        2
    };
    let scale = 10f64.powi(digits);
    let r = (v.abs() * scale).round() / scale;
    let r = if v < 0.0 && r != 0.0 { -r } else { r };
    let text = format!("{r:.*}", digits as usize);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Whether a headline metric is a share (PCE, activity ratio, rolled %C&A).
pub fn is_share(metric: &str) -> bool {
    matches!(metric, "pce" | "activity_ratio" | "rolled_pca")
}

/// A headline metric's value for people, by its name: a working or elapsed time in the map's
/// unit, a share, or a count.
pub fn metric_text(metric: &str, v: f64, unit: Option<Unit>, cal: &Calendar) -> String {
    if is_working(metric) {
        human_working(v, unit, cal)
    } else if metric.ends_with("_s") {
        human(v, unit, cal)
    } else if is_share(metric) {
        percent(v, 1)
    } else {
        figure(v)
    }
}

/// A change of a headline metric for people, signed: "-2.5 wd", "+0.8 pts" (shares change in
/// percentage points), "+1".
pub fn delta_text(metric: &str, d: f64, unit: Option<Unit>, cal: &Calendar) -> String {
    let sign = if d < 0.0 { "-" } else { "+" };
    if is_share(metric) {
        format!("{sign}{} pts", percent(d.abs(), 1).trim_end_matches('%'))
    } else {
        format!("{sign}{}", metric_text(metric, d.abs(), unit, cal))
    }
}

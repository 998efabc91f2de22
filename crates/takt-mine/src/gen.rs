//! A synthetic MLOps event log (for tests and the benchmark against PM4Py): drift detection
//! opens a case; training data is pulled and validated, and a failed validation sends it back
//! to pull again; the model is trained; bias and performance tests run in parallel, overlapping;
//! a model-risk review works in office hours (Monday to Friday, 09:00 to 17:00 UTC) and sends one
//! model in ten back to training; a canary deployment, then the promotion. Each row is
//! `case_id,activity,start_timestamp,end_timestamp,resource`, RFC 3339 in UTC, cases one after
//! another.

use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc, Weekday};
use std::io::Write;
use takt_core::rng::Rng;

/// Seconds uniformly between `lo` and `hi` minutes.
fn minutes(r: &mut Rng, lo: f64, hi: f64) -> i64 {
    ((lo + (hi - lo) * r.uniform()) * 60.0).round() as i64
}

/// The first moment at or after `t` inside office hours.
fn office(t: i64) -> i64 {
    let mut d = DateTime::<Utc>::from_timestamp(t, 0).expect("in range");
    loop {
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        if !weekend && d.hour() >= 9 && d.hour() < 17 {
            return d.timestamp();
        }
        let day = d.date_naive();
        let next = if !weekend && d.hour() < 9 {
            day
        } else {
            day.succ_opt().expect("in range")
        };
        d = next.and_hms_opt(9, 0, 0).expect("valid").and_utc();
    }
}

/// Writes a log of `cases` cases; returns the number of events written.
pub fn generate(cases: usize, seed: u64, out: &mut impl Write) -> std::io::Result<u64> {
    let mut r = Rng::new(seed);
    // Monday 2026-01-05, 00:00 UTC; a drift alert every 2.4 minutes on average.
    let mut arrival: i64 = 1_767_571_200;
    let mut n = 0u64;
    writeln!(
        out,
        "case_id,activity,start_timestamp,end_timestamp,resource"
    )?;
    let ts = |t: i64| {
        DateTime::<Utc>::from_timestamp(t, 0)
            .expect("in range")
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    };
    let mut row = |out: &mut dyn Write,
                   case: usize,
                   act: &str,
                   s: i64,
                   e: i64,
                   res: &str|
     -> std::io::Result<()> {
        n += 1;
        writeln!(out, "run-{case:06},{act},{},{},{res}", ts(s), ts(e))
    };
    for case in 1..=cases {
        arrival += (-(1.0 - r.uniform()).ln() * 144.0).round() as i64;
        let mut t = arrival;
        let e = t + minutes(&mut r, 1.0, 5.0);
        row(out, case, "Detect drift", t, e, "Operations")?;
        t = e + minutes(&mut r, 5.0, 120.0);
        loop {
            let e = t + minutes(&mut r, 10.0, 40.0);
            row(out, case, "Pull training data", t, e, "Data engineering")?;
            t = e + minutes(&mut r, 1.0, 20.0);
            let e = t + minutes(&mut r, 5.0, 15.0);
            row(out, case, "Validate data", t, e, "Data engineering")?;
            if r.uniform() >= 0.2 {
                t = e + minutes(&mut r, 5.0, 60.0);
                break;
            }
            t = e + minutes(&mut r, 30.0, 180.0);
        }
        loop {
            let e = t + minutes(&mut r, 60.0, 360.0);
            row(out, case, "Train model", t, e, "Data science")?;
            // The two tests start a few minutes apart and overlap.
            let b0 = e + minutes(&mut r, 2.0, 15.0);
            let p0 = e + minutes(&mut r, 2.0, 15.0);
            let b1 = b0 + minutes(&mut r, 20.0, 90.0);
            let p1 = p0 + minutes(&mut r, 30.0, 120.0);
            if b0 <= p0 {
                row(out, case, "Bias test", b0, b1, "Data science")?;
                row(out, case, "Performance test", p0, p1, "Data science")?;
            } else {
                row(out, case, "Performance test", p0, p1, "Data science")?;
                row(out, case, "Bias test", b0, b1, "Data science")?;
            }
            let ready = b1.max(p1);
            // The review queue: office hours, then up to two days of other work ahead.
            let s = office(office(ready) + minutes(&mut r, 0.0, 2880.0));
            let e = s + minutes(&mut r, 15.0, 60.0);
            row(out, case, "Model risk review", s, e, "Model risk")?;
            t = e + minutes(&mut r, 10.0, 240.0);
            if r.uniform() >= 0.1 {
                break;
            }
        }
        let e = t + minutes(&mut r, 60.0, 240.0);
        row(out, case, "Canary deployment", t, e, "ML engineering")?;
        t = e + minutes(&mut r, 5.0, 90.0);
        let e = t + minutes(&mut r, 2.0, 8.0);
        row(out, case, "Promote model", t, e, "ML engineering")?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_hours() {
        // Saturday 2026-01-10 12:00 -> Monday 09:00; Monday 08:00 -> 09:00; Monday 17:00 -> Tuesday 09:00.
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().timestamp();
        assert_eq!(
            office(at("2026-01-10T12:00:00Z")),
            at("2026-01-12T09:00:00Z")
        );
        assert_eq!(
            office(at("2026-01-12T08:00:00Z")),
            at("2026-01-12T09:00:00Z")
        );
        assert_eq!(
            office(at("2026-01-12T17:00:00Z")),
            at("2026-01-13T09:00:00Z")
        );
        assert_eq!(
            office(at("2026-01-12T10:30:00Z")),
            at("2026-01-12T10:30:00Z")
        );
    }
}

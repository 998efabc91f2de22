//! XmR (individuals and moving range) charts: a metric's trend over dated points, told from
//! noise (Wheeler, *Understanding Variation*).
//!
//! The centre line is the mean of the points; the moving ranges are the absolute differences of
//! consecutive points, and their mean is `mr_bar`. The natural process limits are
//! `mean ± 2.66 × mr_bar` (2.66 = 3 / d2, d2 = 1.128 for ranges of two), the lower one not below
//! zero (none of our metrics is negative); the moving ranges' upper limit is `3.268 × mr_bar`.
//! Two signals are marked: a point outside the limits (`outside_limits`), and a run of eight or
//! more points in a row on one side of the centre line (`run_of_eight`, marked on the eighth point
//! of the run and every one after it; a point on the line ends a run).

use serde::Serialize;

/// 3 / d2 for moving ranges of two points.
pub const E2: f64 = 2.66;
/// D4 for moving ranges of two points.
pub const D4: f64 = 3.268;
/// The length of a run on one side that signals a shift.
pub const RUN: usize = 8;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Point {
    /// YYYY-MM-DD.
    pub date: String,
    pub value: f64,
    /// |value - previous value|; none for the first point.
    pub mr: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    OutsideLimits,
    RunOfEight,
}

impl Rule {
    pub fn words(self) -> &'static str {
        match self {
            Rule::OutsideLimits => "outside the natural process limits",
            Rule::RunOfEight => "eight or more in a row on one side of the centre line",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Signal {
    pub index: u32,
    pub rule: Rule,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Xmr {
    pub points: Vec<Point>,
    pub mean: Option<f64>,
    /// The mean moving range; none with fewer than two points.
    pub mr_bar: Option<f64>,
    pub ucl: Option<f64>,
    pub lcl: Option<f64>,
    /// The moving ranges' upper limit.
    pub mr_ucl: Option<f64>,
    pub signals: Vec<Signal>,
}

/// The XmR chart of dated values, in the order given (oldest first).
pub fn xmr(points: &[(String, f64)]) -> Xmr {
    let n = points.len();
    let pts: Vec<Point> = points
        .iter()
        .enumerate()
        .map(|(i, (date, value))| Point {
            date: date.clone(),
            value: *value,
            mr: (i > 0).then(|| (value - points[i - 1].1).abs()),
        })
        .collect();
    let mean = (n > 0).then(|| points.iter().map(|p| p.1).sum::<f64>() / n as f64);
    let mr_bar = (n > 1).then(|| pts.iter().filter_map(|p| p.mr).sum::<f64>() / (n - 1) as f64);
    let (ucl, lcl) = match (mean, mr_bar) {
        (Some(m), Some(r)) => (Some(m + E2 * r), Some((m - E2 * r).max(0.0))),
        _ => (None, None),
    };
    let mut signals = Vec::new();
    if let (Some(m), Some(u), Some(l)) = (mean, ucl, lcl) {
        let mut run = 0usize;
        let mut side = 0i8;
        for (i, p) in pts.iter().enumerate() {
            if p.value > u || p.value < l {
                signals.push(Signal {
                    index: i as u32,
                    rule: Rule::OutsideLimits,
                });
            }
            let s = if p.value > m {
                1
            } else if p.value < m {
                -1
            } else {
                0
            };
            run = if s != 0 && s == side {
                run + 1
            } else {
                usize::from(s != 0)
            };
            side = s;
            if run >= RUN {
                signals.push(Signal {
                    index: i as u32,
                    rule: Rule::RunOfEight,
                });
            }
        }
    }
    Xmr {
        points: pts,
        mean,
        mr_ucl: mr_bar.map(|r| D4 * r),
        mr_bar,
        ucl,
        lcl,
        signals,
    }
}

//! Charts as SVG, defined once for the app (inserted as markup) and the reports (embedded in
//! the PDF): the waterfall of a scenario's changes and the XmR chart of a trend. Plain shapes,
//! presentation attributes (no `style`: the app's CSP forbids inline styles) and text; each
//! bar or point carries a `data-` attribute the app binds clicks to, and a `<title>` for hover.

use crate::svg::esc;
use std::fmt::Write as _;
use takt_core::waterfall::{Waterfall, WaterfallMetric};
use takt_core::xmr::{Rule, Xmr};

const INK: &str = "#1f2933";
const MUTED: &str = "#6b7785";
const GRID: &str = "#d5dbe1";
const BETTER: &str = "#2e7d32";
const WORSE: &str = "#c62828";
const TOTAL: &str = "#5c6bc0";
const FONT: &str = "font-family=\"sans-serif\"";

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let t: String = s.chars().take(n - 1).collect();
        format!("{}…", t.trim_end())
    }
}

/// A horizontal waterfall: the baseline's total, one row per bar (floating from the running
/// total, green where it makes the metric better, red where worse), the scenario's total.
/// `fmt` writes a value, `signed` a change. Bars carry `data-bar="k"` (their index in
/// `w.bars`).
pub fn waterfall_svg(
    w: &Waterfall,
    baseline: &str,
    scenario: &str,
    fmt: &dyn Fn(f64) -> String,
    signed: &dyn Fn(f64) -> String,
) -> String {
    let rows = w.bars.len() + 2;
    let (label_w, chart_w, value_w, row_h, top) = (280.0, 300.0, 110.0, 26.0, 8.0);
    let width = label_w + chart_w + value_w;
    let height = top * 2.0 + rows as f64 * row_h + 30.0;
    // The scale: from 0 (or the lowest running total) to the highest.
    let mut run = w.before;
    let (mut low, mut hi) = (w.before.min(w.after), w.before.max(w.after));
    for b in &w.bars {
        run += b.delta;
        low = low.min(run);
        hi = hi.max(run);
    }
    // The axis starts below the lowest running total, not at zero, so that changes of a few
    // per cent show; the totals' bars start at the axis (its start is written under it).
    let lo = if low > 0.0 {
        (low - (hi - low).max(hi * 0.05) * 0.6).max(0.0)
    } else {
        low
    };
    if hi - lo <= 0.0 {
        hi = lo + 1.0;
    }
    let x = |v: f64| label_w + (v - lo) / (hi - lo) * chart_w;
    let better = |d: f64| match w.metric {
        WaterfallMetric::Pce => d > 0.0,
        _ => d < 0.0,
    };
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart waterfall\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" {FONT} font-size=\"12\">"
    );
    let _ = write!(
        s,
        "<line x1=\"{0}\" y1=\"{top}\" x2=\"{0}\" y2=\"{1}\" stroke=\"{GRID}\"/>",
        x(0.0f64.max(lo)),
        height - 18.0
    );
    let row = |s: &mut String,
               k: usize,
               label: &str,
               from: f64,
               to: f64,
               fill: &str,
               value: &str,
               data: Option<usize>,
               tip: &str| {
        let y = top + k as f64 * row_h;
        let (a, b) = (x(from.min(to)), x(from.max(to)));
        let data = data
            .map(|d| format!(" data-bar=\"{d}\" class=\"bar\""))
            .unwrap_or_default();
        let _ = write!(
            s,
            "<g{data}><title>{}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{INK}\">{}</text><rect x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\" rx=\"2\"/><text x=\"{}\" y=\"{}\" fill=\"{MUTED}\">{}</text></g>",
            esc(tip),
            label_w - 8.0,
            y + row_h * 0.62,
            esc(&clip(label, 40)),
            y + 4.0,
            (b - a).max(1.5),
            row_h - 8.0,
            label_w + chart_w + 8.0,
            y + row_h * 0.62,
            esc(value)
        );
    };
    row(
        &mut s,
        0,
        baseline,
        lo,
        w.before,
        TOTAL,
        &fmt(w.before),
        None,
        &format!("{baseline}: {}", fmt(w.before)),
    );
    let mut run = w.before;
    for (k, b) in w.bars.iter().enumerate() {
        let fill = if b.delta == 0.0 {
            MUTED
        } else if better(b.delta) {
            BETTER
        } else {
            WORSE
        };
        let err = b
            .error
            .map(|e| format!(" ± {}", fmt(e)))
            .unwrap_or_default();
        let mut tip = format!("{}: {}{err}", b.title, signed(b.delta));
        let changed: Vec<&str> = b.steps.iter().chain(&b.flows).map(String::as_str).collect();
        if !changed.is_empty() {
            let _ = write!(tip, "\nChanges: {}", changed.join(", "));
        }
        row(
            &mut s,
            k + 1,
            &b.title,
            run,
            run + b.delta,
            fill,
            &format!("{}{err}", signed(b.delta)),
            Some(k),
            &tip,
        );
        run += b.delta;
    }
    row(
        &mut s,
        rows - 1,
        scenario,
        lo,
        w.after,
        TOTAL,
        &fmt(w.after),
        None,
        &format!("{scenario}: {}", fmt(w.after)),
    );
    let _ = write!(
        s,
        "<text x=\"{label_w}\" y=\"{}\" text-anchor=\"middle\" fill=\"{MUTED}\" font-size=\"10\">{}</text>",
        height - 17.0,
        esc(&fmt(lo))
    );
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" fill=\"{MUTED}\" font-size=\"11\">{}</text></svg>",
        label_w + 40.0,
        height - 4.0,
        esc(&if w.exact {
            "Shapley values: each item's share, whatever the order".to_string()
        } else {
            format!(
                "Shapley values from sampled orders ({} analyses)",
                w.evaluations
            )
        })
    );
    s
}

/// An XmR chart: the individuals above (the centre line, the natural process limits dashed,
/// signals in red), the moving ranges below. Points carry `data-point="i"`.
pub fn xmr_svg(x: &Xmr, title: &str, fmt: &dyn Fn(f64) -> String) -> String {
    let (width, left, right) = (720.0, 70.0, 110.0);
    let (top, ih, gap, mh, bottom) = (24.0, 170.0, 34.0, 80.0, 30.0);
    let height = top + ih + gap + mh + bottom;
    let n = x.points.len();
    let cw = width - left - right;
    let px = |i: usize| {
        if n <= 1 {
            left + cw / 2.0
        } else {
            left + i as f64 * cw / (n - 1) as f64
        }
    };
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart xmr\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" {FONT} font-size=\"11\"><text x=\"{left}\" y=\"15\" fill=\"{INK}\" font-size=\"13\" font-weight=\"600\">{}</text>",
        esc(title)
    );
    if n == 0 {
        let _ = write!(s, "<text x=\"{left}\" y=\"{}\" fill=\"{MUTED}\">No snapshots yet: take one (Scenario ▸ Take Snapshot) or import earlier exports.</text></svg>", top + 40.0);
        return s;
    }
    let values: Vec<f64> = x.points.iter().map(|p| p.value).collect();
    let mut lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let mut hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for v in [x.ucl, x.lcl, x.mean].into_iter().flatten() {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi - lo <= 0.0 {
        (lo, hi) = (lo - 1.0, hi + 1.0);
    }
    let pad = (hi - lo) * 0.08;
    let (lo, hi) = ((lo - pad).max(0.0f64.min(lo)), hi + pad);
    let py = |v: f64| top + ih - (v - lo) / (hi - lo) * ih;
    let hline = |s: &mut String, y: f64, colour: &str, dash: bool, label: &str| {
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"{colour}\"{}/><text x=\"{}\" y=\"{:.1}\" fill=\"{colour}\">{}</text>",
            left + cw,
            if dash { " stroke-dasharray=\"5 4\"" } else { "" },
            left + cw + 6.0,
            y + 4.0,
            esc(label)
        );
    };
    if let Some(m) = x.mean {
        hline(&mut s, py(m), INK, false, &format!("X̄ {}", fmt(m)));
    }
    if let Some(u) = x.ucl {
        hline(&mut s, py(u), WORSE, true, &format!("UNPL {}", fmt(u)));
    }
    if let Some(l) = x.lcl {
        hline(&mut s, py(l), WORSE, true, &format!("LNPL {}", fmt(l)));
    }
    let path: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", px(i), py(*v)))
        .collect();
    let _ = write!(
        s,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{TOTAL}\" stroke-width=\"1.5\"/>",
        path.join(" ")
    );
    for (i, p) in x.points.iter().enumerate() {
        let rules: Vec<Rule> = x
            .signals
            .iter()
            .filter(|g| g.index as usize == i)
            .map(|g| g.rule)
            .collect();
        let colour = if rules.is_empty() { TOTAL } else { WORSE };
        let mut tip = format!("{}: {}", p.date, fmt(p.value));
        for r in &rules {
            let _ = write!(tip, "\nSignal: {}", r.words());
        }
        let _ = write!(
            s,
            "<g class=\"point\" data-point=\"{i}\"><title>{}</title><circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{}\" fill=\"{colour}\"/></g>",
            esc(&tip),
            px(i),
            py(p.value),
            if rules.is_empty() { 4 } else { 6 }
        );
    }
    // Dates: the first, the last and a few between.
    let every = (n / 6).max(1);
    for i in (0..n).filter(|i| i % every == 0 || *i == n - 1) {
        if i != n - 1 && n - 1 - i < every / 2 {
            continue;
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>",
            px(i),
            top + ih + 14.0,
            esc(&x.points[i].date)
        );
    }
    // The moving ranges.
    let mtop = top + ih + gap;
    let mrs: Vec<f64> = x.points.iter().filter_map(|p| p.mr).collect();
    let mhi = mrs
        .iter()
        .copied()
        .fold(x.mr_ucl.unwrap_or(0.0), f64::max)
        .max(1e-9)
        * 1.1;
    let my = |v: f64| mtop + mh - v / mhi * mh;
    let _ = write!(s, "<text x=\"4\" y=\"{:.1}\" fill=\"{MUTED}\">mR</text><text x=\"4\" y=\"{:.1}\" fill=\"{MUTED}\">X</text>", mtop + mh / 2.0, top + ih / 2.0);
    if let Some(r) = x.mr_bar {
        hline(&mut s, my(r), INK, false, &format!("mR̄ {}", fmt(r)));
    }
    if let Some(u) = x.mr_ucl {
        hline(&mut s, my(u), WORSE, true, &format!("URL {}", fmt(u)));
    }
    let mpath: Vec<String> = x
        .points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.mr.map(|m| format!("{:.1},{:.1}", px(i), my(m))))
        .collect();
    if !mpath.is_empty() {
        let _ = write!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{MUTED}\" stroke-width=\"1.2\"/>",
            mpath.join(" ")
        );
    }
    s.push_str("</svg>");
    s
}

/// The timeline ladders of scenarios, stacked on one time axis: each scenario's critical path as
/// a bar from 0 to its lead time, its queues grey, its steps blue (process time darker), its
/// rework red. Each part names its step on hover.
pub fn ladders_svg(
    rows: &[(&str, &takt_core::ValueStream, &takt_core::Analysis)],
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let (width, left, right, row_h, top) = (720.0, 150.0, 90.0, 30.0, 10.0);
    let height = top + rows.len() as f64 * row_h + 24.0;
    let cw = width - left - right;
    let longest = rows
        .iter()
        .map(|r| r.2.lead_time_s)
        .fold(0.0, f64::max)
        .max(1e-9);
    let px = |v: f64| left + v / longest * cw;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart ladders\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" {FONT} font-size=\"11\">"
    );
    for (k, (name, map, a)) in rows.iter().enumerate() {
        let y = top + k as f64 * row_h;
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"{INK}\">{}</text>",
            left - 8.0,
            y + row_h * 0.55,
            esc(&clip(name, 24))
        );
        let mut t = 0.0;
        for (i, r) in a.ladder.iter().enumerate() {
            let step = a
                .critical_path
                .get(i)
                .and_then(|&p| map.steps.get(p as usize))
                .map_or("", |st| st.label());
            let mut part = |len: f64, fill: &str, what: &str| {
                if len <= 0.0 {
                    return;
                }
                let _ = write!(
                    s,
                    "<rect x=\"{:.2}\" y=\"{:.1}\" width=\"{:.2}\" height=\"{:.1}\" fill=\"{fill}\"><title>{}: {what} {}</title></rect>",
                    px(t),
                    y + 4.0,
                    (px(t + len) - px(t)).max(0.3),
                    row_h - 10.0,
                    esc(step),
                    esc(&fmt(len))
                );
                t += len;
            };
            part(r.wait_s, "#cfd6dd", "queue before it");
            part(r.pt_s.min(r.lt_s), "#3949ab", "process time");
            part(
                (r.lt_s - r.pt_s).max(0.0),
                "#9fa8da",
                "lead time beyond process time",
            );
            part(r.rework_s, "#e57373", "rework");
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{MUTED}\">{}</text>",
            px(a.lead_time_s) + 6.0,
            y + row_h * 0.55,
            esc(&fmt(a.lead_time_s))
        );
    }
    let _ = write!(
        s,
        "<text x=\"{left}\" y=\"{:.1}\" fill=\"{MUTED}\">0</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"{MUTED}\">{}</text></svg>",
        height - 6.0,
        left + cw,
        height - 6.0,
        esc(&fmt(longest))
    );
    s
}

/// Items done per week, as small bars (the kaizen board's resolution velocity).
pub fn velocity_svg(weeks: &[takt_core::board::Week]) -> String {
    let (width, height, top, bottom, left) = (360.0, 120.0, 18.0, 20.0, 8.0);
    let n = weeks.len().max(1) as f64;
    let bw = (width - 2.0 * left) / n;
    let peak = weeks.iter().map(|w| w.done).max().unwrap_or(0).max(1) as f64;
    let ch = height - top - bottom;
    let total: u32 = weeks.iter().map(|w| w.done).sum();
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart velocity\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" {FONT} font-size=\"10\"><text x=\"{left}\" y=\"12\" fill=\"{INK}\" font-size=\"11\" font-weight=\"600\">Done per week, last {} weeks: {total} ({:.1} a week)</text>",
        weeks.len(),
        total as f64 / n
    );
    for (i, w) in weeks.iter().enumerate() {
        let h = w.done as f64 / peak * ch;
        let x = left + i as f64 * bw;
        let _ = write!(
            s,
            "<g><title>Week of {}: {} done</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{BETTER}\"/>{}</g>",
            w.start,
            w.done,
            x + 2.0,
            top + ch - h,
            bw - 4.0,
            h.max(0.5),
            if w.done > 0 {
                format!(
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
                    x + bw / 2.0,
                    top + ch - h - 3.0,
                    w.done
                )
            } else {
                String::new()
            }
        );
    }
    if let (Some(a), Some(b)) = (weeks.first(), weeks.last()) {
        let _ = write!(
            s,
            "<text x=\"{left}\" y=\"{:.1}\" fill=\"{MUTED}\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"{MUTED}\">{}</text>",
            height - 5.0,
            a.start,
            width - left,
            height - 5.0,
            b.start
        );
    }
    s.push_str("</svg>");
    s
}

/// The colours of up to four overlaid series.
pub const SERIES: [&str; 4] = ["#3949ab", "#ef6c00", "#00897b", "#8e24aa"];

/// Lead-time histograms of simulations, overlaid on one axis (shared bins), each with its
/// mean (solid) and P50, P85, P95 (dashed) marked, and a target's line with the share of runs
/// that finished within it.
pub fn histogram_svg(
    series: &[(&str, &takt_core::simulate::Simulation)],
    target: Option<f64>,
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let (width, left, right, top, ch, bottom) = (720.0, 50.0, 20.0, 50.0, 190.0, 26.0);
    let legend = 18.0 * series.len() as f64;
    let height = top + ch + bottom + legend + 8.0;
    let cw = width - left - right;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart histogram\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" {FONT} font-size=\"11\"><text x=\"{left}\" y=\"15\" fill=\"{INK}\" font-size=\"13\" font-weight=\"600\">Lead time, simulated</text>"
    );
    let runs: Vec<&takt_core::simulate::Simulation> = series.iter().map(|x| x.1).collect();
    if runs.is_empty() || runs.iter().all(|r| r.samples.is_empty()) {
        s.push_str("</svg>");
        return s;
    }
    let mut lo = runs.iter().map(|r| r.min_s).fold(f64::INFINITY, f64::min);
    let mut hi = runs
        .iter()
        .map(|r| r.max_s)
        .fold(f64::NEG_INFINITY, f64::max);
    if let Some(t) = target {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    if hi - lo <= 0.0 {
        (lo, hi) = (lo - 1.0, hi + 1.0);
    }
    let bins = 48;
    let counts: Vec<Vec<u32>> = runs.iter().map(|r| r.histogram(lo, hi, bins)).collect();
    let peak = counts
        .iter()
        .zip(&runs)
        .flat_map(|(c, r)| {
            c.iter()
                .map(move |&k| k as f64 / r.samples.len().max(1) as f64)
        })
        .fold(0.0, f64::max)
        .max(1e-9);
    let px = |v: f64| left + (v - lo) / (hi - lo) * cw;
    let bw = cw / bins as f64;
    let _ = write!(
        s,
        "<line x1=\"{left}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"{GRID}\"/>",
        top + ch,
        left + cw
    );
    for (k, (c, r)) in counts.iter().zip(&runs).enumerate() {
        let colour = SERIES[k % SERIES.len()];
        let n = r.samples.len().max(1) as f64;
        let mut d = format!("M{left:.1},{:.1}", top + ch);
        for (b, &count) in c.iter().enumerate() {
            let y = top + ch - count as f64 / n / peak * ch;
            let x0 = left + b as f64 * bw;
            let _ = write!(d, " L{x0:.1},{y:.1} L{:.1},{y:.1}", x0 + bw);
        }
        let _ = write!(d, " L{:.1},{:.1} Z", left + cw, top + ch);
        let _ = write!(
            s,
            "<path d=\"{d}\" fill=\"{colour}\" fill-opacity=\"0.18\" stroke=\"{colour}\" stroke-width=\"1.4\"/>"
        );
        for (j, (label, v, dash)) in [
            ("mean", r.mean_s, false),
            ("P50", r.p50_s, true),
            ("P85", r.p85_s, true),
            ("P95", r.p95_s, true),
        ]
        .into_iter()
        .enumerate()
        {
            let _ = write!(
                s,
                "<g class=\"mark\"><title>{}: {label} {}</title><line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"{colour}\"{}/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{colour}\" font-size=\"10\">{label}</text></g>",
                esc(series[k].0),
                esc(&fmt(v)),
                top + ch,
                if dash { " stroke-dasharray=\"4 3\"" } else { "" },
                // Staggered on three rows, so that marks close together keep their labels apart.
                top - 4.0 - 9.0 * ((k * 4 + j) % 3) as f64,
                x = px(v)
            );
        }
    }
    if let Some(t) = target {
        let x = px(t);
        let _ = write!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"{INK}\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"{INK}\">target {}</text>",
            top + ch,
            x + 4.0,
            top + 12.0,
            esc(&fmt(t))
        );
    }
    for (i, v) in [lo, (lo + hi) / 2.0, hi].iter().enumerate() {
        let anchor = ["start", "middle", "end"][i];
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill=\"{MUTED}\">{}</text>",
            px(*v),
            top + ch + 14.0,
            esc(&fmt(*v))
        );
    }
    for (k, (name, r)) in series.iter().enumerate() {
        let y = top + ch + bottom + 14.0 + k as f64 * 18.0;
        let colour = SERIES[k % SERIES.len()];
        let within = target
            .map(|t| format!(", within target {:.0}%", r.within(t) * 100.0))
            .unwrap_or_default();
        let _ = write!(
            s,
            "<rect x=\"{left}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{colour}\" fill-opacity=\"0.5\" stroke=\"{colour}\"/><text x=\"{:.1}\" y=\"{y:.1}\" fill=\"{INK}\">{}: mean {}, P50 {}, P85 {}, P95 {}{within} ({} runs, seed {})</text>",
            y - 10.0,
            left + 18.0,
            esc(name),
            esc(&fmt(r.mean_s)),
            esc(&fmt(r.p50_s)),
            esc(&fmt(r.p85_s)),
            esc(&fmt(r.p95_s)),
            r.runs,
            r.seed
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_xmr_chart_marks_its_signals_and_a_waterfall_its_bars() {
        let pts: Vec<(String, f64)> = [10.0, 12.0, 11.0, 13.0, 30.0]
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("2026-0{}-01", i + 1), *v))
            .collect();
        let x = takt_core::xmr::xmr(&pts);
        let svg = xmr_svg(&x, "Lead time", &|v| format!("{v:.1}"));
        assert_eq!(svg.matches("data-point=").count(), 5);
        assert!(svg.contains("Signal: outside the natural process limits"));
        assert!(!svg.contains("style="));
        let w = Waterfall {
            metric: WaterfallMetric::LeadTime,
            before: 10.0,
            after: 6.0,
            bars: vec![takt_core::waterfall::Bar {
                kaizen: Some("k1".into()),
                title: "A <fast> lane".into(),
                delta: -4.0,
                error: None,
                steps: vec!["s1".into()],
                flows: vec![],
                map: false,
                together: vec![],
            }],
            exact: true,
            evaluations: 0,
        };
        let svg = waterfall_svg(&w, "Current", "Future", &|v| format!("{v}"), &|v| {
            format!("{v:+}")
        });
        assert!(svg.contains("data-bar=\"0\""));
        assert!(svg.contains("A &lt;fast&gt; lane"));
        assert!(svg.contains(BETTER));
    }
}

//! The executive report: what a leader takes into the meeting, on one to three pages. The
//! compared scenarios' metrics table (each cell with its change against the baseline), the
//! waterfall of what each kaizen item buys, the lead-time distributions, the trend's XmR chart
//! (a document with two snapshots or more), the top kaizen items by measured effect with their
//! owners and dates, and the maps. One set of data, written as JSON, HTML or PDF; the charts are
//! `charts.rs`'s, the same SVG the app shows.

use crate::charts;
use crate::svg::{esc, map_svg};
use serde::Serialize;
use takt_core::compare::{compare_set, HEADLINE};
use takt_core::figures::{delta_text, metric_text};
use takt_core::simulate::simulate_with;
use takt_core::waterfall::{waterfall, WaterfallMetric};
use takt_core::{analyze, ValueStream};

/// The runs and seed of the report's Monte Carlo.
pub const RUNS: u32 = 5_000;
pub const SEED: u64 = 1;

/// The table's rows: a headline metric, its label, and whether lower is better.
const ROWS: [(&str, &str, bool); 9] = [
    ("lead_time_s", "Lead time", true),
    ("process_time_s", "Process time", true),
    ("pce", "PCE", false),
    ("activity_ratio", "Activity ratio", false),
    ("rolled_pca", "Rolled %C&A", false),
    ("takt_s", "Takt", true),
    ("handoffs", "Handoffs", true),
    ("gate_time_s", "Gate time", true),
    ("wip_items", "WIP", true),
];

#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub value: Option<f64>,
    pub text: String,
    pub delta: Option<f64>,
    pub delta_text: String,
    /// "good", "bad" or "" (the baseline, or no change).
    pub tone: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub metric: String,
    pub label: String,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BarOut {
    pub kaizen: Option<String>,
    pub title: String,
    pub delta_s: f64,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaterfallOut {
    pub scenario: String,
    pub before_s: f64,
    pub after_s: f64,
    pub exact: bool,
    pub bars: Vec<BarOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SimOut {
    pub scenario: String,
    pub runs: u32,
    pub seed: u64,
    pub mean_s: f64,
    pub p50_s: f64,
    pub p85_s: f64,
    pub p95_s: f64,
    pub texts: [String; 4],
    /// The steps sometimes but not always on the critical path, most often first (up to
    /// three), with how often.
    pub contested: Vec<(String, f64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KaizenOut {
    pub id: String,
    pub title: String,
    pub scenario: String,
    pub owner: String,
    pub due: String,
    pub status: String,
    pub effect_s: f64,
    pub effect: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Executive {
    pub report: &'static str,
    pub title: String,
    pub map: String,
    pub source: String,
    pub date: String,
    pub author: String,
    pub baseline: String,
    pub scenarios: Vec<String>,
    pub rows: Vec<Row>,
    pub waterfalls: Vec<WaterfallOut>,
    pub simulation: Vec<SimOut>,
    pub trend: Option<takt_core::xmr::Xmr>,
    pub kaizen: Vec<KaizenOut>,
    /// The pictures, by file name (`waterfall-1.svg`, `histogram.svg`, `trend.svg`,
    /// `map-0.svg`...), for the PDF and the HTML.
    #[serde(skip)]
    pub svgs: Vec<(String, String)>,
}

/// What the report is made of.
pub struct ExecutiveInput {
    /// The scenarios, the baseline first (2 to 4).
    pub scenarios: Vec<(String, ValueStream)>,
    /// The lead time's trend over the snapshots, when there is one.
    pub trend: Option<takt_core::xmr::Xmr>,
    pub source: String,
    pub date: String,
    pub author: String,
}

/// Gathers the executive report (the waterfalls and the Monte Carlo are the slow part; the
/// callback hears where it is and may cancel: `Err("cancelled")`).
pub fn executive(input: ExecutiveInput, progress: crate::Progress) -> Result<Executive, String> {
    let ExecutiveInput {
        scenarios,
        trend,
        source,
        date,
        author,
    } = input;
    let analyses = scenarios
        .iter()
        .map(|(n, m)| analyze(m).map_err(|e| format!("{n}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let set: Vec<_> = scenarios
        .iter()
        .zip(&analyses)
        .map(|((n, m), a)| (n.as_str(), m, a))
        .collect();
    let cmps = compare_set(&set).map_err(|e| e.to_string())?;
    let base = &scenarios[0].1;
    let text = |metric: &str, v: f64, m: &ValueStream| metric_text(metric, v, m.unit, &m.calendar);
    let mut rows: Vec<Row> = ROWS
        .iter()
        .map(|(metric, label, lower)| {
            let k = HEADLINE
                .iter()
                .position(|h| h == metric)
                .expect("a headline metric");
            Row {
                metric: metric.to_string(),
                label: label.to_string(),
                cells: cmps
                    .iter()
                    .zip(&scenarios)
                    .enumerate()
                    .map(|(i, (c, (_, m)))| {
                        let d = &c.metrics[k];
                        let delta = if i == 0 { None } else { d.delta };
                        let tone = match delta {
                            Some(x) if x.abs() > 1e-9 => {
                                if (x < 0.0) == *lower {
                                    "good"
                                } else {
                                    "bad"
                                }
                            }
                            _ => "",
                        };
                        Cell {
                            value: d.after,
                            text: d.after.map_or("–".into(), |v| text(metric, v, m)),
                            delta,
                            delta_text: match delta {
                                Some(x) if x.abs() > 1e-9 => {
                                    delta_text(metric, x, m.unit, &m.calendar)
                                }
                                Some(_) => "no change".into(),
                                None => String::new(),
                            },
                            tone,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    rows.push(Row {
        metric: "bottleneck".into(),
        label: "Bottleneck".into(),
        cells: cmps
            .iter()
            .zip(&scenarios)
            .map(|(c, (_, m))| {
                let name = c.bottleneck[1].as_deref().map_or("–".to_string(), |id| {
                    m.step(id).map_or(id, |s| s.label()).to_string()
                });
                Cell {
                    value: None,
                    text: name,
                    delta: None,
                    delta_text: String::new(),
                    tone: "",
                }
            })
            .collect(),
    });

    let mut svgs = Vec::new();
    let n = scenarios.len();
    let stages = (n - 1) + n;
    let mut stage = 0usize;
    let mut step = |what: &str, progress: &mut dyn FnMut(f32, &str) -> bool| {
        stage += 1;
        progress(0.6 * stage as f32 / stages as f32, what)
    };
    let mut waterfalls = Vec::new();
    let mut kaizen: Vec<KaizenOut> = Vec::new();
    for (i, (name, m)) in scenarios.iter().enumerate().skip(1) {
        if !step(&format!("Attributing the changes of '{name}'"), progress) {
            return Err("cancelled".into());
        }
        let w = waterfall(base, m, WaterfallMetric::LeadTime, &|_, _| true)
            .map_err(|e| format!("{name}: {e}"))?;
        let fmt = |v: f64| text("lead_time_s", v, m);
        let signed = |v: f64| delta_text("lead_time_s", v, m.unit, &m.calendar);
        svgs.push((
            format!("waterfall-{i}.svg"),
            charts::waterfall_svg(&w, &scenarios[0].0, name, &fmt, &signed),
        ));
        for b in &w.bars {
            let Some(id) = &b.kaizen else { continue };
            let item = m.kaizen.iter().chain(&base.kaizen).find(|k| &k.id == id);
            kaizen.push(KaizenOut {
                id: id.clone(),
                title: b.title.clone(),
                scenario: name.clone(),
                owner: item.and_then(|k| k.owner.clone()).unwrap_or_default(),
                due: item.and_then(|k| k.due.clone()).unwrap_or_default(),
                status: item.map_or(String::new(), |k| {
                    serde_json::to_value(k.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                }),
                effect_s: b.delta,
                effect: signed(b.delta),
            });
        }
        waterfalls.push(WaterfallOut {
            scenario: name.clone(),
            before_s: w.before,
            after_s: w.after,
            exact: w.exact,
            bars: w
                .bars
                .iter()
                .map(|b| BarOut {
                    kaizen: b.kaizen.clone(),
                    title: b.title.clone(),
                    delta_s: b.delta,
                    text: signed(b.delta),
                })
                .collect(),
        });
    }
    // The items that buy most first (the largest cut of lead time).
    kaizen.sort_by(|a, b| a.effect_s.total_cmp(&b.effect_s));
    kaizen.truncate(10);

    let mut sims = Vec::new();
    for (name, m) in &scenarios {
        if !step(&format!("Simulating '{name}'"), progress) {
            return Err("cancelled".into());
        }
        let s = simulate_with(m, RUNS, SEED, &mut |_, _| true)
            .map_err(|e| format!("{name}: {e}"))?
            .ok_or("cancelled")?;
        sims.push(s);
    }
    let named: Vec<(&str, &takt_core::simulate::Simulation)> = scenarios
        .iter()
        .map(|(n, _)| n.as_str())
        .zip(&sims)
        .collect();
    let fmt = |v: f64| text("lead_time_s", v, base);
    svgs.push((
        "histogram.svg".into(),
        charts::histogram_svg(&named, None, &fmt),
    ));
    let simulation = scenarios
        .iter()
        .zip(&sims)
        .map(|((name, m), s)| SimOut {
            scenario: name.clone(),
            runs: s.runs,
            seed: s.seed,
            mean_s: s.mean_s,
            p50_s: s.p50_s,
            p85_s: s.p85_s,
            p95_s: s.p95_s,
            texts: [s.mean_s, s.p50_s, s.p85_s, s.p95_s].map(|v| text("lead_time_s", v, m)),
            contested: s
                .contested()
                .take(3)
                .map(|c| {
                    let name = m
                        .step(&c.step)
                        .map_or(c.step.clone(), |x| x.label().to_string());
                    (name, c.share)
                })
                .collect(),
        })
        .collect();
    if let Some(x) = &trend {
        svgs.push((
            "trend.svg".into(),
            charts::xmr_svg(x, "Lead time over the snapshots", &fmt),
        ));
    }
    if !progress(0.7, "Drawing the maps") {
        return Err("cancelled".into());
    }
    for (i, ((_, m), a)) in scenarios.iter().zip(&analyses).enumerate() {
        svgs.push((format!("map-{i}.svg"), map_svg(m, a)));
    }
    Ok(Executive {
        report: "executive",
        title: format!("{}: scenarios compared", base.name),
        map: base.name.clone(),
        source,
        date,
        author,
        baseline: scenarios[0].0.clone(),
        scenarios: scenarios.iter().map(|(n, _)| n.clone()).collect(),
        rows,
        waterfalls,
        simulation,
        trend,
        kaizen,
        svgs,
    })
}

impl Executive {
    pub fn to_json(&self) -> String {
        let mut v = serde_json::to_value(self).expect("a report serialises");
        takt_core::format::integral_numbers(&mut v);
        let mut s = serde_json::to_string_pretty(&v).expect("a report serialises");
        s.push('\n');
        s
    }

    fn svg(&self, name: &str) -> &str {
        self.svgs
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, s)| s.as_str())
    }

    /// One self-contained page: the tables, and the charts and maps inline.
    pub fn to_html(&self) -> String {
        let mut h = String::new();
        h += &format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#1f2933}}table{{border-collapse:collapse}}td,th{{padding:4px 10px;border-bottom:1px solid #d5dbe1;text-align:left}}td.num{{text-align:right}}.good{{color:#2e7d32}}.bad{{color:#c62828}}.muted{{color:#6b7785}}svg{{max-width:100%;height:auto}}</style></head><body>",
            esc(&self.title)
        );
        h += &format!(
            "<h1>{}</h1><p class=\"muted\">{} · prepared by {} · {} · baseline: {}</p><h2>The scenarios side by side</h2><table><tr><th></th>",
            esc(&self.title),
            esc(&self.date),
            esc(&self.author),
            esc(&self.source),
            esc(&self.baseline)
        );
        for (i, s) in self.scenarios.iter().enumerate() {
            h += &format!(
                "<th>{}{}</th>",
                esc(s),
                if i == 0 { " (baseline)" } else { "" }
            );
        }
        h += "</tr>";
        for r in &self.rows {
            h += &format!("<tr><th>{}</th>", esc(&r.label));
            for c in &r.cells {
                h += &format!(
                    "<td class=\"num\">{}<br><small class=\"{}\">{}</small></td>",
                    esc(&c.text),
                    c.tone,
                    esc(&c.delta_text)
                );
            }
            h += "</tr>";
        }
        h += "</table><h2>What each change buys</h2>";
        for (i, w) in self.waterfalls.iter().enumerate() {
            h += &format!(
                "<h3>{}</h3>{}",
                esc(&w.scenario),
                self.svg(&format!("waterfall-{}.svg", i + 1))
            );
        }
        h += &format!(
            "<h2>Lead time as a distribution</h2>{}",
            self.svg("histogram.svg")
        );
        if self.trend.is_some() {
            h += &format!("<h2>The trend</h2>{}", self.svg("trend.svg"));
        }
        h += "<h2>Top kaizen items by effect</h2><table><tr><th>Item</th><th>Scenario</th><th>Owner</th><th>Due</th><th>Status</th><th>Effect on lead time</th></tr>";
        for k in &self.kaizen {
            h += &format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                esc(&k.title),
                esc(&k.scenario),
                esc(&k.owner),
                esc(&k.due),
                esc(&k.status),
                esc(&k.effect)
            );
        }
        h += "</table><h2>The maps</h2>";
        for (i, s) in self.scenarios.iter().enumerate() {
            h += &format!("<h3>{}</h3>{}", esc(s), self.svg(&format!("map-{i}.svg")));
        }
        h += "</body></html>\n";
        h
    }
}

//! The map as an SVG picture for the reports: steps where the map places them (or, without a
//! place, in columns by their longest run of item flows from a source and in lanes by team,
//! as the app's automatic layout does), gates with their chamfered corners, flows as lines
//! (rework dashed, the critical path in orange), the teams' lanes with their names. Plain
//! shapes and text only, so that it embeds in a PDF/A file.

use std::collections::HashMap;
use std::fmt::Write as _;
use takt_core::model::{FlowKind, StepKind, ValueStream};
use takt_core::Analysis;

const W: f64 = 190.0;
const H: f64 = 74.0;
const COL: f64 = 250.0;
const LANE: f64 = 130.0;
const LEFT: f64 = 170.0;

/// The width attribute of an SVG's root element (its drawing's size in its own units).
pub fn width_of(svg: &str) -> f64 {
    svg.split_once("width=\"")
        .and_then(|(_, rest)| rest.split('"').next())
        .and_then(|w| w.parse().ok())
        .unwrap_or(0.0)
}

/// Escapes text for SVG.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Where each step stands: its own place, or a column by its longest run of item flows and a
/// lane by its team.
fn places(doc: &ValueStream) -> Vec<(f64, f64)> {
    let n = doc.steps.len();
    let index: HashMap<&str, usize> = doc
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let forward: Vec<(usize, usize)> = doc
        .flows
        .iter()
        .filter(|f| !matches!(f.kind, FlowKind::Rework | FlowKind::Information))
        .filter_map(|f| Some((*index.get(f.from.as_str())?, *index.get(f.to.as_str())?)))
        .collect();
    // Longest path by relaxation (a valid map's item flows have no cycle; n rounds at most).
    let mut col = vec![0usize; n];
    for _ in 0..n.min(10_000) {
        let mut changed = false;
        for &(a, b) in &forward {
            if col[b] < col[a] + 1 {
                col[b] = col[a] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let lane_of = |s: &takt_core::model::Step| {
        s.team
            .as_deref()
            .and_then(|t| doc.teams.iter().position(|x| x.id == t))
            .unwrap_or(doc.teams.len())
    };
    // Several steps in one column and lane stack down within the lane.
    let mut taken: HashMap<(usize, usize), usize> = HashMap::new();
    doc.steps
        .iter()
        .enumerate()
        .map(|(i, s)| match (s.x, s.y) {
            (Some(x), Some(y)) => (x, y),
            _ => {
                let lane = lane_of(s);
                let k = taken.entry((col[i], lane)).or_insert(0);
                *k += 1;
                (
                    LEFT + col[i] as f64 * COL,
                    40.0 + lane as f64 * LANE + (*k as f64 - 1.0) * (H + 12.0),
                )
            }
        })
        .collect()
}

/// What both drawings need: the steps' bounds, their positions by id, the critical path.
struct Frame<'a> {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    index: HashMap<&'a str, usize>,
    critical: std::collections::HashSet<usize>,
}

impl<'a> Frame<'a> {
    fn of(doc: &'a ValueStream, a: &Analysis, at: &[(f64, f64)]) -> Frame<'a> {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in at {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x + W);
            y1 = y1.max(y + H);
        }
        Frame {
            x0,
            y0,
            x1,
            y1,
            index: doc
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id.as_str(), i))
                .collect(),
            critical: a.critical_path.iter().map(|&i| i as usize).collect(),
        }
    }
}

/// What a map drawn as one of the compare view's small multiples marks: steps added (green),
/// changed (amber, with the fields that changed on hover), and the baseline's removed steps as
/// red ghosts where the baseline had them.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    pub added: Vec<String>,
    /// Step id and the fields that changed.
    pub changed: Vec<(String, Vec<String>)>,
    /// Removed steps: name, and place.
    pub ghosts: Vec<(String, (f64, f64))>,
}

impl Marks {
    /// The marks of a scenario against its baseline.
    pub fn of(base: &ValueStream, c: &takt_core::compare::Comparison) -> Marks {
        let at = places(base);
        Marks {
            added: c.steps_added.clone(),
            changed: c
                .steps_changed
                .iter()
                .map(|s| {
                    let fields: Vec<String> = s
                        .fields
                        .iter()
                        .filter(|f| *f != "x" && *f != "y")
                        .cloned()
                        .collect();
                    (s.id.clone(), fields)
                })
                .filter(|(_, f)| !f.is_empty())
                .collect(),
            ghosts: c
                .steps_removed
                .iter()
                .filter_map(|id| {
                    let i = base.steps.iter().position(|s| &s.id == id)?;
                    Some((base.steps[i].label().to_string(), at[i]))
                })
                .collect(),
        }
    }
}

/// The map as SVG (its own size; the report scales it to the page).
pub fn map_svg(doc: &ValueStream, a: &Analysis) -> String {
    map_svg_with(doc, a, &Marks::default())
}

/// The map as SVG with a comparison's marks.
pub fn map_svg_with(doc: &ValueStream, a: &Analysis, marks: &Marks) -> String {
    let at = places(doc);
    if at.len() > OVERVIEW_FROM {
        return overview(doc, a, &at);
    }
    if at.is_empty() {
        return r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="60" viewBox="0 0 400 60"><text x="10" y="35" font-size="14">No steps</text></svg>"##.into();
    }
    let Frame {
        mut x0,
        mut y0,
        mut x1,
        mut y1,
        index,
        critical,
    } = Frame::of(doc, a, &at);
    for (_, (x, y)) in &marks.ghosts {
        (x0, y0, x1, y1) = (x0.min(*x), y0.min(*y), x1.max(x + W), y1.max(y + H));
    }
    let pad = 30.0;
    let (vx, vy) = (x0 - pad - 150.0, y0 - pad);
    let (vw, vh) = (x1 - x0 + 2.0 * pad + 150.0, y1 - y0 + 2.0 * pad);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{vw:.0}" height="{vh:.0}" viewBox="{vx:.0} {vy:.0} {vw:.0} {vh:.0}" font-family="Libertinus Serif, serif">"##
    );
    let _ = write!(
        s,
        r##"<rect x="{vx:.0}" y="{vy:.0}" width="{vw:.0}" height="{vh:.0}" fill="#ffffff" stroke="#dcdfdc" stroke-width="2"/>"##
    );
    // Lanes: the band of each team's steps, with its name at the left.
    for (k, t) in doc.teams.iter().enumerate() {
        let ys: Vec<f64> = doc
            .steps
            .iter()
            .zip(&at)
            .filter(|(st, _)| st.team.as_deref() == Some(t.id.as_str()))
            .map(|(_, p)| p.1)
            .collect();
        if ys.is_empty() {
            continue;
        }
        let top = ys.iter().cloned().fold(f64::MAX, f64::min) - 14.0;
        let bottom = ys.iter().cloned().fold(f64::MIN, f64::max) + H + 14.0;
        let fill = if k % 2 == 0 { "#f1f3f2" } else { "#f7f7f4" };
        let _ = write!(
            s,
            r##"<rect x="{:.0}" y="{top:.0}" width="{:.0}" height="{:.0}" fill="{fill}"/><text x="{:.0}" y="{:.0}" font-size="15" font-weight="bold" fill="#3b4a4f">{}</text>"##,
            vx + 4.0,
            vw - 8.0,
            bottom - top,
            vx + 12.0,
            top + 22.0,
            esc(&t.name)
        );
    }
    // Flows under the steps.
    for f in &doc.flows {
        let (Some(&i), Some(&j)) = (index.get(f.from.as_str()), index.get(f.to.as_str())) else {
            continue;
        };
        let (a0, b0) = (at[i], at[j]);
        let on_path = critical.contains(&i) && critical.contains(&j) && f.kind != FlowKind::Rework;
        let (x_a, y_a) = (a0.0 + W, a0.1 + H / 2.0);
        let (x_b, y_b) = (b0.0, b0.1 + H / 2.0);
        let (colour, dash, width) = match f.kind {
            FlowKind::Rework => ("#b91c1c", r##" stroke-dasharray="6 4""##, 1.5),
            FlowKind::Information => ("#5b6b70", r##" stroke-dasharray="2 4""##, 1.2),
            _ if on_path => ("#d97706", "", 2.6),
            _ => ("#5b6b70", "", 1.5),
        };
        if f.kind == FlowKind::Rework {
            // Back upstream, under the boxes.
            let low = a0.1.max(b0.1) + H + 26.0;
            let _ = write!(
                s,
                r##"<path d="M{:.0} {:.0} V{low:.0} H{:.0} V{:.0}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/>"##,
                a0.0 + W / 2.0,
                a0.1 + H,
                b0.0 + W / 2.0,
                b0.1 + H
            );
        } else {
            let mx = (x_a + x_b) / 2.0;
            let _ = write!(
                s,
                r##"<path d="M{x_a:.0} {y_a:.0} C{mx:.0} {y_a:.0} {mx:.0} {y_b:.0} {x_b:.0} {y_b:.0}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/><path d="M{:.0} {:.0} L{x_b:.0} {y_b:.0} L{:.0} {:.0} Z" fill="{colour}"/>"##,
                x_b - 8.0,
                y_b - 4.5,
                x_b - 8.0,
                y_b + 4.5
            );
        }
    }
    // Removed steps, as ghosts where the baseline had them.
    for (name, (x, y)) in &marks.ghosts {
        let _ = write!(
            s,
            r##"<g class="removed"><title>Removed: {}</title><rect x="{x:.0}" y="{y:.0}" width="{W}" height="{H}" rx="6" fill="#fdecec" fill-opacity="0.6" stroke="#c62828" stroke-width="2" stroke-dasharray="6 4"/><text x="{:.0}" y="{:.0}" font-size="14" text-anchor="middle" fill="#c62828">{}</text></g>"##,
            esc(name),
            x + W / 2.0,
            y + H / 2.0 + 5.0,
            esc(&wrap(name, 26, 1).concat())
        );
    }
    // Steps.
    for (i, st) in doc.steps.iter().enumerate() {
        let (x, y) = at[i];
        let crit = critical.contains(&i);
        let added = marks.added.contains(&st.id);
        let changed = marks.changed.iter().find(|(id, _)| id == &st.id);
        let (stroke, sw) = if added {
            ("#2e7d32", 3.2)
        } else if changed.is_some() {
            ("#e0a100", 3.2)
        } else if crit {
            ("#d97706", 2.4)
        } else {
            ("#5b6b70", 1.2)
        };
        let tip = if added {
            format!("Added: {}", st.label())
        } else if let Some((_, fields)) = changed {
            format!("Changed: {} ({})", st.label(), fields.join(", "))
        } else {
            st.label().to_string()
        };
        let _ = write!(s, "<g><title>{}</title>", esc(&tip));
        match st.kind {
            StepKind::Gate => {
                let c = 14.0;
                let _ = write!(
                    s,
                    r##"<path d="M{:.0} {y:.0} H{:.0} L{:.0} {:.0} V{:.0} L{:.0} {:.0} H{:.0} L{x:.0} {:.0} V{:.0} Z" fill="#f5f0ff" stroke="{stroke}" stroke-width="{sw}"/>"##,
                    x + c,
                    x + W - c,
                    x + W,
                    y + c,
                    y + H - c,
                    x + W - c,
                    y + H,
                    x + c,
                    y + H - c,
                    y + c
                );
            }
            StepKind::Supplier | StepKind::Customer => {
                let _ = write!(
                    s,
                    r##"<path d="M{x:.0} {:.0} L{:.0} {y:.0} L{:.0} {:.0} L{:.0} {y:.0} L{:.0} {:.0} V{:.0} H{x:.0} Z" fill="#eef2f3" stroke="{stroke}" stroke-width="{sw}"/>"##,
                    y + 18.0,
                    x + W / 3.0,
                    x + W / 3.0,
                    y + 18.0,
                    x + 2.0 * W / 3.0,
                    x + W,
                    y + 18.0,
                    y + H
                );
            }
            StepKind::Process => {
                let _ = write!(
                    s,
                    r##"<rect x="{x:.0}" y="{y:.0}" width="{W}" height="{H}" rx="6" fill="#ffffff" stroke="{stroke}" stroke-width="{sw}"/>"##
                );
            }
        }
        // The name on up to two lines, then the step's lead time.
        let lines = wrap(st.label(), 26, 2);
        for (k, line) in lines.iter().enumerate() {
            let _ = write!(
                s,
                r##"<text x="{:.0}" y="{:.0}" font-size="14" font-weight="bold" text-anchor="middle" fill="#172226">{}</text>"##,
                x + W / 2.0,
                y + 24.0 + k as f64 * 17.0,
                esc(line)
            );
        }
        if let Some(lt) = st.lt.or(st.pt) {
            let _ = write!(
                s,
                r##"<text x="{:.0}" y="{:.0}" font-size="12" text-anchor="middle" fill="#5b6b70">LT {}</text>"##,
                x + W / 2.0,
                y + H - 10.0,
                esc(&takt_core::format::human(
                    lt.seconds(&doc.calendar),
                    doc.unit,
                    &doc.calendar
                ))
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

/// From this many steps the map is drawn as an overview: a mark per step, a line per item flow,
/// the critical path in orange; no names (unreadable at that size on a page, and each one is
/// costly for the PDF).
pub const OVERVIEW_FROM: usize = 400;

fn overview(doc: &ValueStream, a: &Analysis, at: &[(f64, f64)]) -> String {
    let Frame {
        x0,
        y0,
        x1,
        y1,
        index,
        critical,
    } = Frame::of(doc, a, at);
    let (w, h) = (x1 - x0 + 40.0, y1 - y0 + 40.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="{:.0} {:.0} {w:.0} {h:.0}"><rect x="{:.0}" y="{:.0}" width="{w:.0}" height="{h:.0}" fill="#ffffff"/>"##,
        x0 - 20.0,
        y0 - 20.0,
        x0 - 20.0,
        y0 - 20.0
    );
    // All the flows in one path, the critical ones in another.
    let (mut plain, mut hot) = (String::new(), String::new());
    for f in &doc.flows {
        if matches!(f.kind, FlowKind::Rework | FlowKind::Information) {
            continue;
        }
        let (Some(&i), Some(&j)) = (index.get(f.from.as_str()), index.get(f.to.as_str())) else {
            continue;
        };
        let into = if critical.contains(&i) && critical.contains(&j) {
            &mut hot
        } else {
            &mut plain
        };
        let _ = write!(
            into,
            "M{:.0} {:.0}L{:.0} {:.0}",
            at[i].0 + W,
            at[i].1 + H / 2.0,
            at[j].0,
            at[j].1 + H / 2.0
        );
    }
    let _ = write!(
        s,
        r##"<path d="{plain}" stroke="#9aa6aa" stroke-width="3" fill="none"/><path d="{hot}" stroke="#d97706" stroke-width="8" fill="none"/>"##
    );
    let (mut steps, mut gates) = (String::new(), String::new());
    for (i, st) in doc.steps.iter().enumerate() {
        let into = if st.kind == StepKind::Gate {
            &mut gates
        } else {
            &mut steps
        };
        let _ = write!(into, "M{:.0} {:.0}h{W}v{H}h-{W}Z", at[i].0, at[i].1);
    }
    let _ = write!(
        s,
        r##"<path d="{steps}" fill="#ffffff" stroke="#5b6b70" stroke-width="3"/><path d="{gates}" fill="#e4d9fb" stroke="#6d28d9" stroke-width="3"/></svg>"##
    );
    s
}

/// `text` in lines of at most `width` characters, `max` lines (the last one cut with "…").
pub fn wrap(text: &str, width: usize, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max {
        lines.truncate(max);
        let last = lines.last_mut().expect("max > 0");
        let keep: String = last.chars().take(width.saturating_sub(1)).collect();
        *last = format!("{keep}…");
    }
    lines
}

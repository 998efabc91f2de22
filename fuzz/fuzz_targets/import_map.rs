//! Structure-aware fuzz target: small maps generated with `arbitrary` (steps, forward and rework
//! flows between them, times in every unit, extreme numbers among the ordinary ones), written
//! as JSON and fed to the importer. Most of them are valid, so this target spends its time in
//! the analysis, the writer and the Monte Carlo rather than in the JSON parser.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

#[derive(Debug, Arbitrary)]
struct Doc {
    calendar: Option<(Num, Num)>,
    demand: Option<(Num, Time)>,
    unit: Option<u8>,
    pert: bool,
    steps: Vec<StepA>,
    flows: Vec<FlowA>,
    kaizen_on: Option<u8>,
}

#[derive(Debug, Arbitrary)]
struct StepA {
    kind: u8,
    pt: Option<Time>,
    lt: Option<Time>,
    pca: Option<Num>,
    servers: Option<Num>,
    uptime: Option<Num>,
    changeover: Option<Time>,
    batch: Option<Num>,
    value: Option<u8>,
    xor: bool,
    waste: Vec<(u8, Option<Num>)>,
    pt_range: Option<(Time, Option<Time>, Time)>,
    lt_range: Option<(Time, Option<Time>, Time)>,
    team: bool,
    control: Option<u8>,
}

#[derive(Debug, Arbitrary)]
struct FlowA {
    from: u8,
    to: u8,
    kind: u8,
    wait: Option<Time>,
    wip: Option<Num>,
    p: Option<Num>,
    wait_range: Option<(Time, Option<Time>, Time)>,
}

/// A number: mostly ordinary, sometimes extreme.
#[derive(Debug, Arbitrary)]
enum Num {
    Small(u8),
    Frac(u16),
    Raw(f64),
    Extreme(u8),
}

impl Num {
    fn get(&self) -> f64 {
        match *self {
            Num::Small(v) => v as f64,
            Num::Frac(v) => v as f64 / 65535.0,
            Num::Raw(v) if v.is_finite() => v,
            Num::Raw(_) => 0.5,
            Num::Extreme(k) => [
                0.0,
                1e-300,
                5e-324,
                1e-9,
                0.999_999_999_999_999_9,
                1.0 - f64::EPSILON,
                1e12,
                1e15,
                9.0e15,
                1e16,
                1e100,
                1e300,
                1.7e308,
                f64::MAX,
                -1.0,
                -0.0,
            ][k as usize % 16],
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Time {
    n: Num,
    unit: u8,
}

impl Time {
    fn json(&self) -> Value {
        let v = self.n.get();
        match self.unit % 7 {
            0 => json!(v),
            u => Value::from(format!(
                "{v}{}",
                ["s", "min", "h", "d", "wd", "w"][u as usize - 1]
            )),
        }
    }
}

fn range(r: &(Time, Option<Time>, Time)) -> Value {
    let mut m = Map::new();
    m.insert("min".into(), r.0.json());
    if let Some(l) = &r.1 {
        m.insert("likely".into(), l.json());
    }
    m.insert("max".into(), r.2.json());
    Value::Object(m)
}

const WASTES: [&str; 8] = [
    "defects",
    "overproduction",
    "waiting",
    "non_utilised_talent",
    "transportation",
    "inventory",
    "motion",
    "extra_processing",
];

fn to_json(d: &Doc) -> Value {
    let n = d.steps.len().min(24);
    let mut m = Map::new();
    m.insert("format".into(), json!("takt"));
    m.insert("version".into(), json!(1));
    m.insert("name".into(), json!("fuzz"));
    if let Some((h, w)) = &d.calendar {
        m.insert(
            "calendar".into(),
            json!({"hours_per_day": h.get(), "days_per_week": w.get()}),
        );
    }
    if let Some((items, per)) = &d.demand {
        m.insert(
            "demand".into(),
            json!({"items": items.get(), "per": per.json()}),
        );
    }
    if let Some(u) = d.unit {
        m.insert(
            "unit".into(),
            json!(["s", "min", "h", "d", "wd", "w"][u as usize % 6]),
        );
    }
    if d.pert {
        m.insert("simulation".into(), json!({"distribution": "pert"}));
    }
    m.insert(
        "teams".into(),
        json!([{"id": "t1", "name": "One"}, {"id": "t2", "name": "Two"}]),
    );
    let mut steps = Vec::new();
    for (i, s) in d.steps.iter().take(n).enumerate() {
        let mut o = Map::new();
        o.insert("id".into(), json!(format!("s{i}")));
        o.insert("name".into(), json!(format!("Step {i}")));
        let kind = [
            "process", "process", "process", "gate", "supplier", "customer",
        ][s.kind as usize % 6];
        o.insert("kind".into(), json!(kind));
        o.insert("team".into(), json!(if s.team { "t1" } else { "t2" }));
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                o.insert(k.into(), v);
            }
        };
        put("pt", s.pt.as_ref().map(Time::json));
        put("lt", s.lt.as_ref().map(Time::json));
        put("pca", s.pca.as_ref().map(|v| json!(v.get())));
        put("servers", s.servers.as_ref().map(|v| json!(v.get())));
        put("uptime", s.uptime.as_ref().map(|v| json!(v.get())));
        put("changeover", s.changeover.as_ref().map(Time::json));
        put("batch", s.batch.as_ref().map(|v| json!(v.get())));
        put(
            "value",
            s.value
                .map(|v| json!(["va", "bnva", "nva"][v as usize % 3])),
        );
        put("split", s.xor.then(|| json!("xor")));
        if !s.waste.is_empty() {
            let tags: Vec<Value> = s
                .waste
                .iter()
                .take(4)
                .map(|(k, share)| {
                    let kind = WASTES[*k as usize % 8];
                    match share {
                        None => json!(kind),
                        Some(v) => json!({"kind": kind, "share": v.get()}),
                    }
                })
                .collect();
            put("waste", Some(Value::Array(tags)));
        }
        put("pt_range", s.pt_range.as_ref().map(range));
        put("lt_range", s.lt_range.as_ref().map(range));
        put(
            "gate",
            s.control
                .map(|c| json!({"regulation": "R", "control": format!("c{}", c % 3)})),
        );
        steps.push(Value::Object(o));
    }
    m.insert("steps".into(), Value::Array(steps));
    let mut flows = Vec::new();
    if n > 0 {
        for f in d.flows.iter().take(48) {
            let (a, b) = (f.from as usize % n, f.to as usize % n);
            let kind =
                ["push", "push", "pull", "fifo", "information", "rework"][f.kind as usize % 6];
            // Forward flows go down the list (so most maps are acyclic), rework flows back up.
            let (from, to) = match kind {
                "rework" => (a.max(b), a.min(b)),
                _ if a == b => continue,
                _ => (a.min(b), a.max(b)),
            };
            let mut o = Map::new();
            o.insert("from".into(), json!(format!("s{from}")));
            o.insert("to".into(), json!(format!("s{to}")));
            o.insert("kind".into(), json!(kind));
            if kind != "information" {
                if let Some(w) = &f.wait {
                    o.insert("wait".into(), w.json());
                } else if let Some(q) = &f.wip {
                    o.insert("wip".into(), json!(q.get()));
                }
                if let Some(p) = &f.p {
                    o.insert("p".into(), json!(p.get()));
                }
                if let Some(r) = &f.wait_range {
                    o.insert("wait_range".into(), range(r));
                }
            }
            flows.push(Value::Object(o));
        }
    }
    m.insert("flows".into(), Value::Array(flows));
    if let (Some(k), true) = (d.kaizen_on, n > 0) {
        m.insert(
            "kaizen".into(),
            json!([{"id": "k1", "title": "Idea", "target": {"step": format!("s{}", k as usize % n)}}]),
        );
    }
    Value::Object(m)
}

fuzz_target!(|d: Doc| {
    let v = to_json(&d);
    // Compact or pretty, the importer must read both.
    let text = if d.pert {
        serde_json::to_string(&v).expect("a JSON value serialises")
    } else {
        serde_json::to_string_pretty(&v).expect("a JSON value serialises")
    };
    // `TAKT_FUZZ_PRINT=1 cargo +nightly fuzz run import_map <file>` shows the map of an input.
    static PRINT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *PRINT.get_or_init(|| std::env::var_os("TAKT_FUZZ_PRINT").is_some()) {
        eprintln!("{text}");
    }
    takt_fuzz::check_text(&text);
});

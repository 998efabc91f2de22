//! Synthetic maps for benchmarks and tests: realistic in shape (an ML operations stream of
//! stages across five teams, with parallel checks, XOR routes, approval gates, rework loops,
//! queues counted in time and in items, ranges and lineage), reproducible from a seed.

use crate::duration::{Duration, Unit};
use crate::model::*;
use crate::rng::Rng;

const TEAMS: [(&str, &str); 5] = [
    ("data", "Data engineering"),
    ("ds", "Data science"),
    ("mle", "ML engineering"),
    ("ops", "Operations"),
    ("risk", "Model risk"),
];

const WORK: [&str; 16] = [
    "Extract source data",
    "Validate schema",
    "Profile data quality",
    "Label samples",
    "Build features",
    "Train candidate",
    "Tune hyperparameters",
    "Evaluate offline",
    "Bias and fairness tests",
    "Performance tests",
    "Package model",
    "Shadow deploy",
    "Canary release",
    "Monitor drift",
    "Update feature store",
    "Write model card",
];

const GATES: [(&str, &str, &str); 4] = [
    ("Model risk review", "SR 11-7", "MRM-4"),
    ("Privacy review", "GDPR", "Art. 35"),
    ("Change approval", "SOX", "ITGC-CM-2"),
    ("AI Act conformity check", "EU AI Act", "Art. 9"),
];

struct Builder {
    rng: Rng,
    doc: ValueStream,
    target: usize,
}

impl Builder {
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.rng.below(xs.len() as u64) as usize]
    }

    fn hours(&mut self, lo: f64, hi: f64) -> f64 {
        let h = lo + (hi - lo) * self.rng.uniform();
        (h * 4.0).round() / 4.0
    }

    fn step(&mut self, gate: bool) -> String {
        let i = self.doc.steps.len();
        let id = format!("s{i}");
        let team = self.pick(&TEAMS).0.to_string();
        let mut s = if gate {
            let (name, reg, control) = *self.pick(&GATES);
            // Most gates check a control of their own; one in ten repeats one checked upstream,
            // as in real streams that grew gates over the years (a redundancy candidate).
            let control = if self.rng.uniform() < 0.1 {
                control.to_string()
            } else {
                format!("{control}.{i}")
            };
            let mut s = Step::new(&id, format!("{name} {i}"));
            s.kind = StepKind::Gate;
            s.gate = Some(Box::new(GateDetails {
                regulation: Some(reg.into()),
                control: Some(control),
                approver: Some("Approver".into()),
                mandatory: self.rng.uniform() < 0.7,
                ..GateDetails::default()
            }));
            s.value = Some(ValueClass::Bnva);
            s
        } else {
            let name = *self.pick(&WORK);
            let mut s = Step::new(&id, format!("{name} {i}"));
            s.value = Some(*self.pick(&[
                ValueClass::Va,
                ValueClass::Va,
                ValueClass::Bnva,
                ValueClass::Nva,
            ]));
            s.automation = Some(*self.pick(&[
                Automation::Manual,
                Automation::Automated,
                Automation::Hybrid,
            ]));
            s
        };
        let pt = self.hours(0.25, 8.0);
        let lt = pt + self.hours(0.0, 24.0);
        s.pt = Some(Duration::hours(pt));
        s.lt = Some(Duration::hours(lt));
        if self.rng.uniform() < 0.3 {
            s.lt_range = Some(Box::new(Range {
                min: Duration::hours(pt.max(lt * 0.6)),
                likely: None,
                max: Duration::hours(lt * 2.0),
            }));
        }
        s.pca = Some((70.0 + 30.0 * self.rng.uniform()).round());
        s.team = Some(team);
        if self.rng.uniform() < 0.2 {
            s.waste = vec![WasteTag::Plain(*self.pick(&Waste::ALL))];
        }
        self.doc.steps.push(s);
        id
    }

    fn flow(&mut self, from: &str, to: &str) -> usize {
        let mut f = Flow::new(from, to, FlowKind::Push);
        let r = self.rng.uniform();
        if r < 0.3 {
            f.wait = Some(Duration::new(self.hours(1.0, 16.0), Unit::H));
        } else if r < 0.45 {
            f.wip = Some((1.0 + 2.0 * self.rng.uniform()).round());
        }
        self.doc.flows.push(f);
        self.doc.flows.len() - 1
    }

    fn chain(&mut self, from: &str, len: usize) -> String {
        let mut t = from.to_string();
        for _ in 0..len {
            let s = self.step(false);
            self.flow(&t, &s);
            t = s;
        }
        t
    }

    fn left(&self) -> usize {
        self.target.saturating_sub(self.doc.steps.len())
    }
}

/// A map of exactly `steps` steps (at least 2: a supplier and a customer).
pub fn generate(steps: usize, seed: u64) -> ValueStream {
    let steps = steps.max(2);
    let mut doc = ValueStream::new(format!(
        "Generated ML operations stream ({steps} steps, seed {seed})"
    ));
    doc.description = "Synthetic map from `takt gen`, for benchmarks.".into();
    doc.demand = Some(Demand {
        items: 3.0,
        per: Duration::new(1.0, Unit::W),
    });
    doc.unit = Some(Unit::H);
    doc.teams = TEAMS
        .iter()
        .map(|(id, name)| Team {
            id: (*id).into(),
            name: (*name).into(),
            color: None,
        })
        .collect();
    let mut b = Builder {
        rng: Rng::new(seed),
        doc,
        target: steps,
    };

    let mut supplier = Step::new("s0", "Source systems");
    supplier.kind = StepKind::Supplier;
    b.doc.steps.push(supplier);
    let mut tail = "s0".to_string();
    // Single steps every path passes: where rework loops may start.
    let mut cuts = vec![tail.clone()];
    while b.left() > 9 {
        let r = b.rng.uniform();
        if r < 0.35 {
            let len = 1 + b.rng.below(3) as usize;
            tail = b.chain(&tail, len);
        } else if r < 0.55 {
            // Parallel checks that join.
            let branches = 2 + b.rng.below(2) as usize;
            let join_from: Vec<String> = (0..branches)
                .map(|_| {
                    let len = 1 + b.rng.below(2) as usize;
                    b.chain(&tail, len)
                })
                .collect();
            let join = b.step(false);
            for j in join_from {
                b.flow(&j, &join);
            }
            tail = join;
        } else if r < 0.75 {
            // Two routes, one of them taken.
            let split = b.step(false);
            b.flow(&tail, &split);
            b.doc.steps.last_mut().expect("just added").split = Some(Split::Xor);
            let p = [0.6, 0.7, 0.8, 0.9][b.rng.below(4) as usize];
            let a = b.chain(&split, 1);
            let first = b.doc.flows.len() - 1;
            b.doc.flows[first].p = Some(p);
            let len = 1 + b.rng.below(2) as usize;
            let c = b.chain(&split, len);
            let second = b
                .doc
                .flows
                .iter()
                .rposition(|f| f.from == split)
                .expect("branch flow");
            b.doc.flows[second].p = Some(((1.0 - p) * 10.0).round() / 10.0);
            let merge = b.step(false);
            b.flow(&a, &merge);
            b.flow(&c, &merge);
            tail = merge;
        } else {
            let gate = b.step(true);
            b.flow(&tail, &gate);
            tail = gate;
            // A gate sends some items back to the start of an earlier stage.
            if cuts.len() > 1 && b.rng.uniform() < 0.6 {
                let back = cuts.len() - 1 - b.rng.below(2.min(cuts.len() as u64 - 1)) as usize;
                let to = cuts[back].clone();
                if to != "s0" {
                    let mut f = Flow::new(&tail, &to, FlowKind::Rework);
                    f.p = Some([0.05, 0.1, 0.2, 0.3][b.rng.below(4) as usize]);
                    f.wait = Some(Duration::hours(b.hours(1.0, 8.0)));
                    b.doc.flows.push(f);
                }
            }
        }
        cuts.push(tail.clone());
    }
    while b.left() > 1 {
        tail = b.chain(&tail, 1);
    }
    let mut customer = Step::new(format!("s{}", b.doc.steps.len()), "Model consumers");
    customer.kind = StepKind::Customer;
    let cid = customer.id.clone();
    b.doc.steps.push(customer);
    b.flow(&tail, &cid);

    // Lineage: a source, a feature set and a model per ten steps, feeding one endpoint.
    let stages = (steps / 10).max(1);
    let mut prev: Option<String> = None;
    for k in 0..stages {
        let kinds = [
            (AssetKind::Source, "source"),
            (AssetKind::Feature, "features"),
            (AssetKind::Model, "model"),
        ];
        for (kind, name) in kinds {
            let id = format!("a{k}-{name}");
            let lt = b.hours(0.5, 6.0);
            b.doc.assets.push(DataAsset {
                lt: Some(Duration::hours(lt)),
                ..DataAsset::new(id.clone(), format!("{name} {k}"), kind)
            });
            if let Some(p) = prev.take() {
                b.doc.lineage.push(LineageEdge {
                    from: p,
                    to: id.clone(),
                });
            }
            prev = Some(id);
        }
    }
    b.doc.assets.push(DataAsset::new(
        "endpoint",
        "Scoring endpoint",
        AssetKind::Endpoint,
    ));
    if let Some(p) = prev {
        b.doc.lineage.push(LineageEdge {
            from: p,
            to: "endpoint".into(),
        });
    }
    b.doc
}

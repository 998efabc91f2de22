//! Properties over random maps and random edits: edits keep a map valid and undo exactly; the
//! analysis is always finite and in range, and the same whether a map was edited or loaded; on
//! maps without AND splits it is the absorbing Markov chain's expectation; the Monte Carlo never
//! falls below it at AND joins and is reproducible.

mod common;

use proptest::prelude::*;
use serde_json::json;
use takt_core::format::{load, to_json};
use takt_core::gen::generate;
use takt_core::ops::{apply, apply_diff, Key, Op, Record};
use takt_core::rng::Rng;
use takt_core::simulate::simulate;
use takt_core::*;

// ---------------------------------------------------------------------------------------------
// Random edits.

/// An edit, with indices taken modulo the current number of steps or flows.
#[derive(Debug, Clone)]
enum Edit {
    /// A new step after one step and before another (which may close a loop).
    AddStep {
        from: usize,
        to: usize,
        pt_q: u32,
        extra_q: u32,
    },
    RemoveStep(usize),
    /// Replace a step by a copy with another lead time (possibly below its process time).
    UpdateLt(usize, u32),
    ClearLt(usize),
    SetPt(usize, u32),
    SetPca(usize, i32),
    Move(usize, i32, i32),
    AddFlow(usize, usize, u32),
    RemoveFlow(usize),
    /// Replace a flow by a copy with another queue, in hours or in items.
    UpdateFlow(usize, u32, bool),
    SetWait(usize, u32),
    SetP(usize, u32),
    SetKind(usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), any::<usize>(), 0u32..40, 0u32..40).prop_map(
            |(from, to, pt_q, extra_q)| Edit::AddStep { from, to, pt_q, extra_q }
        ),
        2 => any::<usize>().prop_map(Edit::RemoveStep),
        2 => (any::<usize>(), 0u32..60).prop_map(|(i, q)| Edit::UpdateLt(i, q)),
        1 => any::<usize>().prop_map(Edit::ClearLt),
        2 => (any::<usize>(), 0u32..60).prop_map(|(i, q)| Edit::SetPt(i, q)),
        1 => (any::<usize>(), -10i32..120).prop_map(|(i, v)| Edit::SetPca(i, v)),
        1 => (any::<usize>(), -500i32..500, -500i32..500).prop_map(|(i, x, y)| Edit::Move(i, x, y)),
        2 => (any::<usize>(), any::<usize>(), 0u32..20).prop_map(|(a, b, w)| Edit::AddFlow(a, b, w)),
        2 => any::<usize>().prop_map(Edit::RemoveFlow),
        2 => (any::<usize>(), 0u32..20, any::<bool>()).prop_map(|(i, q, wip)| Edit::UpdateFlow(i, q, wip)),
        2 => (any::<usize>(), 0u32..20).prop_map(|(i, w)| Edit::SetWait(i, w)),
        1 => (any::<usize>(), 0u32..120).prop_map(|(i, p)| Edit::SetP(i, p)),
        1 => (any::<usize>(), 0u8..5).prop_map(|(i, k)| Edit::SetKind(i, k)),
    ]
}

/// Quarter hours.
fn quarters(q: u32) -> Duration {
    Duration::new(q as f64 * 15.0, Unit::Min)
}

/// The op for an edit on the current document (none when there is nothing to edit).
fn to_op(doc: &ValueStream, e: &Edit, counter: &mut u32) -> Option<Op> {
    let step = |i: usize| doc.steps.get(i % doc.steps.len().max(1));
    let flow = |i: usize| doc.flows.get(i % doc.flows.len().max(1));
    let set = |key: Key, field: &str, value: serde_json::Value| Op::Set {
        key,
        field: field.into(),
        value,
    };
    Some(match e {
        Edit::AddStep {
            from,
            to,
            pt_q,
            extra_q,
        } => {
            *counter += 1;
            let id = format!("new{counter}");
            let from = step(*from)?.id.clone();
            let to = step(*to)?.id.clone();
            let s = Step {
                team: Some("ds".into()),
                pt: Some(quarters(*pt_q)),
                lt: Some(quarters(pt_q + extra_q)),
                ..Step::new(&id, format!("New step {counter}"))
            };
            Op::Batch {
                ops: vec![
                    Op::Add {
                        record: Record::Step(s),
                        index: None,
                    },
                    Op::Add {
                        record: Record::Flow(Flow::new(&from, &id, FlowKind::Push)),
                        index: None,
                    },
                    Op::Add {
                        record: Record::Flow(Flow::new(&id, &to, FlowKind::Push)),
                        index: None,
                    },
                ],
            }
        }
        Edit::RemoveStep(i) => Op::Remove {
            key: Key::step(&step(*i)?.id),
        },
        Edit::UpdateLt(i, q) => {
            let mut s = step(*i)?.clone();
            s.lt = Some(quarters(*q));
            Op::Update {
                record: Record::Step(s),
            }
        }
        Edit::ClearLt(i) => set(Key::step(&step(*i)?.id), "lt", serde_json::Value::Null),
        Edit::SetPt(i, q) => set(
            Key::step(&step(*i)?.id),
            "pt",
            json!(format!("{}min", q * 15)),
        ),
        Edit::SetPca(i, v) => set(Key::step(&step(*i)?.id), "pca", json!(v)),
        Edit::Move(i, x, y) => Op::Move {
            key: Key::step(&step(*i)?.id),
            x: *x as f64,
            y: *y as f64,
        },
        Edit::AddFlow(a, b, w) => {
            let mut f = Flow::new(&step(*a)?.id, &step(*b)?.id, FlowKind::Push);
            if *w > 0 {
                f.wait = Some(Duration::hours(*w as f64));
            }
            Op::Add {
                record: Record::Flow(f),
                index: None,
            }
        }
        Edit::RemoveFlow(i) => Op::Remove {
            key: Key::flow(flow(*i)?.key()),
        },
        Edit::UpdateFlow(i, q, wip) => {
            let mut f = flow(*i)?.clone();
            if *wip {
                f.wip = Some(*q as f64);
            } else {
                f.wait = Some(Duration::hours(*q as f64));
            }
            Op::Update {
                record: Record::Flow(f),
            }
        }
        Edit::SetWait(i, w) => set(Key::flow(flow(*i)?.key()), "wait", json!(format!("{w}h"))),
        Edit::SetP(i, p) => set(Key::flow(flow(*i)?.key()), "p", json!(*p as f64 / 100.0)),
        Edit::SetKind(i, k) => {
            let kind = ["push", "pull", "fifo", "information", "rework"][*k as usize];
            set(Key::flow(flow(*i)?.key()), "kind", json!(kind))
        }
    })
}

/// The invariants every analysis keeps.
fn check_analysis(a: &Analysis) -> Result<(), TestCaseError> {
    for (i, s) in a.steps.iter().enumerate() {
        prop_assert!(s.visits >= 0.0, "visits of step {}: {}", i, s.visits);
    }
    let xs = common::numbers(a);
    for x in &xs {
        prop_assert!(
            x.is_finite() && *x >= 0.0,
            "not finite or negative: {x} in {a:?}"
        );
    }
    prop_assert!((0.0..=1.0).contains(&a.pce), "pce {}", a.pce);
    prop_assert!(
        (0.0..=1.0).contains(&a.activity_ratio),
        "activity ratio {}",
        a.activity_ratio
    );
    prop_assert!((0.0..=1.0).contains(&a.rolled_pca));
    prop_assert!((0.0..=1.0).contains(&a.gate_share));
    let eps = 1e-9 * a.lead_time_s.max(1.0);
    prop_assert!(
        a.lead_time_s >= a.process_time_s - eps,
        "lead time {} below process time {}",
        a.lead_time_s,
        a.process_time_s
    );
    prop_assert!(
        a.va_time_s <= a.process_time_s + eps,
        "VA time {} above process time {}",
        a.va_time_s,
        a.process_time_s
    );
    prop_assert!(a.gate_time_s <= a.lead_time_s + eps);
    prop_assert_eq!(a.critical_path.len(), a.ladder.len());
    Ok(())
}

/// The analysis of a map equals the analysis of a freshly loaded copy of it.
fn check_fresh(doc: &ValueStream, a: &Analysis) -> Result<(), TestCaseError> {
    let text = to_json(doc);
    let copy = load(&text).map_err(|e| TestCaseError::fail(format!("reload: {e}")))?;
    prop_assert_eq!(&to_json(&copy), &text);
    let b = analyze(&copy).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(a, &b);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every edit either applies and leaves a valid map, or fails and leaves the map untouched;
    /// the inverse diffs, in reverse order, give back the starting map byte for byte. On the way,
    /// the analysis of each edited map keeps its invariants and equals that of a loaded copy.
    #[test]
    fn edits_keep_maps_valid_and_undo_exactly(
        n in 4usize..40,
        seed in any::<u64>(),
        edits in prop::collection::vec(edit(), 1..25),
    ) {
        let mut doc = generate(n, seed);
        let start = to_json(&doc);
        prop_assert!(validate(&doc).is_ok());
        let mut diffs = Vec::new();
        let mut counter = 0;
        for e in &edits {
            let Some(op) = to_op(&doc, e, &mut counter) else { continue };
            let before = to_json(&doc);
            match apply(&mut doc, &op) {
                Ok(diff) => {
                    prop_assert!(validate(&doc).is_ok(), "{op:?} left an invalid map");
                    let a = analyze(&doc).expect("valid");
                    check_analysis(&a)?;
                    check_fresh(&doc, &a)?;
                    diffs.push(diff);
                }
                Err(_) => prop_assert_eq!(&to_json(&doc), &before, "a failed {:?} changed the map", op),
            }
        }
        for d in diffs.iter().rev() {
            apply_diff(&mut doc, &d.inverse()).expect("an inverse applies");
        }
        prop_assert_eq!(to_json(&doc), start);
        prop_assert_eq!(doc, generate(n, seed));
    }

    /// The analysis of generated maps of many sizes keeps its invariants.
    #[test]
    fn analysis_of_generated_maps_is_finite_and_in_range(n in 2usize..400, seed in any::<u64>()) {
        let doc = generate(n, seed);
        let a = analyze(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
        check_analysis(&a)?;
        prop_assert_eq!(a.steps.len(), n.max(2));
        check_fresh(&doc, &a)?;
    }
}

#[test]
fn random_edits_do_apply() {
    // A guard on the property above: a good share of random edits succeed, so it does not pass
    // vacuously with every edit refused.
    let mut doc = generate(30, 7);
    let mut counter = 0;
    let mut ok = 0;
    let mut rng = Rng::new(11);
    for _ in 0..200 {
        let i = rng.below(1000) as usize;
        let j = rng.below(1000) as usize;
        let q = rng.below(40) as u32;
        let e = match rng.below(6) {
            0 => Edit::AddStep {
                from: i,
                to: j,
                pt_q: q,
                extra_q: q,
            },
            1 => Edit::SetPt(i, q),
            2 => Edit::UpdateLt(i, q + 40),
            3 => Edit::SetWait(i, q),
            4 => Edit::Move(i, 1, 2),
            _ => Edit::RemoveFlow(i),
        };
        if let Some(op) = to_op(&doc, &e, &mut counter) {
            if apply(&mut doc, &op).is_ok() {
                ok += 1;
            }
        }
    }
    assert!(ok > 60, "only {ok} of 200 edits applied");
}

// ---------------------------------------------------------------------------------------------
// Maps without AND splits against the absorbing Markov chain.

/// A random map without AND splits: a chain of single steps and XOR diamonds, with queues, and
/// rework flows wherever they are valid. Returns the map.
fn and_free_map(seed: u64) -> ValueStream {
    let mut rng = Rng::new(seed);
    let mut doc = ValueStream::new("and-free");
    let mut k = 0;
    let mut new_step = |doc: &mut ValueStream, rng: &mut Rng| -> String {
        let id = format!("s{k}");
        k += 1;
        let pt = rng.below(8) as f64 * 0.5;
        let lt = pt + rng.below(8) as f64 * 0.5;
        let mut s = Step::new(&id, &id);
        s.pt = Some(Duration::hours(pt));
        s.lt = Some(Duration::hours(lt));
        if rng.below(3) == 0 {
            s.value = Some(ValueClass::Va);
        }
        doc.steps.push(s);
        id
    };
    let flow = |doc: &mut ValueStream, rng: &mut Rng, from: &str, to: &str, p: Option<f64>| {
        let mut f = Flow::new(from, to, FlowKind::Push);
        if rng.below(3) == 0 {
            f.wait = Some(Duration::hours(1.0 + rng.below(6) as f64));
        }
        f.p = p;
        doc.flows.push(f);
    };
    let mut tail = new_step(&mut doc, &mut rng);
    for _ in 0..2 + rng.below(4) {
        if rng.below(2) == 0 {
            let s = new_step(&mut doc, &mut rng);
            flow(&mut doc, &mut rng, &tail, &s, None);
            tail = s;
        } else {
            // XOR diamond: tail splits into 2 or 3 branches of 1 or 2 steps that merge.
            doc.steps.last_mut().unwrap().split = Some(Split::Xor);
            let split = tail.clone();
            let branches = 2 + rng.below(2) as usize;
            let mut ends = vec![];
            for b in 0..branches {
                let p = if b + 1 < branches {
                    Some([0.1, 0.2, 0.25, 0.3][rng.below(4) as usize])
                } else {
                    None // shares what the others leave
                };
                let first = new_step(&mut doc, &mut rng);
                flow(&mut doc, &mut rng, &split, &first, p);
                let mut end = first;
                if rng.below(2) == 0 {
                    let second = new_step(&mut doc, &mut rng);
                    flow(&mut doc, &mut rng, &end, &second, None);
                    end = second;
                }
                ends.push(end);
            }
            let merge = new_step(&mut doc, &mut rng);
            for e in ends {
                flow(&mut doc, &mut rng, &e, &merge, None);
            }
            tail = merge;
        }
    }
    // Rework flows from a later step back to an earlier one, kept where valid.
    let n = doc.steps.len() as u64;
    for _ in 0..1 + rng.below(4) {
        let u = 1 + rng.below(n - 1) as usize;
        let v = rng.below(u as u64) as usize;
        let mut f = Flow::new(&doc.steps[u].id, &doc.steps[v].id, FlowKind::Rework);
        f.p = Some([0.1, 0.2, 0.3, 0.5][rng.below(4) as usize]);
        if rng.below(2) == 0 {
            f.wait = Some(Duration::hours(rng.below(5) as f64));
        }
        doc.flows.push(f);
        if validate(&doc).is_err() {
            doc.flows.pop();
        }
    }
    validate(&doc).expect("built valid");
    doc
}

/// Expected visits, lead time and process time from the absorbing Markov chain of a map without
/// AND splits, solved directly. After a step: each rework flow with its p, then the forward
/// flows with what is left (split by the XOR probabilities).
struct Chain {
    visits: Vec<f64>,
    lead: f64,
    pt: f64,
}

fn markov(doc: &ValueStream) -> Chain {
    let cal = doc.calendar;
    let n = doc.steps.len();
    let ix = |id: &str| doc.steps.iter().position(|s| s.id == id).unwrap();
    let secs = |d: &Option<Duration>| d.map_or(0.0, |d| d.seconds(&cal));
    // Transition probabilities and the expected wait of each transition.
    let mut t = vec![vec![0.0; n]; n];
    let mut wait_per_visit = vec![0.0; n];
    let mut has_in = vec![false; n];
    for x in 0..n {
        let id = &doc.steps[x].id;
        let rework: Vec<&Flow> = doc
            .flows
            .iter()
            .filter(|f| &f.from == id && f.kind == FlowKind::Rework)
            .collect();
        let fwd: Vec<&Flow> = doc
            .flows
            .iter()
            .filter(|f| &f.from == id && f.kind.is_forward())
            .collect();
        let back: f64 = rework.iter().map(|f| f.p.unwrap()).sum();
        for f in &rework {
            let p = f.p.unwrap();
            t[x][ix(&f.to)] += p;
            wait_per_visit[x] += p * secs(&f.wait);
        }
        let given: f64 = fwd.iter().filter_map(|f| f.p).sum();
        let missing = fwd.iter().filter(|f| f.p.is_none()).count();
        for f in &fwd {
            let p = if doc.steps[x].is_xor() {
                f.p.unwrap_or((1.0 - given) / missing as f64)
            } else {
                1.0
            };
            t[x][ix(&f.to)] += (1.0 - back) * p;
            wait_per_visit[x] += (1.0 - back) * p * secs(&f.wait);
            has_in[ix(&f.to)] = true;
        }
    }
    // Visits: v = e + T' v, i.e. (I - T') v = e, with e = 1 at the start.
    let mut a = vec![vec![0.0; n + 1]; n];
    for y in 0..n {
        a[y][y] += 1.0;
        for x in 0..n {
            a[y][x] -= t[x][y];
        }
        a[y][n] = if has_in[y] { 0.0 } else { 1.0 };
    }
    let visits = solve(a);
    let lt: Vec<f64> = doc
        .steps
        .iter()
        .map(|s| secs(&s.lt).max(secs(&s.pt)))
        .collect();
    let pt: Vec<f64> = doc.steps.iter().map(|s| secs(&s.pt)).collect();
    let lead = (0..n)
        .map(|x| visits[x] * (lt[x] + wait_per_visit[x]))
        .sum();
    let pt = (0..n).map(|x| visits[x] * pt[x]).sum();
    Chain { visits, lead, pt }
}

/// Gaussian elimination with partial pivoting on an augmented matrix.
fn solve(mut a: Vec<Vec<f64>>) -> Vec<f64> {
    let n = a.len();
    for c in 0..n {
        let p = (c..n)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap();
        a.swap(c, p);
        let pivot = a[c].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot[c];
                for (x, p) in row[c..].iter_mut().zip(&pivot[c..]) {
                    *x -= f * p;
                }
            }
        }
    }
    (0..n).map(|i| a[i][n] / a[i][i]).collect()
}

#[track_caller]
fn near(a: f64, b: f64, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        (a - b).abs() <= 1e-9 * b.abs().max(1.0),
        "{what}: analysis {a}, Markov chain {b}"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Without AND splits, the lead time, the critical-path process time, every step's visits
    /// and the work content (which then equals the critical-path process time) are the
    /// absorbing Markov chain's expectations, loops entered from the side included.
    #[test]
    fn and_free_maps_match_the_markov_chain(seed in any::<u64>()) {
        let doc = and_free_map(seed);
        let a = analyze(&doc).expect("valid");
        check_analysis(&a)?;
        let m = markov(&doc);
        near(a.lead_time_s, m.lead, "lead time")?;
        near(a.process_time_s, m.pt, "process time")?;
        for ((s, v), step) in a.steps.iter().zip(&m.visits).zip(&doc.steps) {
            near(s.visits, *v, &format!("visits of {}", step.id))?;
        }
        near(a.work_content_s, m.pt, "work content")?;
    }
}

#[test]
fn the_markov_oracle_agrees_with_a_hand_worked_chain() {
    // The oracle itself, on the overlapping loops of fixtures.rs: 29h.
    let doc = common::map(json!({
        "steps": [
            {"id": "v1", "name": "V1", "pt": "1h"},
            {"id": "v2", "name": "V2", "pt": "2h"},
            {"id": "u1", "name": "U1", "pt": "3h"},
            {"id": "u2", "name": "U2", "pt": "4h"}
        ],
        "flows": [
            {"from": "v1", "to": "v2"},
            {"from": "v2", "to": "u1"},
            {"from": "u1", "to": "u2"},
            {"from": "u1", "to": "v1", "kind": "rework", "p": 0.2, "wait": "10h"},
            {"from": "u2", "to": "v2", "kind": "rework", "p": 0.5, "wait": "2h"}
        ]
    }));
    let m = markov(&doc);
    common::close(m.lead, 29.0 * common::H);
    common::close(m.visits[0], 1.5);
    common::close(m.visits[3], 2.0);
}

// ---------------------------------------------------------------------------------------------
// Monte Carlo.

/// A small random map with AND splits that join, ranges on lead times and queues (never
/// skewed to the left, so that each sampled mean is at least its point value), an optional XOR
/// diamond and an optional rework loop.
fn and_map(seed: u64) -> ValueStream {
    let mut rng = Rng::new(seed);
    let mut doc = ValueStream::new("and");
    if rng.below(2) == 0 {
        doc.simulation = Some(SimulationSettings {
            distribution: Distribution::Pert,
        });
    }
    let mut k = 0;
    let mut new_step = |doc: &mut ValueStream, rng: &mut Rng| -> String {
        let id = format!("s{k}");
        k += 1;
        let lt = 1.0 + rng.below(8) as f64;
        let mut s = Step::new(&id, &id);
        s.pt = Some(Duration::hours(lt / 2.0));
        s.lt = Some(Duration::hours(lt));
        if rng.below(2) == 0 {
            let down = lt / 2.0 * rng.uniform();
            let up = down + lt * rng.uniform();
            s.lt_range = Some(Box::new(Range {
                min: Duration::hours(lt - down),
                likely: None,
                max: Duration::hours(lt + up),
            }));
        }
        doc.steps.push(s);
        id
    };
    let flow = |doc: &mut ValueStream, rng: &mut Rng, from: &str, to: &str| {
        let mut f = Flow::new(from, to, FlowKind::Push);
        if rng.below(3) == 0 {
            let w = 1.0 + rng.below(4) as f64;
            f.wait = Some(Duration::hours(w));
            f.wait_range = Some(Range {
                min: Duration::hours(w / 2.0),
                likely: None,
                max: Duration::hours(w * 2.0),
            });
        }
        doc.flows.push(f);
    };
    let mut tail = new_step(&mut doc, &mut rng);
    let mut cuts = vec![tail.clone()];
    let blocks = 2 + rng.below(3);
    let and_at = rng.below(blocks);
    for b in 0..blocks {
        let kind = if b == and_at { 0 } else { rng.below(3) };
        match kind {
            0 => {
                // AND: 2 or 3 branches of 1 or 2 steps, joined.
                let mut ends = vec![];
                for _ in 0..2 + rng.below(2) {
                    let mut end = tail.clone();
                    for _ in 0..1 + rng.below(2) {
                        let s = new_step(&mut doc, &mut rng);
                        flow(&mut doc, &mut rng, &end, &s);
                        end = s;
                    }
                    ends.push(end);
                }
                let join = new_step(&mut doc, &mut rng);
                for e in ends {
                    flow(&mut doc, &mut rng, &e, &join);
                }
                tail = join;
            }
            1 => {
                // XOR diamond.
                let split = new_step(&mut doc, &mut rng);
                flow(&mut doc, &mut rng, &tail, &split);
                doc.steps.last_mut().unwrap().split = Some(Split::Xor);
                let a = new_step(&mut doc, &mut rng);
                let c = new_step(&mut doc, &mut rng);
                flow(&mut doc, &mut rng, &split, &a);
                doc.flows.last_mut().unwrap().p = Some(0.3);
                flow(&mut doc, &mut rng, &split, &c);
                let merge = new_step(&mut doc, &mut rng);
                flow(&mut doc, &mut rng, &a, &merge);
                flow(&mut doc, &mut rng, &c, &merge);
                tail = merge;
            }
            _ => {
                let s = new_step(&mut doc, &mut rng);
                flow(&mut doc, &mut rng, &tail, &s);
                tail = s;
                // Sometimes a rework loop back to an earlier single step.
                if rng.below(2) == 0 {
                    let to = cuts[rng.below(cuts.len() as u64) as usize].clone();
                    let mut f = Flow::new(&tail, &to, FlowKind::Rework);
                    f.p = Some([0.1, 0.2, 0.3][rng.below(3) as usize]);
                    f.wait = Some(Duration::hours(1.0));
                    doc.flows.push(f);
                }
            }
        }
        cuts.push(tail.clone());
    }
    validate(&doc).expect("built valid");
    doc
}

/// Mean and standard error of single-run samples, each with its own seed.
fn sample_stats(doc: &ValueStream, n: u64, seed: u64) -> (f64, f64) {
    let xs: Vec<f64> = (0..n)
        .map(|k| simulate(doc, 1, seed.wrapping_add(k)).unwrap().mean_s)
        .collect();
    let mean = xs.iter().sum::<f64>() / n as f64;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    (mean, var.sqrt())
}

proptest! {
    // Statistical checks: a fixed seed, so that a run is repeatable and never flaky. (Over 150
    // other maps the simulated mean stayed at least 3 standard errors above the lead time at AND
    // joins, and within 2.7 of it without them.)
    #![proptest_config(ProptestConfig {
        cases: 12,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x7a47),
        ..ProptestConfig::default()
    })]

    /// Merge bias: at AND joins the simulated mean is never below the deterministic lead time
    /// (allowing three standard errors of sampling noise).
    #[test]
    fn the_simulated_mean_is_not_below_the_deterministic_lead_time(seed in any::<u64>()) {
        let doc = and_map(seed);
        let runs = 2000;
        let sim = simulate(&doc, runs, seed).unwrap();
        let det = analyze(&doc).unwrap().lead_time_s;
        prop_assert_eq!(sim.deterministic_s, det);
        // The spread of one run, estimated from 200 single runs.
        let (_, sd) = sample_stats(&doc, 200, seed ^ 0x5eed);
        let se = sd / (runs as f64).sqrt();
        prop_assert!(
            sim.mean_s >= det - 3.0 * se - 1e-9 * det,
            "simulated mean {} below deterministic {} by more than 3 x {}",
            sim.mean_s, det, se
        );
        prop_assert!(sim.min_s <= sim.p50_s && sim.p50_s <= sim.p85_s);
        prop_assert!(sim.p85_s <= sim.p95_s && sim.p95_s <= sim.max_s);
        prop_assert!(sim.min_s <= sim.mean_s && sim.mean_s <= sim.max_s);
        for c in &sim.critical {
            prop_assert!(c.share > 0.0 && c.share <= 1.0);
        }
    }

    /// The same map, runs and seed give the same figures.
    #[test]
    fn simulation_is_reproducible(seed in any::<u64>()) {
        let doc = and_map(seed);
        let a = simulate(&doc, 300, seed).unwrap();
        let b = simulate(&doc, 300, seed).unwrap();
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.runs, 300);
        prop_assert_eq!(a.seed, seed);
    }

    /// Without AND joins and with symmetric ranges, the simulation has no merge bias: its mean is
    /// the deterministic lead time, within sampling noise (four standard errors).
    #[test]
    fn without_and_joins_the_simulated_mean_is_the_lead_time(seed in any::<u64>()) {
        let mut doc = and_free_map(seed);
        // Symmetric ranges around some lead times.
        for (i, s) in doc.steps.iter_mut().enumerate() {
            if i % 2 == 0 {
                let lt = s.lt.unwrap().seconds(&Calendar::default());
                let pt = s.pt.unwrap().seconds(&Calendar::default());
                let half = (lt - pt).min(lt / 2.0);
                s.lt_range = Some(Box::new(Range {
                    min: Duration::secs(lt - half),
                    likely: None,
                    max: Duration::secs(lt + half),
                }));
            }
        }
        validate(&doc).unwrap();
        let runs = 2000;
        let sim = simulate(&doc, runs, seed).unwrap();
        let det = analyze(&doc).unwrap().lead_time_s;
        let (_, sd) = sample_stats(&doc, 200, seed ^ 0xabc);
        let se = sd / (runs as f64).sqrt();
        prop_assert!(
            (sim.mean_s - det).abs() <= 4.0 * se + 1e-9 * det,
            "simulated mean {} vs deterministic {} (standard error {})",
            sim.mean_s, det, se
        );
    }
}

#[test]
fn another_seed_gives_other_samples() {
    let doc = and_map(3);
    let a = simulate(&doc, 200, 1).unwrap();
    let b = simulate(&doc, 200, 2).unwrap();
    assert_ne!(a.mean_s, b.mean_s);
    assert_eq!(a.deterministic_s, b.deterministic_s);
}

//! What leaders read: the waterfall of a scenario's changes (Shapley values, worked by hand) and
//! XmR charts (limits and signals worked by hand).

mod common;
use common::*;
use serde_json::json;
use takt_core::waterfall::{waterfall, WaterfallError, WaterfallMetric};
use takt_core::xmr::{xmr, Rule};

fn go(_: u64, _: u64) -> bool {
    true
}

fn bars(w: &takt_core::waterfall::Waterfall) -> Vec<(Option<&str>, f64)> {
    w.bars
        .iter()
        .map(|b| (b.kaizen.as_deref(), b.delta))
        .collect()
}

/// a (4h) --8h--> b (4h) --> c (3h): 19 h.
fn serial() -> serde_json::Value {
    json!({
        "steps": [
            {"id": "a", "name": "Prepare data", "lt": "4h"},
            {"id": "b", "name": "Review", "lt": "4h"},
            {"id": "c", "name": "Deploy", "lt": "3h"}
        ],
        "flows": [{"from": "a", "to": "b", "wait": "8h"}, {"from": "b", "to": "c"}]
    })
}

#[test]
fn a_serial_future_state_splits_by_kaizen_item_and_the_bars_add_up() {
    let before = map(serial());
    // k1 (on step b): b 4h -> 2h.            -2 h
    // k2 (on the flow a>b): wait 8h -> 2h.   -6 h
    // k3 (on the new step d): d 1h after c.  +1 h (the flow c>d goes with d, its target end)
    // no kaizen item: c 3h -> 2h.            -1 h
    // 19 h -> 4 + 2 + 2 + 2 + 1 = 11 h: -8 h.
    let after = map(json!({
        "steps": [
            {"id": "a", "name": "Prepare data", "lt": "4h"},
            {"id": "b", "name": "Review", "lt": "2h"},
            {"id": "c", "name": "Deploy", "lt": "2h", "x": 400.0, "y": 80.0},
            {"id": "d", "name": "Smoke test", "lt": "1h"}
        ],
        "flows": [
            {"from": "a", "to": "b", "wait": "2h"}, {"from": "b", "to": "c"},
            {"from": "c", "to": "d"}
        ],
        "kaizen": [
            {"id": "k1", "title": "Pair review", "target": {"step": "b"}},
            {"id": "k2", "title": "Review queue daily", "target": {"flow": "a>b"}},
            {"id": "k3", "title": "Automated smoke test", "target": {"step": "d"}},
            {"id": "k4", "title": "An idea that changes nothing", "target": {"step": "a"}}
        ]
    }));
    let w = waterfall(&before, &after, WaterfallMetric::LeadTime, &go).unwrap();
    assert!(w.exact);
    assert_eq!((w.before, w.after), (19.0 * H, 11.0 * H));
    assert_eq!(
        bars(&w),
        [
            (Some("k2"), -6.0 * H),
            (Some("k1"), -2.0 * H),
            (Some("k3"), H),
            (None, -H)
        ]
    );
    assert_eq!(
        w.bars.iter().map(|b| b.delta).sum::<f64>(),
        w.after - w.before
    );
    let k3 = &w.bars[2];
    assert_eq!(
        (k3.steps.clone(), k3.flows.clone()),
        (vec!["d".to_string()], vec!["c>d".to_string()])
    );
    // c moved on the canvas as well as changed: one change, the unclaimed group's.
    assert_eq!(w.bars[3].steps, ["c"]);
    assert_eq!(w.bars[3].title, "Changes no kaizen item claims");
    // With 4 groups, 2^4 - 2 coalitions were analysed (the empty and the full one are known).
    assert_eq!(w.evaluations, 14);
}

#[test]
fn two_parallel_improvements_share_what_only_both_together_buy() {
    // s (1h) -> AND { p (10h), q (10h) } -> e (1h): 12 h. Shortening one branch buys nothing;
    // both to 6h buy 4 h. Shapley: each -1/2 (0) + 1/2 (-4 h) = -2 h.
    let m = |p: &str, q: &str| {
        map(json!({
            "steps": [
                {"id": "s", "name": "Start", "lt": "1h"},
                {"id": "p", "name": "Feature build", "lt": p},
                {"id": "q", "name": "Label audit", "lt": q},
                {"id": "e", "name": "Train", "lt": "1h"}
            ],
            "flows": [{"from": "s", "to": "p"}, {"from": "s", "to": "q"},
                      {"from": "p", "to": "e"}, {"from": "q", "to": "e"}],
            "kaizen": [
                {"id": "kp", "title": "Cache features", "target": {"step": "p"}},
                {"id": "kq", "title": "Sample the audit", "target": {"step": "q"}}
            ]
        }))
    };
    let w = waterfall(
        &m("10h", "10h"),
        &m("6h", "6h"),
        WaterfallMetric::LeadTime,
        &go,
    )
    .unwrap();
    assert_eq!(bars(&w), [(Some("kp"), -2.0 * H), (Some("kq"), -2.0 * H)]);
    // The order the items are listed in does not matter.
    let mut b = m("6h", "6h");
    b.kaizen.reverse();
    let v = waterfall(&m("10h", "10h"), &b, WaterfallMetric::LeadTime, &go).unwrap();
    assert_eq!(bars(&v).len(), 2);
    assert!(v.bars.iter().all(|b| b.delta == -2.0 * H));
}

#[test]
fn split_probabilities_set_by_two_items_are_scaled_in_a_coalition_of_one() {
    // r -> XOR { fast (1h) 0.5, slow (9h) 0.5 } -> done: 5 h expected (r and done take no time).
    // k1 sets fast to 0.8, k2 slow to 0.2 (each alone would leave 1.3 or 0.7: scaled to 1).
    // After: 0.8 + 0.2 x 9 = 2.6 h: -2.4 h in all.
    let m = |pf: f64, ps: f64| {
        map(json!({
            "steps": [
                {"id": "r", "name": "Route", "lt": "0h", "split": "xor"},
                {"id": "fast", "name": "Fast path", "lt": "1h"},
                {"id": "slow", "name": "Slow path", "lt": "9h"},
                {"id": "done", "name": "Done", "lt": "0h"}
            ],
            "flows": [{"from": "r", "to": "fast", "p": pf}, {"from": "r", "to": "slow", "p": ps},
                      {"from": "fast", "to": "done"}, {"from": "slow", "to": "done"}],
            "kaizen": [
                {"id": "k1", "title": "Triage rules", "target": {"flow": "r>fast"}},
                {"id": "k2", "title": "Fewer escalations", "target": {"flow": "r>slow"}}
            ]
        }))
    };
    let w = waterfall(&m(0.5, 0.5), &m(0.8, 0.2), WaterfallMetric::LeadTime, &go).unwrap();
    // {k1}: 0.8/1.3 x 1 + 0.5/1.3 x 9 = 4.0769 h; {k2}: 0.5/0.7 + 0.2/0.7 x 9 = 3.2857 h.
    // k1 = 1/2 (4.0769 - 5) + 1/2 (2.6 - 3.2857) = -0.80440 h = -2895.8 s
    // k2 = 1/2 (3.2857 - 5) + 1/2 (2.6 - 4.0769) = -1.59560 h = -5744.2 s
    // Rounded down: -2896 and -5745, one second short of the total of -8640 s; the second goes
    // to the larger remainder (-5745 is 0.8 below -5744.2): -2896 and -5744.
    assert_eq!(bars(&w), [(Some("k2"), -5744.0), (Some("k1"), -2896.0)]);
    assert_eq!(w.bars.iter().map(|b| b.delta).sum::<f64>(), -2.4 * H);
}

#[test]
fn above_twelve_groups_orders_are_sampled_with_a_fixed_seed() {
    // 14 steps of 2 h in a row, each with its own kaizen item taking 1 h off: every order
    // gives each item -1 h, so the sampled bars are exact and their error is zero.
    let m = |lt: &str| {
        let steps: Vec<_> = (0..14)
            .map(|i| json!({"id": format!("s{i}"), "name": format!("Step {i}"), "lt": lt}))
            .collect();
        let flows: Vec<_> = (1..14)
            .map(|i| json!({"from": format!("s{}", i - 1), "to": format!("s{i}")}))
            .collect();
        let kaizen: Vec<_> = (0..14)
            .map(|i| {
                json!({"id": format!("k{i}"), "title": format!("Item {i}"),
                            "target": {"step": format!("s{i}")}})
            })
            .collect();
        map(json!({"steps": steps, "flows": flows, "kaizen": kaizen}))
    };
    let w = waterfall(&m("2h"), &m("1h"), WaterfallMetric::LeadTime, &go).unwrap();
    assert!(!w.exact);
    assert_eq!(w.bars.len(), 14);
    assert!(w.bars.iter().all(|b| b.delta == -H && b.error == Some(0.0)));
    let again = waterfall(&m("2h"), &m("1h"), WaterfallMetric::LeadTime, &go).unwrap();
    assert_eq!(w, again);
}

#[test]
fn a_waterfall_can_be_cancelled_and_of_gate_time_too() {
    let before = map(serial());
    let mut after = before.clone();
    after.steps[1].lt = Some("1h".parse().unwrap());
    after.steps[2].lt = Some("1h".parse().unwrap());
    let stop = |_: u64, _: u64| false;
    // Two groups (both unclaimed: one group) -> nothing to evaluate, nothing to cancel.
    assert!(waterfall(&before, &after, WaterfallMetric::LeadTime, &stop).is_ok());
    let w = waterfall(&before, &after, WaterfallMetric::GateTime, &go).unwrap();
    assert_eq!((w.before, w.after), (0.0, 0.0));
    let big = |lt: &str| {
        let steps: Vec<_> = (0..8)
            .map(|i| json!({"id": format!("s{i}"), "name": format!("Step {i}"), "lt": lt}))
            .collect();
        let flows: Vec<_> = (1..8)
            .map(|i| json!({"from": format!("s{}", i - 1), "to": format!("s{i}")}))
            .collect();
        let kaizen: Vec<_> = (0..8)
            .map(|i| {
                json!({"id": format!("k{i}"), "title": format!("Item {i}"),
                            "target": {"step": format!("s{i}")}})
            })
            .collect();
        map(json!({"steps": steps, "flows": flows, "kaizen": kaizen}))
    };
    assert_eq!(
        waterfall(&big("2h"), &big("1h"), WaterfallMetric::LeadTime, &stop),
        Err(WaterfallError::Cancelled)
    );
}

#[test]
fn xmr_limits_and_an_outside_point_worked_by_hand() {
    // 10, 12, 11, 13, 30: mean 76 / 5 = 15.2; moving ranges 2, 1, 2, 17: mean 22 / 4 = 5.5.
    // Limits 15.2 ± 2.66 x 5.5 = 15.2 ± 14.63: 29.83 and 0.57; 30 is above.
    let pts: Vec<(String, f64)> = [10.0, 12.0, 11.0, 13.0, 30.0]
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("2026-0{}-01", i + 1), *v))
        .collect();
    let x = xmr(&pts);
    close(x.mean.unwrap(), 15.2);
    close(x.mr_bar.unwrap(), 5.5);
    close(x.ucl.unwrap(), 29.83);
    close(x.lcl.unwrap(), 0.57);
    close(x.mr_ucl.unwrap(), 3.268 * 5.5);
    assert_eq!(x.points[0].mr, None);
    assert_eq!(x.points[4].mr, Some(17.0));
    assert_eq!(x.signals.len(), 1);
    assert_eq!(
        (x.signals[0].index, x.signals[0].rule),
        (4, Rule::OutsideLimits)
    );
}

#[test]
fn xmr_a_run_of_eight_below_the_centre_line_worked_by_hand() {
    // 14, 16, 14, 16, then 9, 11 four times: mean 140 / 12 = 11.667; moving ranges 2, 2, 2, 7
    // and seven of 2: 27 / 11 = 2.4545; limits 11.667 ± 6.529 = 18.196 and 5.138: nothing
    // outside. The last eight are all below 11.667: a run, signalled on the eighth (index 11).
    let values = [
        14.0, 16.0, 14.0, 16.0, 9.0, 11.0, 9.0, 11.0, 9.0, 11.0, 9.0, 11.0,
    ];
    let pts: Vec<(String, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("2026-{:02}-01", i + 1), *v))
        .collect();
    let x = xmr(&pts);
    close(x.mean.unwrap(), 140.0 / 12.0);
    close(x.mr_bar.unwrap(), 27.0 / 11.0);
    close(x.ucl.unwrap(), 140.0 / 12.0 + 2.66 * 27.0 / 11.0);
    assert_eq!(x.signals.len(), 1);
    assert_eq!(
        (x.signals[0].index, x.signals[0].rule),
        (11, Rule::RunOfEight)
    );
    // A lower limit below zero is drawn at zero; one point has no limits.
    let low = xmr(&[("2026-01-01".into(), 1.0), ("2026-02-01".into(), 9.0)]);
    assert_eq!(low.lcl, Some(0.0));
    let one = xmr(&[("2026-01-01".into(), 1.0)]);
    assert_eq!(
        (one.mean, one.mr_bar, one.ucl, one.signals.len()),
        (Some(1.0), None, None, 0)
    );
}

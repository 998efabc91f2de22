//! Hand-worked analyses: every expected number is worked out in the comments from the
//! definitions in VSM-REFERENCE.md and the module docs of `analysis.rs`, never copied from what
//! the program prints.

mod common;

use common::*;
use serde_json::json;
use takt_core::analysis::{Analysis, Warning};
use takt_core::{Calendar, Duration, Element, Unit};

// ---------------------------------------------------------------------------------------------
// Routing: sequence, AND, XOR.

#[test]
fn a_chain_adds_up() {
    // a: LT 3h; queue 4h; b: LT = PT = 2h; queue 90 s; c: LT 1h.
    // Lead time = 3h + 4h + 2h + 90s + 1h = 10h + 90s.
    let doc = map(json!({
        "steps": [
            {"id": "a", "name": "A", "pt": "1h", "lt": "3h"},
            {"id": "b", "name": "B", "pt": "2h"},
            {"id": "c", "name": "C", "pt": "30min", "lt": "1h"}
        ],
        "flows": [
            {"from": "a", "to": "b", "wait": "4h"},
            {"from": "b", "to": "c", "wait": 90}
        ]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 10.0 * H + 90.0);
    // Process time: 1h + 2h + 0.5h = 3.5h, all of it on the one path.
    close(a.process_time_s, 3.5 * H);
    close(a.work_content_s, 3.5 * H);
    // No step says what it adds: unclassified process steps count as value-adding (Rother and
    // Shook's processing time), so VA = PT = 3.5h; PCE = activity ratio = 3.5h / (10h + 90 s).
    close(a.va_time_s, 3.5 * H);
    close(a.pce, 3.5 * H / (10.0 * H + 90.0));
    close(a.activity_ratio, 3.5 * H / (10.0 * H + 90.0));
    assert_eq!(a.critical_path, ids(&["a", "b", "c"]));
    // The ladder: the queue before each step, its LT and PT.
    let waits: Vec<f64> = a.ladder.iter().map(|r| r.wait_s).collect();
    assert_eq!(waits, vec![0.0, 4.0 * H, 90.0]);
    let lts: Vec<f64> = a.ladder.iter().map(|r| r.lt_s).collect();
    assert_eq!(lts, vec![3.0 * H, 2.0 * H, 1.0 * H]);
    let pts: Vec<f64> = a.ladder.iter().map(|r| r.pt_s).collect();
    assert_eq!(pts, vec![1.0 * H, 2.0 * H, 0.5 * H]);
    for s in &a.steps {
        close(s.visits, 1.0);
        assert!(s.critical);
    }
}

/// s -> a -> j and s -> b -> c -> j, all steps PT = LT.
fn and_map(wait_s_b: &str) -> takt_core::ValueStream {
    map(json!({
        "steps": [
            {"id": "s", "name": "Split", "pt": "1h"},
            {"id": "a", "name": "Long check", "pt": "5h"},
            {"id": "b", "name": "Short check 1", "pt": "2h"},
            {"id": "c", "name": "Short check 2", "pt": "1h"},
            {"id": "j", "name": "Join", "pt": "1h"}
        ],
        "flows": [
            {"from": "s", "to": "a"},
            {"from": "s", "to": "b", "wait": wait_s_b},
            {"from": "b", "to": "c"},
            {"from": "a", "to": "j"},
            {"from": "c", "to": "j"}
        ]
    }))
}

#[test]
fn and_branches_join_at_the_latest_not_the_sum() {
    // Branch via a: 5h. Branch via b, c: queue 1h + 2h + 1h = 4h. The join waits for the later:
    // lead time = 1h + max(5h, 4h) + 1h = 7h (the sum of everything would be 11h).
    let a = analyse(&and_map("1h"));
    close(a.lead_time_s, 7.0 * H);
    assert_eq!(a.critical_path, ids(&["s", "a", "j"]));
    // Critical-path PT: 1h + 5h + 1h = 7h; work content counts every step once: 10h.
    close(a.process_time_s, 7.0 * H);
    close(a.work_content_s, 10.0 * H);
    // The join runs once per item, not once per branch.
    close(step(&a, "j").visits, 1.0);
    assert!(step(&a, "a").critical && !step(&a, "b").critical && !step(&a, "c").critical);

    // Lengthen the queue to b to 3h: that branch takes 3h + 2h + 1h = 6h > 5h, so it becomes
    // the critical path and the lead time is 1h + 6h + 1h = 8h.
    let a = analyse(&and_map("3h"));
    close(a.lead_time_s, 8.0 * H);
    assert_eq!(a.critical_path, ids(&["s", "b", "c", "j"]));
    // PT along it: 1h + 2h + 1h + 1h = 5h.
    close(a.process_time_s, 5.0 * H);
    let waits: Vec<f64> = a.ladder.iter().map(|r| r.wait_s).collect();
    assert_eq!(waits, vec![0.0, 3.0 * H, 0.0, 0.0]);
}

#[test]
fn xor_takes_the_probability_weighted_mean() {
    // s is XOR: a with p 0.5; b and c unspecified, sharing the remaining 0.5: 0.25 each.
    // Branch times: a 2h; b 4h; c 2h queue + 10h = 12h.
    // Lead time = 1h + (0.5 x 2h + 0.25 x 4h + 0.25 x 12h) + 1h = 1h + 5h + 1h = 7h.
    let doc = map(json!({
        "steps": [
            {"id": "s", "name": "Route", "pt": "1h", "split": "xor"},
            {"id": "a", "name": "Fast", "pt": "2h", "pca": 90},
            {"id": "b", "name": "Medium", "pt": "4h", "pca": 80},
            {"id": "c", "name": "Slow", "pt": "10h"},
            {"id": "e", "name": "End", "pt": "1h"}
        ],
        "flows": [
            {"from": "s", "to": "a", "p": 0.5},
            {"from": "s", "to": "b"},
            {"from": "s", "to": "c", "wait": "2h"},
            {"from": "a", "to": "e"},
            {"from": "b", "to": "e"},
            {"from": "c", "to": "e"}
        ]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 7.0 * H);
    // Process time, weighted the same way: 1h + (0.5 x 2h + 0.25 x 4h + 0.25 x 10h) + 1h = 6.5h.
    close(a.process_time_s, 6.5 * H);
    // Visits: a 0.5, b 0.25, c 0.25; the merge e gets every item: 1.
    close(step(&a, "a").visits, 0.5);
    close(step(&a, "b").visits, 0.25);
    close(step(&a, "c").visits, 0.25);
    close(step(&a, "e").visits, 1.0);
    // Work content: 1h + 0.5 x 2h + 0.25 x 4h + 0.25 x 10h + 1h = 6.5h.
    close(a.work_content_s, 6.5 * H);
    // The listed path takes the most likely branch.
    assert_eq!(a.critical_path, ids(&["s", "a", "e"]));
    // Rolled %C&A, weighted too: 0.5 x 0.9 + 0.25 x 0.8 + 0.25 x 1.0 = 0.9.
    close(a.rolled_pca, 0.9);
    close(a.activity_ratio, 6.5 / 7.0);
}

// ---------------------------------------------------------------------------------------------
// Rework loops.

#[test]
fn a_rework_loop_runs_one_over_one_minus_p_times() {
    // a (1h) -> b (PT 1h, LT 2h) -queue 1h-> c (PT 1h, LT 3h) -> d (1h); rework c -> b with
    // p = 0.2 and a rework wait w = 5h.
    // One pass of the body b..c: B = 2h + 1h + 3h = 6h. Passes: 1 / (1 - 0.2) = 1.25.
    // Loop time = B / (1 - p) + p w / (1 - p) = 6h x 1.25 + 0.2 x 5h x 1.25 = 7.5h + 1.25h
    //           = 8.75h; lead time = 1h + 8.75h + 1h = 10.75h.
    let doc = map(json!({
        "steps": [
            {"id": "a", "name": "A", "pt": "1h"},
            {"id": "b", "name": "B", "pt": "1h", "lt": "2h"},
            {"id": "c", "name": "C", "pt": "1h", "lt": "3h"},
            {"id": "d", "name": "D", "pt": "1h"}
        ],
        "flows": [
            {"from": "a", "to": "b"},
            {"from": "b", "to": "c", "wait": "1h"},
            {"from": "c", "to": "d"},
            {"from": "c", "to": "b", "kind": "rework", "p": 0.2, "wait": "5h"}
        ]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 10.75 * H);
    // The extra time is charged at c: p (w + B) / (1 - p) = 0.2 x 11h / 0.8 = 2.75h.
    close(step(&a, "c").rework_s, 2.75 * H);
    close(step(&a, "b").rework_s, 0.0);
    // The ladder's rungs follow the critical path, one for one.
    let at = a.critical_path.iter().position(|s| s == "c").unwrap();
    let rung = &a.ladder[at];
    close(rung.rework_s, 2.75 * H);
    // Visits: 1.25 for b and c, 1 for a and d.
    close(step(&a, "b").visits, 1.25);
    close(step(&a, "c").visits, 1.25);
    close(step(&a, "a").visits, 1.0);
    close(step(&a, "d").visits, 1.0);
    // Work content = critical PT = 1h + 1.25 x (1h + 1h) + 1h = 4.5h.
    close(a.work_content_s, 4.5 * H);
    close(a.process_time_s, 4.5 * H);
}

#[test]
fn rework_is_a_geometric_series_not_one_extra_pass() {
    // a (2h) -> b (1h), rework b -> a with p = 0.5, no wait. Passes: 1 / 0.5 = 2 (one extra
    // pass would give 1.5): lead time = 2 x 3h = 6h, not 4.5h.
    let doc = map(json!({
        "steps": [{"id": "a", "name": "A", "pt": "2h"}, {"id": "b", "name": "B", "pt": "1h"}],
        "flows": [
            {"from": "a", "to": "b"},
            {"from": "b", "to": "a", "kind": "rework", "p": 0.5}
        ]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 6.0 * H);
    close(step(&a, "a").visits, 2.0);
}

#[test]
fn nested_loops_multiply() {
    // a (1h) -> b (2h) -> c (3h) -> d (4h); inner rework c -> b, p1 = 0.5; outer d -> a,
    // p2 = 0.2. No waits.
    // Visits: a, d: 1 / (1 - 0.2) = 1.25; b, c: 1 / ((1 - 0.5)(1 - 0.2)) = 1 / 0.4 = 2.5.
    // Lead time = 1.25 x 1h + 2.5 x 2h + 2.5 x 3h + 1.25 x 4h = 1.25 + 5 + 7.5 + 5 = 18.75h.
    let doc = map(json!({
        "steps": [
            {"id": "a", "name": "A", "pt": "1h"},
            {"id": "b", "name": "B", "pt": "2h"},
            {"id": "c", "name": "C", "pt": "3h"},
            {"id": "d", "name": "D", "pt": "4h"}
        ],
        "flows": [
            {"from": "a", "to": "b"},
            {"from": "b", "to": "c"},
            {"from": "c", "to": "d"},
            {"from": "c", "to": "b", "kind": "rework", "p": 0.5},
            {"from": "d", "to": "a", "kind": "rework", "p": 0.2}
        ]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 18.75 * H);
    close(step(&a, "a").visits, 1.25);
    close(step(&a, "b").visits, 2.5);
    close(step(&a, "c").visits, 2.5);
    close(step(&a, "d").visits, 1.25);
    close(a.work_content_s, 18.75 * H);
    // Inner extra at c: 0.5 x 5h / 0.5 = 5h. Outer pass: 1 + 2 + 3 + 5 + 4 = 15h; extra at d:
    // 0.2 x 15h / 0.8 = 3.75h. 10h + 5h + 3.75h = 18.75h, the same total.
    close(step(&a, "c").rework_s, 5.0 * H);
    close(step(&a, "d").rework_s, 3.75 * H);
}

#[test]
fn overlapping_loops_match_the_absorbing_markov_chain() {
    // v1 (1h) -> v2 (2h) -> u1 (3h) -> u2 (4h); rework u1 -> v1 with p1 = 0.2 and wait 10h;
    // rework u2 -> v2 with p2 = 0.5 and wait 2h. The loops overlap (v2..u1 is in both).
    //
    // Absorbing Markov chain, expected visits x of u1 and y of u2:
    //   V(v1) = 1 + p1 x,  V(v2) = V(v1) + p2 y,  x = V(v2),  y = (1 - p1) x
    //   => x = 1 / ((1 - p1)(1 - p2)) = 1 / (0.8 x 0.5) = 2.5,   y = 1 / (1 - p2) = 2,
    //      V(v1) = 1 + p1 / ((1 - p1)(1 - p2)) = 1 + 0.2 x 2.5 = 1.5,   V(v2) = 2.5.
    // Expected time = sum V x LT + expected rework waits:
    //   1.5 x 1h + 2.5 x 2h + 2.5 x 3h + 2 x 4h = 1.5 + 5 + 7.5 + 8 = 22h
    //   + p1 x V(u1) x 10h = 0.2 x 2.5 x 10h = 5h   (u1 sends back p1 of its 2.5 visits)
    //   + p2 x V(u2) x 2h  = 0.5 x 2 x 2h    = 2h
    //   = 29h.
    let doc = map(json!({
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
    let a = analyse(&doc);
    close(step(&a, "v1").visits, 1.5);
    close(step(&a, "v2").visits, 2.5);
    close(step(&a, "u1").visits, 2.5);
    close(step(&a, "u2").visits, 2.0);
    close(a.lead_time_s, 29.0 * H);
    // PT = LT everywhere, so work content and critical PT are the 22h without the waits.
    close(a.work_content_s, 22.0 * H);
    close(a.process_time_s, 22.0 * H);
}

#[test]
fn overlapping_loops_with_other_probabilities() {
    // The same chain with p1 = 0.5, p2 = 0.25, no rework waits, LT 1h each.
    // (1 - p1)(1 - p2) = 0.5 x 0.75 = 0.375.
    // V(v1) = 1 + 0.5 / 0.375 = 1 + 4/3 = 7/3; V(v2) = V(u1) = 1 / 0.375 = 8/3;
    // V(u2) = 1 / 0.75 = 4/3. Lead time = (7/3 + 8/3 + 8/3 + 4/3) h = 27/3 h = 9h.
    let doc = map(json!({
        "steps": [
            {"id": "v1", "name": "V1", "pt": "1h"},
            {"id": "v2", "name": "V2", "pt": "1h"},
            {"id": "u1", "name": "U1", "pt": "1h"},
            {"id": "u2", "name": "U2", "pt": "1h"}
        ],
        "flows": [
            {"from": "v1", "to": "v2"},
            {"from": "v2", "to": "u1"},
            {"from": "u1", "to": "u2"},
            {"from": "u1", "to": "v1", "kind": "rework", "p": 0.5},
            {"from": "u2", "to": "v2", "kind": "rework", "p": 0.25}
        ]
    }));
    let a = analyse(&doc);
    close(step(&a, "v1").visits, 7.0 / 3.0);
    close(step(&a, "v2").visits, 8.0 / 3.0);
    close(step(&a, "u1").visits, 8.0 / 3.0);
    close(step(&a, "u2").visits, 4.0 / 3.0);
    close(a.lead_time_s, 9.0 * H);
}

#[test]
fn rework_back_into_one_branch_of_an_xor() {
    // s (XOR) -> a (p 0.5) or b (p 0.5); both -> m -> n; rework n -> a with p 0.5. PT = LT = 1h.
    // Items that came through b are sent back to a too. Markov chain, x = visits of m and n:
    //   V(s) = 1, V(b) = 0.5, V(a) = 0.5 + 0.5 x, x = V(a) + V(b) = 1 + 0.5 x
    //   => x = 2, V(a) = 1.5.
    // Lead time = 1 + 1.5 + 0.5 + 2 + 2 = 7h, all of it process time.
    // Visits: V(a) = 1.5 (half the items come to a first, every return comes back to it), so
    // the work content is 1 + 1.5 + 0.5 + 2 + 2 = 7h, equal to the process time.
    let doc = map(json!({
        "steps": [
            {"id": "s", "name": "S", "pt": "1h", "split": "xor"},
            {"id": "a", "name": "A", "pt": "1h"},
            {"id": "b", "name": "B", "pt": "1h"},
            {"id": "m", "name": "M", "pt": "1h"},
            {"id": "n", "name": "N", "pt": "1h"}
        ],
        "flows": [
            {"from": "s", "to": "a", "p": 0.5},
            {"from": "s", "to": "b", "p": 0.5},
            {"from": "a", "to": "m"},
            {"from": "b", "to": "m"},
            {"from": "m", "to": "n"},
            {"from": "n", "to": "a", "kind": "rework", "p": 0.5}
        ]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 7.0 * H);
    close(a.process_time_s, 7.0 * H);
    close(step(&a, "m").visits, 2.0);
    close(step(&a, "n").visits, 2.0);
    close(step(&a, "a").visits, 1.5);
    close(step(&a, "b").visits, 0.5);
    close(a.work_content_s, 7.0 * H);
}

#[test]
fn parallel_arrivals_inside_one_xor_branch_join_once() {
    // s (XOR): a 0.3, b 0.3, e 0.4. a runs c and d in parallel; c, d and b join at m.
    // m is reached when a or b is taken: 0.3 + 0.3 = 0.6 (c and d come together, once).
    let doc = map(json!({
        "steps": [
            {"id": "s", "name": "S", "pt": "1h", "split": "xor"},
            {"id": "a", "name": "A", "pt": "1h"},
            {"id": "b", "name": "B", "pt": "1h"},
            {"id": "e", "name": "E", "pt": "1h"},
            {"id": "c", "name": "C", "pt": "1h"},
            {"id": "d", "name": "D", "pt": "1h"},
            {"id": "m", "name": "M", "pt": "1h"}
        ],
        "flows": [
            {"from": "s", "to": "a", "p": 0.3},
            {"from": "s", "to": "b", "p": 0.3},
            {"from": "s", "to": "e", "p": 0.4},
            {"from": "a", "to": "c"},
            {"from": "a", "to": "d"},
            {"from": "c", "to": "m"},
            {"from": "d", "to": "m"},
            {"from": "b", "to": "m"}
        ]
    }));
    let a = analyse(&doc);
    close(step(&a, "m").visits, 0.6);
    close(step(&a, "c").visits, 0.3);
    // Work content: s 1 + a, b 0.3 each + e 0.4 + c, d 0.3 each + m 0.6 = 3.2h.
    close(a.work_content_s, 3.2 * H);
}

#[test]
fn two_rework_flows_from_one_step() {
    // v1 (1h) -> v2 (2h) -> u (4h); u sends back to v1 with p 0.1 and to v2 with p 0.2.
    // Markov chain: V(u) = x; V(v1) = 1 + 0.1 x; V(v2) = V(v1) + 0.2 x = 1 + 0.3 x = x
    //   => x = 1 / 0.7 = 10/7, V(v1) = 1 + 1/7 = 8/7, V(v2) = 10/7.
    // Lead time = 8/7 x 1h + 10/7 x 2h + 10/7 x 4h = (8 + 20 + 40)/7 h = 68/7 h.
    let doc = map(json!({
        "steps": [
            {"id": "v1", "name": "V1", "pt": "1h"},
            {"id": "v2", "name": "V2", "pt": "2h"},
            {"id": "u", "name": "U", "pt": "4h"}
        ],
        "flows": [
            {"from": "v1", "to": "v2"},
            {"from": "v2", "to": "u"},
            {"from": "u", "to": "v1", "kind": "rework", "p": 0.1},
            {"from": "u", "to": "v2", "kind": "rework", "p": 0.2}
        ]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 68.0 / 7.0 * H);
    close(step(&a, "v1").visits, 8.0 / 7.0);
    close(step(&a, "v2").visits, 10.0 / 7.0);
    close(step(&a, "u").visits, 10.0 / 7.0);
    // Extra at u: (0.1 x (1 + 2 + 4)h + 0.2 x (2 + 4)h) / (1 - 0.3) = 1.9h / 0.7 = 19/7 h.
    close(step(&a, "u").rework_s, 19.0 / 7.0 * H);
}

#[test]
fn an_xor_inside_a_rework_loop() {
    // x (1h, XOR) -> a (p 0.25, 2h) or b (4h, p 0.75 by remainder) -> m (1h); rework m -> x with
    // p 0.5. One pass: 1 + 0.25 x 2 + 0.75 x 4 + 1 = 5.5h; 1 / (1 - 0.5) = 2 passes: 11h.
    // Visits: x, m 2; a 0.25 x 2 = 0.5; b 0.75 x 2 = 1.5.
    let doc = map(json!({
        "steps": [
            {"id": "x", "name": "X", "pt": "1h", "split": "xor"},
            {"id": "a", "name": "A", "pt": "2h"},
            {"id": "b", "name": "B", "pt": "4h"},
            {"id": "m", "name": "M", "pt": "1h"}
        ],
        "flows": [
            {"from": "x", "to": "a", "p": 0.25},
            {"from": "x", "to": "b"},
            {"from": "a", "to": "m"},
            {"from": "b", "to": "m"},
            {"from": "m", "to": "x", "kind": "rework", "p": 0.5}
        ]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 11.0 * H);
    close(step(&a, "x").visits, 2.0);
    close(step(&a, "a").visits, 0.5);
    close(step(&a, "b").visits, 1.5);
    close(step(&a, "m").visits, 2.0);
    close(a.work_content_s, 11.0 * H);
}

// ---------------------------------------------------------------------------------------------
// WIP, takt, bottleneck, utilisation, units.

fn wip_map(per: &str, days_per_week: f64) -> takt_core::ValueStream {
    map(json!({
        "calendar": {"hours_per_day": 8, "days_per_week": days_per_week},
        "demand": {"items": 920, "per": per},
        "steps": [
            {"id": "a", "name": "A", "pt": "1h", "team": "t"},
            {"id": "b", "name": "B", "pt": "1h", "team": "t"}
        ],
        "teams": [{"id": "t", "name": "Team"}],
        "flows": [{"from": "a", "to": "b", "wip": 460}]
    }))
}

#[test]
fn wip_becomes_a_wait_through_littles_law() {
    // 460 items waiting, 920 demanded a calendar day: wait = 460 x 1 d / 920 = 0.5 d = 12h.
    // Lead time = 1h + 12h + 1h = 14h.
    let a = analyse(&wip_map("d", 5.0));
    close(a.lead_time_s, 14.0 * H);
    close(a.wip_items, 460.0);
    close(a.ladder[1].wait_s, 12.0 * H);
    // Little's law check: throughput 920 per 86 400 s; expected WIP = 920 / 24h x 14h
    // = 1610/3 = 536.67 items; deviation = (1610/3 - 460) / (1610/3) = 230 / 1610 = 1/7.
    let l = a.littles_law.clone().expect("demand and WIP given");
    close(l.wip, 460.0);
    close(l.throughput_per_s, 920.0 / D);
    close(l.expected_wip, 1610.0 / 3.0);
    close(l.deviation, 1.0 / 7.0);
    assert!(l.consistent);
    assert!(!codes(&a).contains(&"littles_law"));
    // Flow metrics: flow time = lead time, flow load = WIP, flow efficiency = 2h / 14h.
    close(a.flow.flow_time_s, 14.0 * H);
    close(a.flow.flow_load, 460.0);
    close(a.flow.flow_efficiency, 2.0 / 14.0);

    // Demand per working day: 0.5 wd. In a 5-day week 1 wd = 7/5 d = 33.6h elapsed, so the
    // wait is 16.8h and the lead time 18.8h.
    let a = analyse(&wip_map("wd", 5.0));
    close(a.lead_time_s, 18.8 * H);
    // In a 6-day week 1 wd = 7/6 d = 28h: the wait is 14h, the lead time 16h.
    let a = analyse(&wip_map("wd", 6.0));
    close(a.lead_time_s, 16.0 * H);
}

#[test]
fn littles_law_flags_wip_that_disagrees_with_the_times() {
    // Demand 1 a day. a -> b holds 1 item (a wait of 1 d); b -> c waits 10 d.
    // Lead time = 3 x 1h + 1 d + 10 d = 11 d + 3h = 267h. Expected WIP = 267 / 24 = 11.125;
    // deviation = (11.125 - 1) / 11.125 = 0.91 > 0.25: inconsistent, with a warning.
    let doc = map(json!({
        "demand": {"items": 1, "per": "d"},
        "teams": [{"id": "t", "name": "T"}],
        "steps": [
            {"id": "a", "name": "A", "pt": "1h", "team": "t"},
            {"id": "b", "name": "B", "pt": "1h", "team": "t"},
            {"id": "c", "name": "C", "pt": "1h", "team": "t"}
        ],
        "flows": [
            {"from": "a", "to": "b", "wip": 1},
            {"from": "b", "to": "c", "wait": "10d"}
        ]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 267.0 * H);
    let l = a.littles_law.clone().unwrap();
    close(l.expected_wip, 11.125);
    close(l.deviation, 10.125 / 11.125);
    assert!(!l.consistent);
    let w = warning(&a.warnings, "littles_law");
    assert_eq!(w.element, Some(Element::Map));
}

#[test]
fn takt_is_available_working_time_over_demand() {
    // 40 items a week. Default calendar: 8h x 5 d = 40h of the week's 168h are working time.
    // Available = 168h x 40/168 = 40h; takt = 40h / 40 = 1h.
    let doc = map(json!({
        "demand": {"items": 40, "per": "w"},
        "steps": [{"id": "a", "name": "A", "pt": "30min"}]
    }));
    close(analyse(&doc).takt_s.unwrap(), 1.0 * H);
    // A 6-day week of 8h: 48h available; takt = 48h / 40 = 1.2h.
    let doc = map(json!({
        "calendar": {"days_per_week": 6},
        "demand": {"items": 40, "per": "w"},
        "steps": [{"id": "a", "name": "A", "pt": "30min"}]
    }));
    close(analyse(&doc).takt_s.unwrap(), 1.2 * H);
    // 12 releases a quarter of 13 weeks, 24/7 calendar: 13 x 168h / 12 = 182h.
    let doc = map(json!({
        "calendar": {"hours_per_day": 24, "days_per_week": 7},
        "demand": {"items": 12, "per": "13w"},
        "steps": [{"id": "a", "name": "A", "pt": "30min"}]
    }));
    close(analyse(&doc).takt_s.unwrap(), 182.0 * H);
    // No demand, no takt and no utilisation.
    let doc = map(json!({"steps": [{"id": "a", "name": "A", "pt": "30min"}]}));
    let a = analyse(&doc);
    assert_eq!(a.takt_s, None);
    assert_eq!(step(&a, "a").utilisation, None);
    assert!(a.over_takt.is_empty());
}

#[test]
fn bottleneck_and_utilisation() {
    // Takt: 40 a week in a 40h week = 1h (see above).
    // Effective cycle time (PT x visits + changeover / batch) / (servers x uptime):
    //   a: 30min                          = 0.5h
    //   b: 1.5h / 2 servers               = 0.75h
    //   c: 45min / 0.5 uptime             = 1.5h   (over takt)
    //   d: 30min + 1h changeover / 4      = 0.75h
    //   e: 1h x 2 visits (rework f -> e with p 0.5: 1 / (1 - 0.5) = 2)   = 2h (over takt)
    //   f: 6min x 2 visits                = 0.2h
    // Bottleneck: e (2h). Utilisation = ECT / takt.
    let doc = map(json!({
        "demand": {"items": 40, "per": "w"},
        "teams": [{"id": "t", "name": "T"}],
        "steps": [
            {"id": "a", "name": "A", "team": "t", "pt": "30min"},
            {"id": "b", "name": "B", "team": "t", "pt": "1.5h", "servers": 2},
            {"id": "c", "name": "C", "team": "t", "pt": "45min", "uptime": 50},
            {"id": "d", "name": "D", "team": "t", "pt": "30min", "changeover": "1h", "batch": 4},
            {"id": "e", "name": "E", "team": "t", "pt": "1h"},
            {"id": "f", "name": "F", "team": "t", "pt": "6min"}
        ],
        "flows": [
            {"from": "a", "to": "b"},
            {"from": "b", "to": "c"},
            {"from": "c", "to": "d"},
            {"from": "d", "to": "e"},
            {"from": "e", "to": "f"},
            {"from": "f", "to": "e", "kind": "rework", "p": 0.5}
        ]
    }));
    let a = analyse(&doc);
    close(a.takt_s.unwrap(), H);
    let expect = [
        ("a", 0.5),
        ("b", 0.75),
        ("c", 1.5),
        ("d", 0.75),
        ("e", 2.0),
        ("f", 0.2),
    ];
    for (id, hours) in expect {
        close(step(&a, id).ect_s, hours * H);
        close(step(&a, id).utilisation.unwrap(), hours);
    }
    assert_eq!(a.bottleneck.as_deref(), Some("e"));
    assert_eq!(a.over_takt, ids(&["c", "e"]));
    let over: Vec<_> = a
        .warnings
        .iter()
        .filter(|w| w.code == "over_takt")
        .map(|w| w.element.clone())
        .collect();
    assert_eq!(
        over,
        vec![
            Some(Element::Step("c".into())),
            Some(Element::Step("e".into()))
        ]
    );
}

#[test]
fn the_bottleneck_ignores_suppliers_and_customers() {
    // The supplier's 10h would dwarf everything, but endpoints have no cycle time.
    let doc = map(json!({
        "steps": [
            {"id": "sup", "name": "Supplier", "kind": "supplier", "pt": "10h"},
            {"id": "a", "name": "A", "pt": "1h"},
            {"id": "b", "name": "B", "pt": "2h"},
            {"id": "cus", "name": "Customer", "kind": "customer"}
        ],
        "flows": [
            {"from": "sup", "to": "a"},
            {"from": "a", "to": "b"},
            {"from": "b", "to": "cus"}
        ]
    }));
    let a = analyse(&doc);
    assert_eq!(a.bottleneck.as_deref(), Some("b"));
    close(step(&a, "sup").ect_s, 0.0);
}

#[test]
fn working_days_and_calendar_days_differ() {
    // LT "3wd": in a 5-day week 1 wd = 7/5 d, so 3 wd = 4.2 d = 100.8h;
    // in a 6-day week 1 wd = 7/6 d, so 3 wd = 3.5 d = 84h. The queue "2d" is 48h either way.
    let doc = |days: f64| {
        map(json!({
            "calendar": {"hours_per_day": 8, "days_per_week": days},
            "steps": [
                {"id": "a", "name": "A", "pt": "1h", "lt": "3wd"},
                {"id": "b", "name": "B", "pt": "1h"}
            ],
            "flows": [{"from": "a", "to": "b", "wait": "2d"}]
        }))
    };
    // 100.8h + 48h + 1h = 149.8h.
    close(analyse(&doc(5.0)).lead_time_s, 149.8 * H);
    // 84h + 48h + 1h = 133h.
    close(analyse(&doc(6.0)).lead_time_s, 133.0 * H);
    // A 7-day operation: 1 wd = 1 d: 72h + 48h + 1h = 121h.
    close(analyse(&doc(7.0)).lead_time_s, 121.0 * H);

    // The conversions themselves.
    let five = Calendar::default();
    let six = Calendar {
        hours_per_day: 8.0,
        days_per_week: 6.0,
    };
    close(Duration::new(1.0, Unit::Wd).seconds(&five), 1.4 * D);
    close(Duration::new(1.0, Unit::Wd).seconds(&six), 7.0 / 6.0 * D);
    close(Duration::new(5.0, Unit::Wd).seconds(&five), 7.0 * D);
    close(Duration::new(6.0, Unit::Wd).seconds(&six), 7.0 * D);
    close(Duration::new(1.0, Unit::D).seconds(&six), D);
    close(Duration::new(2.0, Unit::W).seconds(&six), 14.0 * D);
    close(Duration::new(90.0, Unit::Min).seconds(&five), 1.5 * H);
    // Working share: 40/168 and 48/168.
    close(five.working_share(), 40.0 / 168.0);
    close(six.working_share(), 48.0 / 168.0);
}

// ---------------------------------------------------------------------------------------------
// PCE, activity ratio, %C&A.

#[test]
fn pce_and_activity_ratio() {
    // a (VA, PT 1h, LT 2h) -queue 3h-> b (NVA, PT 2h, LT 4h) -> c (BNVA, PT 1h).
    // Lead time 2 + 3 + 4 + 1 = 10h; PT 1 + 2 + 1 = 4h; VA 1h.
    // PCE = 1h / 10h = 0.1; activity ratio = 4h / 10h = 0.4.
    let doc = map(json!({
        "steps": [
            {"id": "a", "name": "A", "pt": "1h", "lt": "2h", "value": "va"},
            {"id": "b", "name": "B", "pt": "2h", "lt": "4h", "value": "nva"},
            {"id": "c", "name": "C", "pt": "1h", "value": "bnva"}
        ],
        "flows": [{"from": "a", "to": "b", "wait": "3h"}, {"from": "b", "to": "c"}]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 10.0 * H);
    close(a.va_time_s, H);
    close(a.pce, 0.1);
    close(a.activity_ratio, 0.4);
}

#[test]
fn pce_counts_only_the_critical_path() {
    // s (BNVA, 1h) splits (AND) to a (VA, 1h) and b (NVA, PT 1h, LT 5h); both join at j (VA,
    // 1h).
    // Lead time = 1 + max(1, 5) + 1 = 7h, along s, b, j. VA on that path: j's 1h, not a's
    // (a is off the critical path). PCE = 1/7; activity ratio = (1 + 1 + 1)h / 7h = 3/7.
    let doc = map(json!({
        "steps": [
            {"id": "s", "name": "S", "pt": "1h", "value": "bnva"},
            {"id": "a", "name": "A", "pt": "1h", "value": "va"},
            {"id": "b", "name": "B", "pt": "1h", "lt": "5h", "value": "nva"},
            {"id": "j", "name": "J", "pt": "1h", "value": "va"}
        ],
        "flows": [
            {"from": "s", "to": "a"},
            {"from": "s", "to": "b"},
            {"from": "a", "to": "j"},
            {"from": "b", "to": "j"}
        ]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 7.0 * H);
    close(a.va_time_s, H);
    close(a.pce, 1.0 / 7.0);
    close(a.activity_ratio, 3.0 / 7.0);
    // Work content still counts a: 4h.
    close(a.work_content_s, 4.0 * H);
}

#[test]
fn rolled_pca_multiplies_along_the_critical_path() {
    // Chain with %C&A 90, 80, 50: 0.9 x 0.8 x 0.5 = 0.36.
    let doc = map(json!({
        "steps": [
            {"id": "a", "name": "A", "pt": "1h", "pca": 90},
            {"id": "b", "name": "B", "pt": "1h", "pca": 80},
            {"id": "c", "name": "C", "pt": "1h", "pca": 50}
        ],
        "flows": [{"from": "a", "to": "b"}, {"from": "b", "to": "c"}]
    }));
    close(analyse(&doc).rolled_pca, 0.36);

    // AND: only the critical branch counts. s (pca 90) -> a (5h, pca 50) -> j (pca 80) and
    // s -> b (1h, pca 10) -> j. Critical path s, a, j: 0.9 x 0.5 x 0.8 = 0.36.
    // Suppliers and customers have no %C&A of their own.
    let doc = map(json!({
        "steps": [
            {"id": "sup", "name": "Sup", "kind": "supplier", "pca": 10},
            {"id": "s", "name": "S", "pt": "1h", "pca": 90},
            {"id": "a", "name": "A", "pt": "5h", "pca": 50},
            {"id": "b", "name": "B", "pt": "1h", "pca": 10},
            {"id": "j", "name": "J", "pt": "1h", "pca": 80}
        ],
        "flows": [
            {"from": "sup", "to": "s"},
            {"from": "s", "to": "a"},
            {"from": "s", "to": "b"},
            {"from": "a", "to": "j"},
            {"from": "b", "to": "j"}
        ]
    }));
    let a = analyse(&doc);
    assert_eq!(a.critical_path, ids(&["sup", "s", "a", "j"]));
    close(a.rolled_pca, 0.36);
}

// ---------------------------------------------------------------------------------------------
// Handoffs, gates, waste, suppliers and customers.

#[test]
fn handoffs_on_and_off_the_critical_path() {
    // Teams: a, d in t1; b in t2; c in t3; x has no team.
    // a -2h-> b (10h) -1h-> d;  a -0.5h-> c (1h) -> d;  d -> x;  rework d -> b (p 0.1, 2h);
    // information b -> a.
    // Handoffs (item and rework flows between two different teams):
    //   a>b (t1/t2, 2h), a>c (t1/t3, 0.5h), b>d (t2/t1, 1h), c>d (t3/t1, 0h), d>b (rework, 2h)
    //   = 5 flows, 5.5h of queue. d>x: x has no team, no handoff. b>a: information, no item.
    // Critical path a, b, d, x: a>b and b>d are handoffs on it: 2 flows, 3h of queue.
    let doc = map(json!({
        "teams": [
            {"id": "t1", "name": "One"}, {"id": "t2", "name": "Two"}, {"id": "t3", "name": "Three"}
        ],
        "steps": [
            {"id": "a", "name": "A", "pt": "1h", "team": "t1"},
            {"id": "b", "name": "B", "pt": "10h", "team": "t2"},
            {"id": "c", "name": "C", "pt": "1h", "team": "t3"},
            {"id": "d", "name": "D", "pt": "1h", "team": "t1"},
            {"id": "x", "name": "X", "pt": "1h"}
        ],
        "flows": [
            {"from": "a", "to": "b", "wait": "2h"},
            {"from": "a", "to": "c", "wait": "30min"},
            {"from": "b", "to": "d", "wait": "1h"},
            {"from": "c", "to": "d"},
            {"from": "d", "to": "x"},
            {"from": "d", "to": "b", "kind": "rework", "p": 0.1, "wait": "2h"},
            {"from": "b", "to": "a", "kind": "information"}
        ]
    }));
    let a = analyse(&doc);
    assert_eq!(a.critical_path, ids(&["a", "b", "d", "x"]));
    let h = &a.handoffs;
    assert_eq!(h.total, 5);
    close(h.total_wait_s, 5.5 * H);
    assert_eq!(h.critical, 2);
    close(h.critical_wait_s, 3.0 * H);
    // And the information flow adds nothing to the lead time: with the loop b..d (one pass
    // 10h + 1h + 1h = 12h; extra at d = 0.1 x (2h + 12h) / 0.9 = 14/9 h), lead time =
    // 1h + 2h + 12h + 14/9 h + 1h = 16h + 14/9 h.
    close(a.lead_time_s, (16.0 + 14.0 / 9.0) * H);
}

#[test]
fn gate_time_and_its_share() {
    // a (2h) -> g (gate, 6h) -> b (2h), and a parallel gate g2 (1h) off the critical path.
    // Lead time 10h; gate time on the critical path 6h; share 0.6.
    let doc = map(json!({
        "steps": [
            {"id": "a", "name": "A", "pt": "2h"},
            {"id": "g", "name": "Risk review", "kind": "gate", "pt": "1h", "lt": "6h",
             "gate": {"regulation": "SR 11-7", "control": "MRM-4"}},
            {"id": "g2", "name": "Privacy review", "kind": "gate", "lt": "1h",
             "gate": {"regulation": "GDPR", "control": "Art. 35"}},
            {"id": "b", "name": "B", "pt": "2h"}
        ],
        "flows": [
            {"from": "a", "to": "g"},
            {"from": "a", "to": "g2"},
            {"from": "g", "to": "b"},
            {"from": "g2", "to": "b"}
        ]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 10.0 * H);
    close(a.gate_time_s, 6.0 * H);
    close(a.gate_share, 0.6);
    assert!(a.redundant_gates.is_empty());
}

#[test]
fn gate_time_in_a_rework_loop_counts_every_pass() {
    // a (1h) -> g (gate, 3h); rework g -> a with p 0.25: 1 / 0.75 = 4/3 passes.
    // Lead time = 4h x 4/3 = 16/3 h; gate time = 3h x 4/3 = 4h; share = 4 / (16/3) = 0.75.
    let doc = map(json!({
        "steps": [
            {"id": "a", "name": "A", "pt": "1h"},
            {"id": "g", "name": "G", "kind": "gate", "lt": "3h", "gate": {"control": "C-1"}}
        ],
        "flows": [
            {"from": "a", "to": "g"},
            {"from": "g", "to": "a", "kind": "rework", "p": 0.25}
        ]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 16.0 / 3.0 * H);
    close(a.gate_time_s, 4.0 * H);
    close(a.gate_share, 0.75);
}

#[test]
fn waste_by_category() {
    // a: NVA, PT 1h, LT 2h, tagged motion: its whole LT, 2h, is motion.
    // b: VA, PT 1h, LT 4h, tagged waiting (share 0.5) and transportation (the rest):
    //    non-value time LT - PT = 3h: waiting 1.5h, transportation 1.5h.
    // c: NVA, PT = LT = 1h, untagged: 1h untagged.
    // d: no class, no tags: nothing.
    // Queues: a -> b 2h untagged: waiting 2h; b -> c 1h tagged inventory: inventory 1h.
    // Rework c -> b (p 0.5, wait 1h): one pass B = 4h + 1h + 1h = 6h; extra at c =
    //    0.5 x (1h + 6h) / 0.5 = 7h: defects 7h.
    // d -> e holds 3 items (no demand: no time; counted as WIP).
    let doc = map(json!({
        "steps": [
            {"id": "a", "name": "A", "pt": "1h", "lt": "2h", "value": "nva", "waste": ["motion"]},
            {"id": "b", "name": "B", "pt": "1h", "lt": "4h", "value": "va",
             "waste": [{"kind": "waiting", "share": 0.5}, "transportation"]},
            {"id": "c", "name": "C", "pt": "1h", "value": "nva"},
            {"id": "d", "name": "D", "pt": "1h"},
            {"id": "e", "name": "E", "pt": "1h"}
        ],
        "flows": [
            {"from": "a", "to": "b", "wait": "2h"},
            {"from": "b", "to": "c", "wait": "1h", "waste": ["inventory"]},
            {"from": "c", "to": "d"},
            {"from": "d", "to": "e", "wip": 3},
            {"from": "c", "to": "b", "kind": "rework", "p": 0.5, "wait": "1h"}
        ]
    }));
    let a = analyse(&doc);
    let w = &a.waste_s;
    let expect = [
        ("defects", 7.0),
        ("inventory", 1.0),
        ("motion", 2.0),
        ("transportation", 1.5),
        ("untagged", 1.0),
        ("waiting", 1.5 + 2.0),
    ];
    assert_eq!(w.len(), expect.len(), "{w:?}");
    for (k, hours) in expect {
        close(w[k], hours * H);
    }
    close(a.wip_items, 3.0);
    assert!(codes(&a).contains(&"wip_without_demand"));
}

#[test]
fn each_element_keeps_its_own_waste_tags() {
    // Tagged elements that add no waste sit between those that do; each tag must still land on
    // its own element.
    // a: VA, PT = LT = 1h, tagged motion: no non-value time, nothing.
    // b: untagged, no class: nothing.
    // c: NVA, PT 2h, tagged extra processing: 2h.
    // d: PT 1h, LT 3h, tagged inventory (share 0.25) and motion: non-value 2h, inventory
    //    0.5h and motion 1.5h.
    // Flows: d -> a information, tagged defects: not a queue, nothing. a -> b wait 1h tagged
    // transportation: 1h. b -> c wait 2h untagged: waiting 2h. c -> d wait 1h tagged
    // overproduction: 1h.
    let doc = map(json!({
        "steps": [
            {"id": "a", "name": "A", "pt": "1h", "value": "va", "waste": ["motion"]},
            {"id": "b", "name": "B", "pt": "1h"},
            {"id": "c", "name": "C", "pt": "2h", "value": "nva", "waste": ["extra_processing"]},
            {"id": "d", "name": "D", "pt": "1h", "lt": "3h",
             "waste": [{"kind": "inventory", "share": 0.25}, "motion"]}
        ],
        "flows": [
            {"from": "d", "to": "a", "kind": "information", "waste": ["defects"]},
            {"from": "a", "to": "b", "wait": "1h", "waste": ["transportation"]},
            {"from": "b", "to": "c", "wait": "2h"},
            {"from": "c", "to": "d", "wait": "1h", "waste": ["overproduction"]}
        ]
    }));
    let a = analyse(&doc);
    let w = &a.waste_s;
    let expect = [
        ("extra_processing", 2.0),
        ("inventory", 0.5),
        ("motion", 1.5),
        ("overproduction", 1.0),
        ("transportation", 1.0),
        ("waiting", 2.0),
    ];
    assert_eq!(w.len(), expect.len(), "{w:?}");
    for (k, hours) in expect {
        close(w[k], hours * H);
    }
}

#[test]
fn a_rolled_pca_below_the_smallest_number_is_zero() {
    // 4,000 steps at 80% %C&A: 0.8^4000 is about 1e-388, below the smallest normal number
    // (2.2e-308). It is 0, not a subnormal number (a share times the smallest subnormal
    // rounds back to it, so the product would never fall further). 0.8^1000, about 1.2e-97,
    // is still exact.
    let chain = |n: usize| {
        let steps: Vec<_> = (0..n)
            .map(|i| json!({"id": format!("s{i}"), "name": format!("S{i}"), "pt": "1h", "pca": 80}))
            .collect();
        let flows: Vec<_> = (1..n)
            .map(|i| json!({"from": format!("s{}", i - 1), "to": format!("s{i}")}))
            .collect();
        map(json!({"steps": steps, "flows": flows}))
    };
    assert_eq!(analyse(&chain(4000)).rolled_pca, 0.0);
    let r = analyse(&chain(1000)).rolled_pca;
    assert!((r / 0.8f64.powi(1000) - 1.0).abs() < 1e-9, "{r:e}");
}

#[test]
fn waste_of_an_xor_branch_is_weighted_by_its_probability() {
    // s (XOR) -> a (p 0.25, NVA 4h, tagged overproduction) or b (p 0.75); queue s -> b 2h.
    // overproduction = 0.25 x 4h = 1h; waiting = 0.75 x 2h = 1.5h.
    let doc = map(json!({
        "steps": [
            {"id": "s", "name": "S", "pt": "1h", "split": "xor"},
            {"id": "a", "name": "A", "pt": "4h", "value": "nva", "waste": ["overproduction"]},
            {"id": "b", "name": "B", "pt": "1h"}
        ],
        "flows": [
            {"from": "s", "to": "a", "p": 0.25},
            {"from": "s", "to": "b", "p": 0.75, "wait": "2h"}
        ]
    }));
    let a = analyse(&doc);
    close(a.waste_s["overproduction"], H);
    close(a.waste_s["waiting"], 1.5 * H);
}

#[test]
fn supplier_and_customer_times_are_not_counted() {
    // The supplier's 10h and the customer's 3h stand outside the stream; the queue from the
    // supplier does count. Lead time = 2h queue + 1h = 3h.
    let doc = map(json!({
        "teams": [{"id": "t", "name": "T"}],
        "steps": [
            {"id": "sup", "name": "Source", "kind": "supplier", "pt": "5h", "lt": "10h"},
            {"id": "a", "name": "A", "pt": "1h", "team": "t", "value": "va"},
            {"id": "cus", "name": "Consumers", "kind": "customer", "lt": "3h"}
        ],
        "flows": [{"from": "sup", "to": "a", "wait": "2h"}, {"from": "a", "to": "cus"}]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 3.0 * H);
    close(a.process_time_s, H);
    close(a.work_content_s, H);
    close(a.pce, 1.0 / 3.0);
    assert_eq!(a.critical_path, ids(&["sup", "a", "cus"]));
    let ladder_lt: Vec<f64> = a.ladder.iter().map(|r| r.lt_s).collect();
    assert_eq!(ladder_lt, vec![0.0, H, 0.0]);
    let endpoint: Vec<_> = a
        .warnings
        .iter()
        .filter(|w| w.code == "endpoint_times")
        .map(|w| w.element.clone().unwrap())
        .collect();
    assert_eq!(
        endpoint,
        vec![Element::Step("sup".into()), Element::Step("cus".into())]
    );
    // Endpoints need no team.
    assert!(!codes(&a).contains(&"no_team"));
}

// ---------------------------------------------------------------------------------------------
// Redundant gates and lint warnings.

fn gate(id: &str, reg: &str, control: &str) -> serde_json::Value {
    json!({"id": id, "name": format!("Gate {id}"), "kind": "gate", "team": "t", "lt": "1h",
           "gate": {"regulation": reg, "control": control}})
}

#[test]
fn two_gates_on_one_path_with_the_same_control_are_redundant() {
    // g1 -> a -> g2 check EU AI Act Art. 9 on one path: redundant.
    // p1 and p2 check GDPR Art. 35 on parallel branches: not on one path.
    // g3 checks Art. 9 of another regulation: not the same control.
    let doc = map(json!({
        "teams": [{"id": "t", "name": "T"}],
        "steps": [
            gate("g1", "EU AI Act", "Art. 9"),
            {"id": "a", "name": "A", "team": "t", "pt": "1h"},
            gate("g2", "EU AI Act", "Art. 9"),
            gate("p1", "GDPR", "Art. 35"),
            gate("p2", "GDPR", "Art. 35"),
            {"id": "j", "name": "J", "team": "t", "pt": "1h"},
            gate("g3", "Other Act", "Art. 9")
        ],
        "flows": [
            {"from": "g1", "to": "a"},
            {"from": "a", "to": "g2"},
            {"from": "g2", "to": "p1"},
            {"from": "g2", "to": "p2"},
            {"from": "p1", "to": "j"},
            {"from": "p2", "to": "j"},
            {"from": "j", "to": "g3"}
        ]
    }));
    let a = analyse(&doc);
    assert_eq!(
        a.redundant_gates,
        vec![["g1".to_string(), "g2".to_string()]]
    );
    let w = warning(&a.warnings, "redundant_gate");
    assert_eq!(w.element, Some(Element::Step("g2".into())));
    // Named for people, by name.
    assert_eq!(
        w.message,
        "gates 'Gate g1' and 'Gate g2' are on one path and check the same control (EU AI Act Art. 9): a redundancy candidate"
    );
    assert_eq!(codes(&a), vec!["redundant_gate"]);
}

fn warning<'a>(ws: &'a [Warning], code: &str) -> &'a Warning {
    ws.iter()
        .find(|w| w.code == code)
        .unwrap_or_else(|| panic!("no warning '{code}' in {ws:?}"))
}

#[test]
fn a_clean_map_has_no_warnings() {
    let doc = map(json!({
        "teams": [{"id": "t", "name": "T"}],
        "demand": {"items": 1, "per": "d"},
        "steps": [
            {"id": "a", "name": "A", "team": "t", "pt": "1h", "provenance": {"pt": "measured"}},
            {"id": "g", "name": "G", "kind": "gate", "team": "t", "lt": "1h",
             "gate": {"control": "C-1"}}
        ],
        "flows": [{"from": "a", "to": "g"}],
        "assets": [{"id": "m", "name": "Model", "kind": "model"}],
        "links": [{"step": "g", "asset": "m", "mode": "read"}]
    }));
    let a = analyse(&doc);
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
}

#[test]
fn lint_warnings_name_their_element() {
    let doc = map(json!({
        "teams": [{"id": "t", "name": "T"}],
        "demand": {"items": 1, "per": "w"},
        "steps": [
            {"id": "nameless", "team": "t", "pt": "1h"},
            {"id": "solo", "name": "Solo", "pt": "1h"},
            {"id": "guess", "name": "Guess", "team": "t", "pt": "1h",
             "provenance": {"pt": "estimated", "lt": "measured"}},
            {"id": "blind", "name": "Blind gate", "kind": "gate", "team": "t", "lt": "1h"},
            {"id": "fake", "name": "Fake gate", "team": "t", "pt": "1h",
             "gate": {"control": "X"}},
            {"id": "twin1", "name": "Twin", "team": "t", "pt": "1h"},
            {"id": "twin2", "name": " twin ", "team": "t", "pt": "1h"},
            {"id": "slow", "name": "Slow", "team": "t", "pt": "2d"},
            {"id": "cus", "name": "Customer", "kind": "customer", "pt": "1h"}
        ],
        "flows": [
            {"from": "nameless", "to": "solo"},
            {"from": "solo", "to": "guess"},
            {"from": "guess", "to": "blind"},
            {"from": "blind", "to": "fake"},
            {"from": "fake", "to": "twin1"},
            {"from": "twin1", "to": "twin2"},
            {"from": "twin2", "to": "slow"},
            {"from": "slow", "to": "cus"}
        ],
        "assets": [
            {"id": "raw", "name": "Raw", "kind": "source"},
            {"id": "feat", "name": "Features", "kind": "feature"},
            {"id": "ep", "name": "Endpoint", "kind": "endpoint"}
        ],
        "lineage": [{"from": "raw", "to": "feat"}]
    }));
    let a = analyse(&doc);
    let step = |id: &str| Some(Element::Step(id.into()));
    // Takt: 1 item a week of 40 working hours = 40h; "slow" needs 2 d = 48h > 40h.
    close(a.takt_s.unwrap(), 40.0 * H);
    let expected = [
        ("missing_name", step("nameless")),
        ("no_team", step("solo")),
        ("estimate", step("guess")),
        ("gate_without_control", step("blind")),
        ("gate_details_on_step", step("fake")),
        ("endpoint_times", step("cus")),
        ("duplicate_name", step("twin2")),
        ("over_takt", step("slow")),
        ("unconsumed_asset", Some(Element::Asset("feat".into()))),
    ];
    for (code, element) in &expected {
        let w = warning(&a.warnings, code);
        assert_eq!(&w.element, element, "{code}");
        assert!(!w.message.is_empty());
    }
    assert_eq!(a.warnings.len(), expected.len(), "{:?}", a.warnings);
    // The estimate warning names the estimated field only.
    let w = warning(&a.warnings, "estimate");
    assert!(
        w.message.contains("pt") && !w.message.contains("lt"),
        "{}",
        w.message
    );
    // The duplicate names are matched ignoring case and spaces.
    assert!(warning(&a.warnings, "duplicate_name")
        .message
        .contains("'twin1', 'twin2'"));
}

#[test]
fn a_map_in_pieces_says_which_steps_the_lead_time_leaves_out() {
    // a -> b -> c is 1h + 2h + 3h = 6h; d -> e is 1h + 1h; f stands alone. The lead time runs
    // along the longest piece (sources start together: an AND at the start), a-b-c, and d, e
    // and f are not joined to it by any flow.
    let doc = map(json!({
        "steps": [
            {"id": "a", "name": "A", "pt": "1h"},
            {"id": "b", "name": "B", "pt": "2h"},
            {"id": "c", "name": "C", "pt": "3h"},
            {"id": "d", "name": "D", "pt": "1h"},
            {"id": "e", "name": "E", "pt": "1h"},
            {"id": "f", "name": "F", "pt": "30min"}
        ],
        "flows": [
            {"from": "a", "to": "b"},
            {"from": "b", "to": "c"},
            {"from": "d", "to": "e"},
            {"from": "c", "to": "a", "kind": "information"}
        ]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 6.0 * H);
    let left: Vec<&str> = a
        .disconnected
        .iter()
        .map(|&i| doc.steps[i as usize].id.as_str())
        .collect();
    assert_eq!(left, ["d", "e", "f"]);
    let w: Vec<&Warning> = a
        .warnings
        .iter()
        .filter(|w| w.code == "disconnected")
        .collect();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].element, Some(Element::Step("d".into())));
    assert_eq!(
        w[0].message,
        "the map is in pieces: 'D', 'E', 'F' are not joined by flows to the steps that set the lead time, so they are not counted in it"
    );
    // Joined by one flow, the map is whole again and the warning goes.
    let mut whole = doc.clone();
    whole
        .flows
        .push(serde_json::from_value(json!({"from": "c", "to": "d"})).unwrap());
    whole
        .flows
        .push(serde_json::from_value(json!({"from": "e", "to": "f"})).unwrap());
    let a = analyse(&whole);
    assert!(a.disconnected.is_empty());
    assert!(!codes(&a).contains(&"disconnected"));
    close(a.lead_time_s, 8.5 * H);
}

#[test]
fn the_over_takt_warning_gives_working_time_in_working_days() {
    // Demand 1 a week: takt = 40 working hours = 5 wd (of 8 h). A step of 6 wd of work
    // (48 h) is over it. Shown in wd of 8 working hours, not in wd of elapsed time (1.4 d).
    let doc = map(json!({
        "unit": "wd",
        "demand": {"items": 1, "per": "1w"},
        "steps": [
            {"id": "slow", "name": "Slow", "pt": "48h", "lt": "10d"}
        ]
    }));
    let a = analyse(&doc);
    close(a.takt_s.unwrap(), 40.0 * H);
    let w = a.warnings.iter().find(|w| w.code == "over_takt").unwrap();
    assert_eq!(
        w.message,
        "step 'Slow' needs 6 wd of work per item, more than the takt of 5 wd"
    );
}

// ---------------------------------------------------------------------------------------------
// Changeovers: per batch, per EPE interval, or not charged (Rother and Shook, Learning to See).

/// The book's line: demand 18,400 a month over 20 working days of two shifts, 920 a day; a day
/// has 55,200 s (15 h 20 min) of working time, so takt = 55,200 / 920 = 60 s. Data boxes as the
/// book gives them: C/T, C/O, uptime. `stamping` and `welds` add fields to the press and the
/// welders.
fn learning_to_see(
    stamping: serde_json::Value,
    welds: [serde_json::Value; 2],
) -> takt_core::ValueStream {
    let mut press =
        json!({"id": "stamping", "name": "Stamping", "pt": "1s", "changeover": "1h", "uptime": 85});
    let mut w1 = json!({"id": "weld-1", "name": "Spot weld I", "pt": "39s", "changeover": "10min"});
    let mut w2 = json!({"id": "weld-2", "name": "Spot weld II", "pt": "46s", "changeover": "10min", "uptime": 80});
    for (target, extra) in [
        (&mut press, stamping),
        (&mut w1, welds[0].clone()),
        (&mut w2, welds[1].clone()),
    ] {
        for (k, v) in extra.as_object().unwrap() {
            target[k] = v.clone();
        }
    }
    map(json!({
        "calendar": {"hours_per_day": 55200.0 / 3600.0, "days_per_week": 5},
        "demand": {"items": 920, "per": "1wd"},
        "steps": [
            press, w1, w2,
            {"id": "assembly-1", "name": "Assembly I", "pt": "62s"},
            {"id": "assembly-2", "name": "Assembly II", "pt": "40s"}
        ],
        "flows": [
            {"from": "stamping", "to": "weld-1"},
            {"from": "weld-1", "to": "weld-2"},
            {"from": "weld-2", "to": "assembly-1"},
            {"from": "assembly-1", "to": "assembly-2"}
        ]
    }))
}

fn unamortised(a: &Analysis) -> Vec<(String, String)> {
    a.warnings
        .iter()
        .filter(|w| w.code == "changeover_unamortised")
        .map(|w| {
            let Some(Element::Step(id)) = &w.element else {
                panic!("{w:?}")
            };
            (id.clone(), w.message.clone())
        })
        .collect()
}

#[test]
fn learning_to_see_with_the_press_on_an_epe_of_two_weeks() {
    let doc = learning_to_see(json!({"epe": "2w"}), [json!({}), json!({})]);
    let a = analyse(&doc);
    close(a.takt_s.unwrap(), 60.0);
    // The press changes over once every 2 weeks, and in 2 weeks (10 working days of 1.4
    // calendar days each: 14 / 1.4) 9,200 parts are demanded: 3,600 / 9,200 = 0.391 s a part.
    // ECT = (1 + 0.391) / 0.85 = 1.637 s.
    close(step(&a, "stamping").ect_s, (1.0 + 3600.0 / 9200.0) / 0.85);
    // The welders give no batch or EPE: their changeovers are not charged. 39 s; 46 / 0.8.
    close(step(&a, "weld-1").ect_s, 39.0);
    close(step(&a, "weld-2").ect_s, 57.5);
    // The book's bottleneck is the slowest cycle time, Assembly I at 62 s, the one step over
    // takt.
    assert_eq!(a.bottleneck.as_deref(), Some("assembly-1"));
    assert_eq!(a.over_takt, ids(&["assembly-1"]));
    assert_eq!(
        unamortised(&a),
        vec![
            ("weld-1".into(), "step 'Spot weld I' has a changeover of 10 min but no batch size or EPE; it is not counted in its cycle time".into()),
            ("weld-2".into(), "step 'Spot weld II' has a changeover of 10 min but no batch size or EPE; it is not counted in its cycle time".into()),
        ]
    );
}

#[test]
fn learning_to_see_without_an_epe_charges_no_changeover_and_says_so() {
    let doc = learning_to_see(json!({}), [json!({}), json!({})]);
    let a = analyse(&doc);
    // 1 / 0.85 = 1.176 s: the hour's changeover is not counted (it made the press the
    // bottleneck at 1.18 h of work per part when charged to every part).
    close(step(&a, "stamping").ect_s, 1.0 / 0.85);
    assert_eq!(a.bottleneck.as_deref(), Some("assembly-1"));
    assert_eq!(a.over_takt, ids(&["assembly-1"]));
    let w = unamortised(&a);
    assert_eq!(w.len(), 3);
    assert_eq!(
        w[0],
        ("stamping".into(), "step 'Stamping' has a changeover of 1 h but no batch size or EPE; it is not counted in its cycle time".into())
    );
}

#[test]
fn a_batch_charges_the_changeover_once_per_batch() {
    // Batches of 300 and 200 at the welders: 39 + 600 / 300 = 41 s; (46 + 600 / 200) / 0.8 =
    // 61.25 s, now over takt too. Assembly I (62 s) is still the bottleneck.
    let doc = learning_to_see(
        json!({"epe": "2w"}),
        [json!({"batch": 300}), json!({"batch": 200})],
    );
    let a = analyse(&doc);
    close(step(&a, "weld-1").ect_s, 41.0);
    close(step(&a, "weld-2").ect_s, 61.25);
    assert_eq!(a.bottleneck.as_deref(), Some("assembly-1"));
    assert_eq!(a.over_takt, ids(&["weld-2", "assembly-1"]));
    assert!(unamortised(&a).is_empty());
    // A batch wins over an EPE: once per batch. The press in batches of 1,200: 3 s a part.
    let doc = learning_to_see(
        json!({"epe": "2w", "batch": 1200}),
        [json!({"batch": 300}), json!({"batch": 200})],
    );
    close(step(&analyse(&doc), "stamping").ect_s, (1.0 + 3.0) / 0.85);
}

#[test]
fn an_epe_without_demand_has_nothing_to_share_the_changeover_among() {
    let mut doc = learning_to_see(
        json!({"epe": "2w"}),
        [json!({"batch": 300}), json!({"batch": 200})],
    );
    doc.demand = None;
    let a = analyse(&doc);
    close(step(&a, "stamping").ect_s, 1.0 / 0.85);
    assert_eq!(
        unamortised(&a),
        vec![("stamping".into(), "step 'Stamping' has a changeover of 1 h and an EPE of 2w, but the map has no demand to share it among; it is not counted in its cycle time".into())]
    );
}

#[test]
fn unclassified_process_steps_add_value_and_gates_are_business_necessary() {
    // a (process, PT 2h), g (gate, PT 1h, LT 3h), b (process, PT 1h, class NVA): VA time is a's
    // 2h (the gate counts as BNVA, an explicit class wins). Lead time 2 + 3 + 1 = 6h.
    let doc = map(json!({
        "steps": [
            {"id": "a", "name": "A", "pt": "2h"},
            {"id": "g", "name": "G", "kind": "gate", "pt": "1h", "lt": "3h",
             "gate": {"regulation": "SR 11-7"}},
            {"id": "b", "name": "B", "pt": "1h", "value": "nva"}
        ],
        "flows": [{"from": "a", "to": "g"}, {"from": "g", "to": "b"}]
    }));
    let a = analyse(&doc);
    close(a.lead_time_s, 6.0 * H);
    close(a.va_time_s, 2.0 * H);
    close(a.pce, 2.0 / 6.0);
    // The NVA step's whole lead time is waste.
    close(a.waste_s["untagged"], H);
}

#[test]
fn lineage_freshness_of_a_long_chain_takes_no_stack() {
    // 30,000 assets in a chain, each 1 min behind the one it derives from: the last is
    // 30,000 min stale. (The recursion this replaced overflowed a test thread's stack.)
    let n = 30_000;
    let assets: Vec<serde_json::Value> = (0..n)
        .map(|i| json!({"id": format!("a{i}"), "name": format!("A{i}"), "kind": "dataset", "lt": "1min"}))
        .collect();
    let lineage: Vec<serde_json::Value> = (1..n)
        .map(|i| json!({"from": format!("a{}", i - 1), "to": format!("a{i}")}))
        .collect();
    let doc = map(json!({"steps": [], "assets": assets, "lineage": lineage}));
    let t = takt_core::lineage::lead_time(&doc, &format!("a{}", n - 1)).unwrap();
    close(t, n as f64 * 60.0);
    let up = takt_core::lineage::upstream(&doc, "a3").unwrap();
    assert_eq!(up, ["a0", "a1", "a2"]);
}

//! The two figures a change to the core must keep (docs/BENCHMARKS.md): `analyze` at 10,000
//! steps and one edit with its re-analysis at 1,000 steps. Prints the median of `rounds` rounds
//! of each (each round the best of a few runs), for `scripts/speed-ab.py`, which alternates
//! builds so that the VM's drifting speed falls on all of them alike.
//!
//!     cargo run --release -p takt-core --example speed -- 10

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;
use takt_core::ops::{apply_analyzed, Key, Op};
use takt_core::{analyze, gen::generate};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);
    let big = generate(10_000, 42);
    let mut small = generate(1_000, 42);
    let key = Key::step(small.steps[500].id.clone());
    let mut flip = false;
    let mut analyses = Vec::new();
    let mut edits = Vec::new();
    for _ in 0..rounds {
        let best = (0..5)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(analyze(&big).unwrap());
                t.elapsed().as_secs_f64() * 1e3
            })
            .fold(f64::INFINITY, f64::min);
        analyses.push(best);
        let best = (0..20)
            .map(|_| {
                flip = !flip;
                let op = Op::Set {
                    key: key.clone(),
                    field: "pt".into(),
                    value: serde_json::json!(if flip { "15min" } else { "30min" }),
                };
                let t = Instant::now();
                std::hint::black_box(apply_analyzed(&mut small, &op).unwrap());
                t.elapsed().as_secs_f64() * 1e6
            })
            .fold(f64::INFINITY, f64::min);
        edits.push(best);
    }
    println!("analyze_10k_ms {:.3}", median(analyses));
    println!("edit_1k_us {:.1}", median(edits));
}

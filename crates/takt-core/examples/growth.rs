//! The growth target of issue 2 (100,000 steps analysed within 12x the time of 10,000), measured
//! so that the VM's drifting speed cancels out: both maps live in one process, and each round
//! times the two sizes back to back (best of several runs each) and keeps their ratio.
//!
//! Run: `cargo run --release -p takt-core --example growth [ROUNDS]`
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn best(doc: &takt_core::model::ValueStream, runs: usize) -> f64 {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(takt_core::analyze(doc).expect("a generated map is valid"));
            t.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map_or(15, |s| s.parse().expect("ROUNDS is a number"));
    let small = takt_core::gen::generate(10_000, 42);
    let large = takt_core::gen::generate(100_000, 42);
    best(&small, 20);
    best(&large, 2);
    let mut ratios = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let s = best(&small, 20);
        let l = best(&large, 3);
        println!("10k {s:7.3} ms   100k {l:7.3} ms   {:5.2}x", l / s);
        ratios.push(l / s);
    }
    ratios.sort_by(f64::total_cmp);
    println!("median ratio {:.2}x", ratios[rounds / 2]);
}

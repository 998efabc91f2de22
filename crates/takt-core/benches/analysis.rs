//! Speed of the analysis, of one edit plus re-analysis, and of the Monte Carlo, on generated maps.
//! Targets and figures: docs/BENCHMARKS.md. Run with `make bench` (or `cargo bench -p takt-core`).
//!
//! The benchmark uses mimalloc, the allocator the shipped binaries use (see docs/BENCHMARKS.md).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use takt_core::ops::{apply_analyzed, Key, Op};
use takt_core::{analyze, gen::generate};

fn full_analysis(c: &mut Criterion) {
    let mut g = c.benchmark_group("analyze");
    for n in [100usize, 1_000, 10_000, 100_000] {
        let doc = generate(n, 42);
        g.throughput(Throughput::Elements(n as u64));
        if n >= 100_000 {
            g.sample_size(20);
        }
        g.bench_with_input(BenchmarkId::from_parameter(n), &doc, |b, doc| {
            b.iter(|| analyze(black_box(doc)).expect("generated maps are valid"))
        });
    }
    g.finish();
}

fn edit_then_analyse(c: &mut Criterion) {
    let mut g = c.benchmark_group("edit_and_analyze");
    for n in [1_000usize, 10_000] {
        let mut doc = generate(n, 42);
        // A step in the middle of the map: its process time goes back and forth.
        let id = doc.steps[n / 2].id.clone();
        let key = Key::step(&id);
        let mut flip = false;
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                flip = !flip;
                let op = Op::Set {
                    key: key.clone(),
                    field: "pt".into(),
                    value: serde_json::json!(if flip { "15min" } else { "30min" }),
                };
                black_box(apply_analyzed(&mut doc, &op).expect("valid edit"))
            })
        });
    }
    g.finish();
}

fn monte_carlo(c: &mut Criterion) {
    let mut g = c.benchmark_group("simulate");
    g.sample_size(10);
    let doc = generate(200, 42);
    g.bench_function("200_steps_10000_runs", |b| {
        b.iter(|| takt_core::simulate::simulate(black_box(&doc), 10_000, 7).expect("valid map"))
    });
    g.finish();
}

criterion_group!(benches, full_analysis, edit_then_analyse, monte_carlo);
criterion_main!(benches);

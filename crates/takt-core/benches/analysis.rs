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
    let doc = generate(1_000, 42);
    g.bench_function("1000_steps_10000_runs", |b| {
        b.iter(|| takt_core::simulate::simulate(black_box(&doc), 10_000, 7).expect("valid map"))
    });
    g.finish();
}

/// A future state of a generated map: `k` kaizen items, each on a step spread over the map, each
/// halving that step's process time.
fn future(doc: &takt_core::ValueStream, k: usize) -> takt_core::ValueStream {
    let mut f = doc.clone();
    let n = f.steps.len();
    for i in 0..k {
        let at = (i * 7919 + 13) % n;
        let s = &mut f.steps[at];
        s.pt =
            s.pt.map(|d| takt_core::Duration::new(d.value / 2.0, d.unit));
        f.kaizen.push(takt_core::Kaizen {
            id: format!("kz{i}"),
            title: format!("Item {i}"),
            target: Some(takt_core::KaizenTarget::Step(s.id.clone())),
            effect: String::new(),
            owner: None,
            status: Default::default(),
            due: None,
            x: None,
            y: None,
        });
    }
    f
}

fn leaders(c: &mut Criterion) {
    use takt_core::waterfall::{waterfall, WaterfallMetric};
    let mut g = c.benchmark_group("waterfall");
    g.sample_size(10);
    let doc = generate(1_000, 42);
    for k in [6usize, 12] {
        let f = future(&doc, k);
        g.bench_function(BenchmarkId::new("1000_steps_groups", k), |b| {
            b.iter(|| {
                waterfall(black_box(&doc), &f, WaterfallMetric::LeadTime, &|_, _| true)
                    .expect("valid maps")
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("compare_set");
    g.sample_size(10);
    let doc = generate(10_000, 42);
    let maps: Vec<_> = (1..4).map(|k| future(&doc, k * 3)).collect();
    let analyses: Vec<_> = std::iter::once(&doc)
        .chain(&maps)
        .map(|m| analyze(m).unwrap())
        .collect();
    g.bench_function("4_scenarios_10000_steps", |b| {
        b.iter(|| {
            let set: Vec<_> = std::iter::once(&doc)
                .chain(&maps)
                .zip(&analyses)
                .enumerate()
                .map(|(i, (m, a))| (["A", "B", "C", "D"][i], m, a))
                .collect();
            takt_core::compare::compare_set(black_box(&set)).unwrap()
        })
    });
    g.finish();
}

/// 100,000 OpenLineage events (50,000 runs of 500 jobs over 1,500 datasets, START and COMPLETE
/// each), as JSON Lines in memory.
fn openlineage(c: &mut Criterion) {
    let mut text = String::new();
    for run in 0..50_000u32 {
        let job = run % 500;
        let (a, b) = (job * 3, job * 3 + 1);
        for (kind, minute) in [("START", 0), ("COMPLETE", 10 + run % 50)] {
            text.push_str(&format!(
                r#"{{"eventType":"{kind}","eventTime":"2026-11-01T10:{minute:02}:00Z","run":{{"runId":"{run}"}},"job":{{"namespace":"airflow","name":"job{job}"}},"inputs":[{{"namespace":"s3","name":"d{a}","facets":{{"schema":{{"fields":[{{"name":"id","type":"BIGINT"}}]}}}}}}],"outputs":[{{"namespace":"s3","name":"d{b}"}}],"producer":"bench"}}"#
            ));
            text.push('\n');
        }
    }
    let mut g = c.benchmark_group("openlineage");
    g.sample_size(10);
    g.throughput(Throughput::Elements(100_000));
    g.bench_function("100000_events", |b| {
        b.iter(|| {
            let l = takt_core::openlineage::read(black_box(text.as_bytes())).unwrap();
            assert_eq!(l.events, 100_000);
            l
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    full_analysis,
    edit_then_analyse,
    monte_carlo,
    leaders,
    openlineage
);
criterion_main!(benches);

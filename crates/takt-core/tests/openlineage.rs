//! OpenLineage events in, on hand-written event files: jobs with several inputs and outputs, a
//! dataset read by two jobs, a START without COMPLETE, a FAIL run, facets ignored, a broken
//! line, the array form, a job updating a dataset in place. Latencies worked by hand.

use takt_core::model::{AssetKind, Provenance};
use takt_core::openlineage::read;

fn ev(kind: &str, run: &str, time: &str, job: &str, inputs: &[&str], outputs: &[&str]) -> String {
    let ds = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!(r#"{{"namespace": "postgres://db:5432", "name": "{n}", "facets": {{"dataQualityMetrics": {{"rowCount": 10}}}}}}"#))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        r#"{{"eventType": "{kind}", "eventTime": "{time}", "run": {{"runId": "{run}", "facets": {{"nominalTime": {{}}}}}}, "job": {{"namespace": "airflow", "name": "{job}"}}, "inputs": [{}], "outputs": [{}], "producer": "https://github.com/OpenLineage/OpenLineage", "schemaURL": "https://openlineage.io/spec/1-0-5/OpenLineage.json"}}"#,
        ds(inputs),
        ds(outputs)
    )
}

#[test]
fn jobs_datasets_edges_and_measured_latencies() {
    let lines = [
        // build_features reads two tables and writes two: three runs of 10, 40 and 20 minutes.
        ev(
            "START",
            "r1",
            "2026-11-01T10:00:00Z",
            "build_features",
            &["public.loans", "public.payments"],
            &["features.loan_v1", "features.payment_v1"],
        ),
        ev(
            "COMPLETE",
            "r1",
            "2026-11-01T10:10:00Z",
            "build_features",
            &["public.loans", "public.payments"],
            &["features.loan_v1", "features.payment_v1"],
        ),
        ev(
            "START",
            "r2",
            "2026-11-02T10:00:00+01:00",
            "build_features",
            &[],
            &[],
        ),
        ev(
            "COMPLETE",
            "r2",
            "2026-11-02T10:40:00+01:00",
            "build_features",
            &[],
            &[],
        ),
        ev(
            "START",
            "r3",
            "2026-11-03T10:00:00Z",
            "build_features",
            &[],
            &[],
        ),
        ev(
            "RUNNING",
            "r3",
            "2026-11-03T10:05:00Z",
            "build_features",
            &[],
            &[],
        ),
        ev(
            "COMPLETE",
            "r3",
            "2026-11-03T10:20:00Z",
            "build_features",
            &[],
            &[],
        ),
        // A run that failed, and one that never completed: neither counts.
        ev(
            "START",
            "r4",
            "2026-11-04T10:00:00Z",
            "build_features",
            &[],
            &[],
        ),
        ev(
            "FAIL",
            "r4",
            "2026-11-04T13:00:00Z",
            "build_features",
            &[],
            &[],
        ),
        ev(
            "START",
            "r5",
            "2026-11-05T10:00:00Z",
            "build_features",
            &[],
            &[],
        ),
        // train reads a feature table build_features writes, and public.loans too (a dataset read
        // by two jobs is one asset): two runs, 1 h and 3 h (median of two: 2 h).
        ev(
            "START",
            "t1",
            "2026-11-01T11:00:00Z",
            "train",
            &["features.loan_v1", "public.loans"],
            &["models.pd"],
        ),
        ev(
            "COMPLETE",
            "t1",
            "2026-11-01T12:00:00Z",
            "train",
            &["features.loan_v1", "public.loans"],
            &["models.pd"],
        ),
        "{\"eventType\": \"START\", \"job\": ".to_string(),
        ev("START", "t2", "2026-11-02T11:00:00Z", "train", &[], &[]),
        ev("COMPLETE", "t2", "2026-11-02T14:00:00Z", "train", &[], &[]),
        r#"{"eventType": "START", "eventTime": "2026-11-02T11:00:00Z", "run": {"runId": "x"}}"#
            .to_string(),
        String::new(),
    ];
    let text = lines.join("\n");
    let l = read(text.as_bytes()).unwrap();
    assert!(!l.array);
    // Two broken lines, by number; the rest read.
    assert_eq!(l.problems.len(), 2, "{:?}", l.problems);
    assert_eq!(l.problems[0].line, 13);
    assert!(l.problems[0].message.starts_with("not valid JSON"));
    assert_eq!(l.problems[1].line, 16);
    assert_eq!(
        l.problems[1].message,
        "the event has no job (namespace and name)"
    );
    assert_eq!(l.events, 14);
    assert_eq!(l.runs, 5);
    let ids: Vec<&str> = l.assets.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "airflow/build_features",
            "postgres://db:5432/public.loans",
            "postgres://db:5432/public.payments",
            "postgres://db:5432/features.loan_v1",
            "postgres://db:5432/features.payment_v1",
            "airflow/train",
            "postgres://db:5432/models.pd"
        ]
    );
    let asset = |id: &str| l.assets.iter().find(|a| a.id == id).unwrap();
    assert_eq!(asset("airflow/train").kind, AssetKind::Job);
    assert_eq!(
        asset("postgres://db:5432/public.loans").kind,
        AssetKind::Dataset
    );
    assert_eq!(
        asset("postgres://db:5432/public.loans").name,
        "public.loans"
    );
    // Latencies: the median of 10, 40 and 20 min is 20 min; of 1 h and 3 h, 2 h. Measured.
    let lt = |id: &str| asset(id).lt.unwrap().seconds(&Default::default());
    assert_eq!(lt("airflow/build_features"), 20.0 * 60.0);
    assert_eq!(lt("airflow/train"), 2.0 * 3600.0);
    assert_eq!(
        asset("airflow/train").provenance.get("lt"),
        Some(&Provenance::Measured)
    );
    assert_eq!(asset("postgres://db:5432/models.pd").lt, None);
    let edges: Vec<String> = l.edges.iter().map(|e| e.key()).collect();
    assert_eq!(edges.len(), 7);
    assert!(edges.contains(&"postgres://db:5432/public.loans>airflow/build_features".to_string()));
    assert!(edges.contains(&"postgres://db:5432/public.loans>airflow/train".to_string()));
    assert!(edges.contains(&"airflow/train>postgres://db:5432/models.pd".to_string()));
    // A map of them is valid.
    let mut map = takt_core::ValueStream::new("Imported lineage");
    map.assets = l.assets.clone();
    map.lineage = l.edges.clone();
    takt_core::validate(&map).expect("the imported lineage is a valid map");
}

#[test]
fn an_array_of_events_a_schema_facet_and_a_dataset_updated_in_place() {
    let text = r#"[
      {"eventType": "COMPLETE", "eventTime": "2026-11-01T10:00:00Z", "run": {"runId": "a"},
       "job": {"namespace": "dbt", "name": "dedupe"},
       "inputs": [{"namespace": "snowflake", "name": "raw.events",
                   "facets": {"schema": {"fields": [{"name": "id", "type": "BIGINT"}, {"name": "ts"}]}}}],
       "outputs": [{"namespace": "snowflake", "name": "raw.events"},
                   {"namespace": "snowflake", "name": "clean.events"}]},
      42
    ]"#;
    let l = read(text.as_bytes()).unwrap();
    assert!(l.array);
    assert_eq!(l.problems.len(), 1);
    assert_eq!(
        (l.problems[0].line, l.problems[0].message.as_str()),
        (2, "not an event (a JSON object)")
    );
    let raw = l
        .assets
        .iter()
        .find(|a| a.id == "snowflake/raw.events")
        .unwrap();
    assert_eq!(raw.notes, "Schema: id (BIGINT), ts");
    // dedupe reads and writes raw.events: the write is left out (lineage cannot loop).
    assert_eq!(l.cut, ["dbt/dedupe>snowflake/raw.events"]);
    let edges: Vec<String> = l.edges.iter().map(|e| e.key()).collect();
    assert_eq!(
        edges,
        [
            "snowflake/raw.events>dbt/dedupe",
            "dbt/dedupe>snowflake/clean.events"
        ]
    );
    // A COMPLETE without a START gives no latency.
    assert_eq!(l.runs, 0);
}

#[test]
fn jobs_that_feed_each_other_lose_the_edge_that_closes_the_loop() {
    let text = [
        ev(
            "COMPLETE",
            "a",
            "2026-11-01T10:00:00Z",
            "a_to_b",
            &["x"],
            &["y"],
        ),
        ev(
            "COMPLETE",
            "b",
            "2026-11-01T10:00:00Z",
            "b_to_a",
            &["y"],
            &["x"],
        ),
    ]
    .join("\n");
    let l = read(text.as_bytes()).unwrap();
    assert_eq!(l.cut.len(), 1);
    let mut map = takt_core::ValueStream::new("m");
    map.assets = l.assets;
    map.lineage = l.edges;
    takt_core::validate(&map).expect("no loop left");
}

/// A replication job (one table copied to the lake under the same name) is a transportation
/// waste candidate once imported; a job that transforms (another name out) is not.
#[test]
fn a_replication_job_is_flagged_as_a_copy() {
    let line = |run: &str,
                kind: &str,
                t: &str,
                job: &str,
                input: (&str, &str),
                output: (&str, &str)| {
        format!(
            r#"{{"eventType": "{kind}", "eventTime": "{t}", "run": {{"runId": "{run}"}}, "job": {{"namespace": "airflow", "name": "{job}"}}, "inputs": [{{"namespace": "{}", "name": "{}"}}], "outputs": [{{"namespace": "{}", "name": "{}"}}]}}"#,
            input.0, input.1, output.0, output.1
        )
    };
    let text = [
        line(
            "r1",
            "START",
            "2026-11-01T00:00:00Z",
            "replicate_orders",
            ("postgres://db", "public.orders"),
            ("s3://lake", "raw/orders.parquet"),
        ),
        line(
            "r1",
            "COMPLETE",
            "2026-11-01T00:05:00Z",
            "replicate_orders",
            ("postgres://db", "public.orders"),
            ("s3://lake", "raw/orders.parquet"),
        ),
        line(
            "r2",
            "START",
            "2026-11-01T01:00:00Z",
            "aggregate",
            ("s3://lake", "raw/orders.parquet"),
            ("s3://lake", "marts/daily_revenue"),
        ),
        line(
            "r2",
            "COMPLETE",
            "2026-11-01T01:20:00Z",
            "aggregate",
            ("s3://lake", "raw/orders.parquet"),
            ("s3://lake", "marts/daily_revenue"),
        ),
    ]
    .join("\n");
    let l = read(std::io::Cursor::new(text)).unwrap();
    assert!(l.problems.is_empty());
    let mut map = takt_core::ValueStream::new("orders");
    map.assets = l.assets;
    map.lineage = l.edges;
    let ov = takt_core::lineage::overview(&map).unwrap();
    let id = |i: u32| map.assets[i as usize].id.clone();
    assert_eq!(
        ov.copies.iter().map(|&i| id(i)).collect::<Vec<_>>(),
        vec!["s3://lake/raw/orders.parquet".to_string()]
    );
    // Nothing reads the revenue mart: inventory. Columns: the table, the job, the lake copy,
    // the aggregation, the mart.
    assert_eq!(
        ov.unconsumed.iter().map(|&i| id(i)).collect::<Vec<_>>(),
        vec!["s3://lake/marts/daily_revenue".to_string()]
    );
    let mut layers: Vec<(String, u32)> = (0..map.assets.len())
        .map(|i| (map.assets[i].id.clone(), ov.layer[i]))
        .collect();
    layers.sort_by_key(|x| x.1);
    assert_eq!(
        layers.iter().map(|x| x.1).collect::<Vec<_>>(),
        vec![0, 1, 2, 3, 4]
    );
    // Freshness of the mart: the two measured runs, 5 and 20 minutes.
    let mart = map
        .assets
        .iter()
        .position(|a| a.id.ends_with("daily_revenue"))
        .unwrap();
    assert_eq!(ov.fresh_s[mart], 25.0 * 60.0);
}

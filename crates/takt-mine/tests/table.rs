//! Step tables in and out: every example's steps round trip through CSV and Excel unchanged; a
//! time study kept in Excel 97-2003, OpenDocument and CSV updates the map the same way; every
//! problem names the file, sheet, row and column.

use std::path::{Path, PathBuf};
use takt_core::{Duration, Op, Record, Unit, ValueStream};
use takt_mine::table::{self, Field, TableError};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example(name: &str) -> ValueStream {
    let text = std::fs::read_to_string(root().join("examples").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn examples() -> Vec<(String, ValueStream)> {
    let mut out = vec![];
    for e in std::fs::read_dir(root().join("examples")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            out.push((name.clone(), example(&name)));
        }
    }
    assert!(out.len() >= 5, "the examples are found");
    out
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Reads a table from bytes as if from a file of that name.
fn read(bytes: &[u8], name: &str) -> table::Table {
    table::read_bytes(bytes, Path::new(name), None).unwrap()
}

fn plan(map: &ValueStream, t: &table::Table) -> table::Plan {
    table::plan(map, t, &table::guess(&t.header), &Default::default()).unwrap()
}

#[test]
fn every_example_round_trips_through_csv_and_excel_unchanged() {
    for (name, map) in examples() {
        for (bytes, file) in [
            (table::to_csv(&map), "steps.csv"),
            (table::to_xlsx(&map).unwrap(), "steps.xlsx"),
        ] {
            let t = read(&bytes, file);
            assert_eq!(t.rows.len(), map.steps.len(), "{name} {file}");
            let m = table::guess(&t.header);
            assert_eq!(
                m.columns.len(),
                Field::ALL.len(),
                "{name} {file}: every column known"
            );
            let p = plan(&map, &t);
            assert!(p.op.is_none(), "{name} {file}: {:?}", p.updated);
            assert_eq!(p.unchanged, map.steps.len(), "{name} {file}");
            assert!(p.added.is_empty() && p.teams.is_empty());
        }
    }
}

#[test]
fn a_table_made_into_a_map_writes_the_same_table() {
    for (name, map) in examples() {
        let csv = table::to_csv(&map);
        let t = read(&csv, "steps.csv");
        let made = table::new_map(&t, &table::guess(&t.header), &Default::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(made.steps.len(), map.steps.len());
        // A chain: one flow from each row to the next.
        assert_eq!(made.flows.len(), map.steps.len() - 1);
        assert_eq!(
            String::from_utf8(table::to_csv(&made)).unwrap(),
            String::from_utf8(csv).unwrap(),
            "{name}"
        );
        // And through Excel.
        let x = table::to_xlsx(&made).unwrap();
        let again = table::new_map(
            &read(&x, "s.xlsx"),
            &table::guess(&t.header),
            &Default::default(),
        )
        .unwrap();
        assert_eq!(again.steps, made.steps, "{name}");
        assert_eq!(again.teams, made.teams, "{name}");
    }
}

/// What the time study in the fixtures does to the retraining map, whatever file it is in.
fn check_time_study(t: &table::Table) {
    let map = example("model-retraining-current.json");
    let m = table::guess(&t.header);
    assert_eq!(m.columns.get(&Field::Name), Some(&0));
    assert_eq!(m.columns.get(&Field::Team), Some(&1));
    assert_eq!(m.columns.get(&Field::Pt), Some(&2));
    assert_eq!(m.units.get(&Field::Pt), Some(&Unit::Min));
    assert_eq!(m.columns.get(&Field::Lt), Some(&3));
    assert_eq!(m.columns.get(&Field::Pca), Some(&4));
    assert_eq!(m.columns.get(&Field::Wait), Some(&5));
    let p =
        table::plan(&map, t, &m, &Default::default()).unwrap_or_else(|e| panic!("{}: {e}", t.file));
    assert_eq!(p.teams, vec!["ML Platform".to_owned()]);
    assert!(p.added.is_empty());
    assert_eq!(p.updated.len(), 3, "{:?}", p.updated);
    let mut after = map.clone();
    takt_core::apply(&mut after, p.op.as_ref().unwrap()).unwrap();
    let step = |id: &str| after.steps.iter().find(|s| s.id == id).unwrap().clone();
    let cal = after.calendar;
    let secs = |d: Option<Duration>| d.unwrap().seconds(&cal);
    let triage = step("triage");
    assert_eq!(secs(triage.pt), 90.0 * 60.0);
    assert_eq!(secs(triage.lt), 16.0 * 3600.0);
    assert_eq!(triage.pca, Some(90.0));
    let validate = step("validate");
    assert_eq!(secs(validate.pt), 150.0 * 60.0);
    assert_eq!(secs(validate.lt), 30.0 * 3600.0);
    assert_eq!(validate.pca, Some(75.0));
    let train = step("train");
    assert_eq!(secs(train.lt), 60.0 * 3600.0);
    assert_eq!(train.pca, Some(100.0));
    let team = after
        .teams
        .iter()
        .find(|x| x.name == "ML Platform")
        .unwrap();
    assert_eq!(train.team.as_deref(), Some(team.id.as_str()));
    let wait = |to: &str| {
        after
            .flows
            .iter()
            .find(|f| f.to == to && f.kind.is_forward())
            .unwrap()
            .wait
    };
    assert_eq!(wait("triage"), Some(Duration::new(6.0, Unit::H)));
    assert_eq!(wait("train"), Some(Duration::new(1.0, Unit::D)));
    // The other steps as they were; and one undo takes it all back.
    assert_eq!(step("extract"), map.steps[2]);
}

#[test]
fn a_time_study_in_excel_97_opendocument_and_csv() {
    let xls = table::read(&fixture("time-study.xls"), None).unwrap();
    assert_eq!(
        xls.sheet.as_deref(),
        Some("Time study"),
        "the first sheet with data"
    );
    assert_eq!(
        xls.sheets,
        vec!["Cover".to_owned(), "Time study".to_owned()]
    );
    check_time_study(&xls);
    let ods = table::read(&fixture("time-study.ods"), None).unwrap();
    check_time_study(&ods);
    let csv = "Step;Team;Touch time (min);Lead time;C&A;Queue\n\
        Drift triage and retrain decision;Credit Risk Data Science;90;16:00;90%;6h\n\
        Manual data validation (notebook checks);Credit Risk Data Science;150;30:00:00;75 %;\n\
        \n\
        Retrain and tune candidate model;ML Platform;300;60 hours;100;1 day\n";
    let t = read(csv.as_bytes(), "study.csv");
    assert_eq!(
        t.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![2, 3, 5]
    );
    check_time_study(&t);
}

#[test]
fn an_xlsx_with_time_cells_and_fractions() {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    s.set_name("Study").unwrap();
    for (c, h) in [
        "Step",
        "Team",
        "Touch time (min)",
        "Lead time",
        "C&A",
        "Queue",
    ]
    .iter()
    .enumerate()
    {
        s.write_string(2, c as u16 + 1, *h).unwrap();
    }
    let hours = Format::new().set_num_format("[h]:mm:ss");
    let pct = Format::new().set_num_format("0%");
    let rows: [(&str, &str, f64, f64, f64, &str); 3] = [
        (
            "Drift triage and retrain decision",
            "Credit Risk Data Science",
            90.0,
            16.0,
            0.9,
            "6h",
        ),
        (
            "Manual data validation (notebook checks)",
            "Credit Risk Data Science",
            150.0,
            30.0,
            0.75,
            "",
        ),
        (
            "Retrain and tune candidate model",
            "ML Platform",
            300.0,
            60.0,
            1.0,
            "1d",
        ),
    ];
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 3;
        s.write_string(r, 1, row.0).unwrap();
        s.write_string(r, 2, row.1).unwrap();
        s.write_number(r, 3, row.2).unwrap();
        s.write_number_with_format(r, 4, row.3 / 24.0, &hours)
            .unwrap();
        s.write_number_with_format(r, 5, row.4, &pct).unwrap();
        if !row.5.is_empty() {
            s.write_string(r, 6, row.5).unwrap();
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let t = read(&bytes, "study.xlsx");
    assert_eq!(t.first_col, 1);
    assert_eq!(t.rows[0].0, 4, "rows numbered as Excel shows them");
    check_time_study(&t);
}

fn problems(e: TableError) -> Vec<String> {
    e.problems().iter().map(|p| p.to_string()).collect()
}

#[test]
fn every_problem_names_its_sheet_row_and_column() {
    let map = example("model-retraining-current.json");
    let csv = "Name,PT,%C&A,Kind,Servers\n\
        Drift triage and retrain decision,twelve,95,process,1\n\
        Manual data validation (notebook checks),4h,120,process,0\n\
        Retrain and tune candidate model,12,90,machine,2\n";
    let t = read(csv.as_bytes(), "bad.csv");
    let e = table::plan(&map, &t, &table::guess(&t.header), &Default::default()).unwrap_err();
    let p = problems(e.clone());
    assert_eq!(p.len(), 5, "{p:#?}");
    assert!(
        p[0].starts_with("bad.csv, row 2, column B (PT): 'twelve' is not a duration"),
        "{}",
        p[0]
    );
    assert!(
        p[1].starts_with("bad.csv, row 3, column C (%C&A): 120% is outside 0-100"),
        "{}",
        p[1]
    );
    assert!(
        p[2].starts_with("bad.csv, row 3, column E (Servers): 0: must be more than 0"),
        "{}",
        p[2]
    );
    assert!(
        p[3].starts_with("bad.csv, row 4, column B (PT): 12 has no unit"),
        "{}",
        p[3]
    );
    assert!(
        p[4].starts_with("bad.csv, row 4, column D (Kind): 'machine' is not a kind"),
        "{}",
        p[4]
    );
    assert!(e.to_string().starts_with("5 problems in the table:\n"));
    // With a unit for bare numbers, the 12 reads.
    let e = table::plan(
        &map,
        &t,
        &table::guess(&t.header),
        &table::Options {
            unit: Some(Unit::Min),
            mark: None,
        },
    )
    .unwrap_err();
    assert_eq!(problems(e).len(), 4);

    // A rule of the map broken: named by the row and column that break it.
    let t = read(
        b"Name,PT,LT\nDrift triage and retrain decision,3d,4h\n",
        "lt.csv",
    );
    let p =
        problems(table::plan(&map, &t, &table::guess(&t.header), &Default::default()).unwrap_err());
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("lt.csv, row 2, column C (LT): "),
        "{}",
        p[0]
    );

    // In a workbook: the sheet too.
    let mut book = rust_xlsxwriter::Workbook::new();
    let s = book.add_worksheet();
    s.set_name("Q3 study").unwrap();
    s.write_string(0, 0, "Name").unwrap();
    s.write_string(0, 1, "Lead time (h)").unwrap();
    s.write_string(1, 0, "Drift triage and retrain decision")
        .unwrap();
    s.write_string(1, 1, "-3").unwrap();
    let t = read(&book.save_to_buffer().unwrap(), "q3.xlsx");
    let p =
        problems(table::plan(&map, &t, &table::guess(&t.header), &Default::default()).unwrap_err());
    assert_eq!(
        p,
        vec!["q3.xlsx, sheet \"Q3 study\", row 2, column B (Lead time (h)): '-3' is negative; a duration cannot be"]
    );

    // A sheet that is not there, a file that is not a table, no column to match by.
    let e = table::read(&fixture("time-study.xls"), Some("Summary")).unwrap_err();
    assert!(
        e.to_string()
            .contains("no sheet \"Summary\"; the workbook has \"Cover\", \"Time study\""),
        "{e}"
    );
    let e = table::read_bytes(b"\x1f\x8b\x08\x00", Path::new("x.csv"), None).unwrap_err();
    assert!(e.to_string().contains("gzipped"), "{e}");
    let e = table::read_bytes(b"PK\x03\x04garbage", Path::new("x.xlsx"), None).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("x.xlsx: cannot read this workbook"),
        "{e}"
    );
    let t = read(b"PT,LT\n1h,2h\n", "n.csv");
    let e = table::plan(&map, &t, &table::guess(&t.header), &Default::default()).unwrap_err();
    assert!(
        e.to_string().contains("no column of step names or IDs"),
        "{e}"
    );
}

#[test]
fn rows_that_cannot_be_matched_or_added_are_named() {
    let map = example("model-retraining-current.json");
    let csv = "ID,Name,Wait before\n\
        triage,,2h\n\
        nope,,\n\
        ,Label review,1h\n\
        triage,Drift triage,\n";
    let t = read(csv.as_bytes(), "m.csv");
    let p =
        problems(table::plan(&map, &t, &table::guess(&t.header), &Default::default()).unwrap_err());
    assert_eq!(p.len(), 3, "{p:#?}");
    assert!(
        p[0].contains("row 3, column A (ID): no step has this ID"),
        "{}",
        p[0]
    );
    assert!(
        p[1].contains("row 4, column C (Wait before): 'Label review' is new"),
        "{}",
        p[1]
    );
    assert!(
        p[2].contains("row 5, column A (ID): row 2 is about the same step"),
        "{}",
        p[2]
    );
}

#[test]
fn new_steps_are_added_and_one_edit_does_it_all() {
    let map = example("model-retraining-current.json");
    let csv =
        "Name,PT (h),Team\nLabel review,2,Labeling Vendors\nDrift triage and retrain decision,3,\n";
    let t = read(csv.as_bytes(), "n.csv");
    let p = plan(&map, &t);
    assert_eq!(p.added, vec!["Label review".to_owned()]);
    assert_eq!(p.teams, vec!["Labeling Vendors".to_owned()]);
    assert_eq!(
        p.updated,
        vec![(
            "Drift triage and retrain decision".to_owned(),
            vec!["PT 2h → 3h".to_owned()]
        )]
    );
    let Some(Op::Batch { ops }) = &p.op else {
        panic!("one batch")
    };
    assert_eq!(ops.len(), 3);
    assert!(matches!(
        &ops[0],
        Op::Add {
            record: Record::Team(_),
            ..
        }
    ));
    let mut after = map.clone();
    let diff = takt_core::apply(&mut after, p.op.as_ref().unwrap()).unwrap();
    assert_eq!(after.steps.len(), map.steps.len() + 1);
    takt_core::apply_diff(&mut after, &diff.inverse()).unwrap();
    assert_eq!(after, map);
}

#[test]
fn a_table_with_two_steps_of_one_name_asks_for_ids() {
    let mut map = example("model-retraining-current.json");
    map.steps[3].name = map.steps[2].name.clone();
    let t = read(
        format!("Name,PT\n{},2h\n", map.steps[2].name).as_bytes(),
        "d.csv",
    );
    let p =
        problems(table::plan(&map, &t, &table::guess(&t.header), &Default::default()).unwrap_err());
    assert!(p[0].contains("2 steps are named"), "{}", p[0]);
}

#[test]
fn written_files_are_whole_and_excel_is_excel() {
    let map = example("feature-store.json");
    let dir = std::env::temp_dir().join(format!("takt-table-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let x = dir.join("steps.xlsx");
    table::write(&map, &x, table::TableFormat::Excel).unwrap();
    let bytes = std::fs::read(&x).unwrap();
    assert!(
        bytes.starts_with(b"PK\x03\x04"),
        "a zip: an Office Open XML workbook"
    );
    let t = table::read(&x, None).unwrap();
    assert_eq!(t.header[0], "ID");
    let c = dir.join("steps.csv");
    table::write(&map, &c, table::TableFormat::Csv).unwrap();
    assert!(std::fs::read_to_string(&c)
        .unwrap()
        .starts_with("\u{feff}ID,Name,Kind,Team,PT,LT,%C&A,Wait before,"));
    // A folder that is not there: an error, and nothing left behind.
    let e = table::write(
        &map,
        &dir.join("no/such/steps.csv"),
        table::TableFormat::Csv,
    )
    .unwrap_err();
    assert!(e.contains("cannot write"), "{e}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_time_study_marks_its_numbers_measured_when_told() {
    let map = example("model-retraining-current.json");
    let t = read(
        b"Name,PT,Wait before\nDrift triage and retrain decision,2h,5h\n",
        "m.csv",
    );
    let m = table::guess(&t.header);
    let opts = table::Options {
        unit: None,
        mark: Some(takt_core::Provenance::Measured),
    };
    let p = table::plan(&map, &t, &m, &opts).unwrap();
    // The PT is the same; only its mark changes.
    assert_eq!(
        p.updated,
        vec![(
            "Drift triage and retrain decision".to_owned(),
            vec![
                "pt marked measured".to_owned(),
                "wait before 4h → 5h".to_owned()
            ]
        )]
    );
    let mut after = map.clone();
    takt_core::apply(&mut after, p.op.as_ref().unwrap()).unwrap();
    let triage = after.steps.iter().find(|s| s.id == "triage").unwrap();
    assert_eq!(triage.provenance["pt"], takt_core::Provenance::Measured);
    assert_eq!(
        triage.provenance["lt"],
        takt_core::Provenance::Measured,
        "as it was"
    );
    let flow = after.flows.iter().find(|f| f.to == "triage").unwrap();
    assert_eq!(flow.provenance["wait"], takt_core::Provenance::Measured);
    // Without a mark, the marks stay.
    let p = table::plan(&map, &t, &m, &Default::default()).unwrap();
    assert_eq!(p.updated[0].1, vec!["wait before 4h → 5h".to_owned()]);
}

#[test]
fn the_example_time_study_reads_whole() {
    let map = example("model-retraining-current.json");
    let t = table::read(&root().join("examples/retraining-time-study.csv"), None).unwrap();
    let m = table::guess(&t.header);
    assert_eq!(m.columns.len(), 6, "every column guessed: {:?}", t.header);
    let p = table::plan(&map, &t, &m, &Default::default()).unwrap();
    assert_eq!(p.updated.len(), 4);
    assert!(
        p.updated[0].1.contains(&"wait before 4h → 6h".to_owned()),
        "{:?}",
        p.updated[0]
    );
}

#[test]
fn awkward_maps_round_trip_too() {
    let mut map = example("model-retraining-current.json");
    // A name a spreadsheet would run as a formula, spaces and a newline, a team whose name is
    // another team's ID, percentages of 0.5 and 1.
    map.steps[1].name = "=HYPERLINK(\"http://x\",\"triage\")".into();
    map.steps[2].name = "  Training snapshot, \"point in time\"  ".into();
    map.steps[2].notes = "first line\nsecond line\n".into();
    map.steps[3].notes = "-20% after the fix".into();
    map.teams.push(takt_core::Team {
        id: "t2".into(),
        name: "ds".into(),
        color: None,
    });
    map.steps[4].team = Some("t2".into());
    map.steps[5].pca = Some(0.5);
    map.steps[6].pca = Some(1.0);
    takt_core::validate(&map).unwrap();
    let csv = table::to_csv(&map);
    let text = String::from_utf8(csv.clone()).unwrap();
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"triage\"\")\""),
        "{text}"
    );
    assert!(text.contains(",'-20% after the fix"), "{text}");
    for (bytes, file) in [(csv, "a.csv"), (table::to_xlsx(&map).unwrap(), "a.xlsx")] {
        let t = read(&bytes, file);
        let p = plan(&map, &t);
        assert!(p.op.is_none(), "{file}: {:?}", p.updated);
    }
}

#[test]
fn a_map_is_never_written_over_and_the_format_is_the_name_s() {
    let map = example("feature-store.json");
    let dir = std::env::temp_dir().join(format!("takt-table-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["map.json", "doc.takt", "steps.xls", "steps.ods", "steps"] {
        assert!(table::TableFormat::of(&dir.join(name)).is_err(), "{name}");
    }
    let e = table::write(&map, &dir.join("steps.csv"), table::TableFormat::Excel).unwrap_err();
    assert!(e.contains("the name says CSV, not Excel (.xlsx)"), "{e}");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing written"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    // A sheet name Excel would refuse is made one it accepts.
    let mut odd = map.clone();
    odd.name = "'25 model release 🚀🚀🚀 with a very long name indeed".into();
    let t = read(&table::to_xlsx(&odd).unwrap(), "o.xlsx");
    let sheet = t.sheet.unwrap();
    assert!(
        !sheet.starts_with('\'') && sheet.encode_utf16().count() <= 31,
        "{sheet}"
    );
}

#[test]
fn an_unknown_id_beside_a_known_name_is_named_and_unplaced_problems_have_no_row() {
    let map = example("model-retraining-current.json");
    let t = read(b"ID,Name\nT-7,Drift triage and retrain decision\n", "k.csv");
    let p =
        problems(table::plan(&map, &t, &table::guess(&t.header), &Default::default()).unwrap_err());
    assert!(p[0].contains("row 2, column A (ID): no step has the ID 'T-7', but 'Drift triage and retrain decision' (ID 'triage') has this name"), "{}", p[0]);
    // A team column naming a team the map lacks adds it; a rule broken by no row (a dangling
    // team of the map itself) is named without a row.
    let mut broken = map.clone();
    broken.steps[1].team = Some("nobody".into());
    let t = read(
        b"Name,PT\nTraining snapshot from the lakehouse,1h\n",
        "r.csv",
    );
    let p = problems(
        table::plan(&broken, &t, &table::guess(&t.header), &Default::default()).unwrap_err(),
    );
    assert!(p.iter().all(|x| !x.contains("row 0")), "{p:?}");
    assert!(p[0].starts_with("r.csv: "), "{p:?}");
}

#[test]
fn an_excel_97_file_whose_sectors_loop_is_refused_not_read_forever() {
    // Found by fuzzing (docs/RELIABILITY.md): calamine followed the loop until memory ran out;
    // in the second the loop is in a sector the file holds only part of.
    for name in ["table-xls-loop.xls", "table-xls-loop-short.xls"] {
        let bytes = std::fs::read(fixture(&format!("fuzz/{name}"))).unwrap();
        let e = table::read_bytes(&bytes, Path::new("loop.xls"), None).unwrap_err();
        assert!(
            e.to_string().starts_with("loop.xls: cannot read this workbook: it is damaged (the chain of sectors loops at sector"),
            "{name}: {e}"
        );
    }
    // The fixtures in Excel 97 format still read.
    assert!(table::read(&fixture("time-study.xls"), None).is_ok());
}

#[test]
fn a_workbook_the_reader_stops_on_is_an_error_not_a_crash() {
    // Found by fuzzing: calamine 0.38 indexes past a sector's end in this file (cfb.rs:320).
    let bytes = std::fs::read(fixture("fuzz/table-xls-panic.xls")).unwrap();
    let e = table::read_bytes(&bytes, Path::new("panic.xls"), None).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("panic.xls: cannot read this workbook"),
        "{e}"
    );
}

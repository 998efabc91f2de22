//! `takt`: the command line over Takt's core.
//!
//! Exit codes: 0 success, 1 invalid input (the error on stderr, naming the file, the element and
//! the field, and the line where it can be found), 2 wrong usage.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use takt_core::format::{self, human, human_working, FormatError};
use takt_core::ops::Op;
use takt_core::{analyze, Analysis, Unit, ValueStream};
use takt_store::Document;

/// mimalloc: the analysis allocates and frees per-step tables on every run, which the system
/// allocator serves far slower here (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "takt",
    version,
    about = "Value-stream maps for AI and data operations: analyse, simulate, compare"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum UnitArg {
    S,
    Min,
    H,
    D,
    Wd,
}

impl From<UnitArg> for Unit {
    fn from(u: UnitArg) -> Unit {
        match u {
            UnitArg::S => Unit::S,
            UnitArg::Min => Unit::Min,
            UnitArg::H => Unit::H,
            UnitArg::D => Unit::D,
            UnitArg::Wd => Unit::Wd,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportKind {
    Compliance,
    /// Scenarios compared, what each change buys, the distributions, the trend, the top kaizen
    /// items and the maps: for leaders.
    Executive,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Pdf,
    Html,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum PaperArg {
    A4,
    Letter,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a map: lead time along the critical path, PCE, takt, bottleneck, waste, warnings.
    Analyze {
        /// A map (.json) or a document (.takt).
        file: PathBuf,
        /// Print JSON instead of a report.
        #[arg(long)]
        json: bool,
        /// The unit of the report (default: the map's own, or one that reads well).
        #[arg(long, value_enum)]
        unit: Option<UnitArg>,
        /// In a document: the scenario to analyse (default: the current state).
        #[arg(long)]
        scenario: Option<String>,
    },
    /// Convert a map to a document (map.json doc.takt) or a document's scenario to a map
    /// (doc.takt map.json). The output must not exist.
    Convert {
        input: PathBuf,
        output: PathBuf,
        /// From a document: the scenario to export (default: the current state).
        #[arg(long)]
        scenario: Option<String>,
    },
    /// List a document's scenarios with their headline figures.
    Scenarios { file: PathBuf },
    /// List a scenario's edits, oldest first.
    History {
        file: PathBuf,
        #[arg(long)]
        scenario: Option<String>,
    },
    /// Check a map and list every problem in it.
    Validate { file: PathBuf },
    /// Monte Carlo of the lead time: mean, P50, P85, P95, and how often each step is critical.
    Simulate {
        file: PathBuf,
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
        runs: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also say the chance of finishing within this time ("15wd", "3w").
        #[arg(long)]
        within: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Data lineage: the whole view (each asset's column and row in the layered layout, its
    /// freshness and the chain that sets it, the waste candidates), or one question.
    #[command(group = clap::ArgGroup::new("question").required(false).multiple(false))]
    Lineage {
        file: PathBuf,
        /// Everything downstream of this asset, and the steps that read it.
        #[arg(long, group = "question")]
        impact: Option<String>,
        /// Everything this asset derives from.
        #[arg(long, group = "question")]
        upstream: Option<String>,
        /// How fresh this asset's data can be: the slowest chain of latencies behind it.
        #[arg(long, group = "question")]
        lead_time: Option<String>,
        /// Assets nothing consumes.
        #[arg(long, group = "question")]
        unconsumed: bool,
        #[arg(long)]
        json: bool,
    },
    /// Compare two maps: metric deltas and the steps added, removed and changed.
    Diff {
        a: PathBuf,
        b: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Compare 2 to 4 scenarios side by side, the first as the baseline: every headline metric
    /// and waste category with its delta, the steps and flows each adds, removes and changes,
    /// and a waterfall of what each kaizen item's changes buy (Shapley values).
    Compare {
        /// A document (.takt) with --scenarios, or 2 to 4 maps (.json), the baseline first.
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        /// In a document: the scenarios, comma-separated, the baseline first (default: the
        /// current state and up to three future states).
        #[arg(long)]
        scenarios: Option<String>,
        /// The metric the waterfall splits: lead_time_s, gate_time_s or pce.
        #[arg(long, default_value = "lead_time_s")]
        waterfall: String,
        #[arg(long)]
        json: bool,
    },
    /// Take a snapshot of a document's current state, dated today, or bring an earlier state in
    /// from a map file with its date.
    Snapshot {
        /// The document (.takt).
        file: PathBuf,
        /// A map file (.json) to take as the snapshot instead of the current state.
        #[arg(long)]
        from: Option<PathBuf>,
        /// The snapshot's date, YYYY-MM-DD (default: today).
        #[arg(long)]
        at: Option<String>,
        /// A note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The templates to start from: each one's name, title, headline figures and what it shows.
    Templates {
        /// Print JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// Write a new map from a template (see `takt templates`).
    New {
        /// The template's name, e.g. model-retraining.
        #[arg(long)]
        template: String,
        /// The map to write (it must not exist): .json, or .takt for a document.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Bring lineage or steps in from elsewhere.
    Import {
        #[command(subcommand)]
        what: ImportKind,
    },
    /// Write a map's steps to a table: CSV, or Excel for a .xlsx file.
    Export {
        #[command(subcommand)]
        what: ExportKind,
    },
    /// The kaizen board: the items by status, with owner, due date (overdue marked), target and
    /// expected effect, and the items done per week over the last 12 weeks (from the trail).
    Board {
        /// A document (.takt) or a map (.json; no trail, so no velocity).
        file: PathBuf,
        /// In a document: the scenario (default: the current state).
        #[arg(long)]
        scenario: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A metric's trend over a document's snapshots, as an XmR chart: the centre line, the
    /// natural process limits and the signals.
    Trend {
        file: PathBuf,
        /// lead_time_s (default), pce, gate_time_s, wip_items or another headline metric.
        #[arg(long, default_value = "lead_time_s")]
        metric: String,
        #[arg(long)]
        json: bool,
    },
    /// The gate register: every gate with its control, approver, tier, SLA, lead time, share of
    /// the lead time, evidence and redundancies, and the required controls no gate checks.
    Gates {
        /// A map (.json) or a document (.takt).
        file: PathBuf,
        /// In a document: the scenario (default: the current state).
        #[arg(long)]
        scenario: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The audit trail of a document: every edit, undo and redo, who made it and when, in words.
    Audit {
        file: PathBuf,
        /// Only this scenario's entries.
        #[arg(long)]
        scenario: Option<String>,
        /// Only entries about this element (a step's id or name, a flow's key).
        #[arg(long)]
        element: Option<String>,
        /// Only this person's entries ("unknown" for the edits made before the trail).
        #[arg(long)]
        author: Option<String>,
        /// Only entries on or after this date (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Only entries on or before this date (YYYY-MM-DD).
        #[arg(long)]
        until: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write a report: the compliance report of a scenario as PDF (A4 or US Letter, PDF/A-2b),
    /// HTML or JSON. The file is written whole or not at all.
    Report {
        /// A document (.takt) or a map (.json).
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ReportKind::Compliance)]
        kind: ReportKind,
        /// The executive report's scenarios, comma-separated, the baseline first (default: the
        /// current state and up to three future states).
        #[arg(long)]
        scenarios: Option<String>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Pdf)]
        format: ReportFormat,
        /// In a document: the scenario (default: the current state).
        #[arg(long)]
        scenario: Option<String>,
        #[arg(long, value_enum, default_value_t = PaperArg::A4)]
        paper: PaperArg,
        /// Who prepares the report (default: the operating system's user).
        #[arg(long)]
        author: Option<String>,
        /// The file to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Generate a synthetic, realistic map (for benchmarks) on standard output.
    Gen {
        #[arg(long, value_parser = clap::value_parser!(u32).range(2..=10_000_000))]
        steps: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Print the JSON Schema of the map format.
    Schema,
    /// Generate a synthetic MLOps event log (CSV, for tests and benchmarks) on standard output:
    /// drift detection, data pulls whose failed validations loop back, training, overlapping
    /// bias and performance tests, a review in office hours, canary and promotion.
    GenLog {
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
        cases: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Mine an event log (CSV or XES): the performance directly-follows graph, with PM4Py's semantics,
    /// and a current-state map whose every number is measured.
    Mine(MineArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Csv,
    Xes,
}

#[derive(Subcommand)]
enum ImportKind {
    /// OpenLineage run events (JSON Lines, as Marquez and the OpenLineage clients write them, or
    /// a JSON array): datasets and jobs as assets, input -> job -> output edges, each job's
    /// median run time as its measured latency. Lines that are not events are listed, and
    /// nothing is imported unless --skip-bad.
    Openlineage {
        /// The events file.
        events: PathBuf,
        /// Write a map of the lineage to this file (it must not exist).
        #[arg(short, long, conflicts_with = "into")]
        output: Option<PathBuf>,
        /// Merge into this document's current state, as one undoable edit (assets it has
        /// already are kept).
        #[arg(long)]
        into: Option<PathBuf>,
        /// Import the valid events even when some lines are not events.
        #[arg(long)]
        skip_bad: bool,
    },
    /// A table of steps (a time study) from CSV or a workbook (Excel .xlsx/.xls/.xlsb,
    /// OpenDocument .ods): name, team, PT, LT, %C&A, wait before, ... Columns are guessed from
    /// the header or named with --col. Into a map or document: rows match steps by ID, else by
    /// name, and update them as one undoable edit (unknown names are added as steps); with -o, a
    /// new map, the rows in order. Every problem is named by sheet, row and column, and nothing
    /// is written while there is one.
    Steps {
        /// The table: .csv, .xlsx, .xls, .xlsb or .ods.
        table: PathBuf,
        /// The workbook's sheet (default: the first with anything in it).
        #[arg(long)]
        sheet: Option<String>,
        /// A column for a field, over the guess: --col pt="Touch time (min)". Fields: id, name,
        /// kind, team, pt, lt, pca, wait, servers, uptime, batch, changeover, epe, value,
        /// automation, pt_min, pt_likely, pt_max, lt_min, lt_likely, lt_max, notes.
        #[arg(long = "col", value_name = "FIELD=COLUMN")]
        cols: Vec<String>,
        /// The unit of durations written as bare numbers in columns whose header names none.
        #[arg(long, value_enum)]
        unit: Option<UnitArg>,
        /// Mark the numbers the table sets as measured (a time study) or estimated (default:
        /// each keeps its mark).
        #[arg(long, value_enum)]
        mark: Option<MarkArg>,
        /// Write a new map to this file (it must not exist).
        #[arg(short, long, conflicts_with = "into")]
        output: Option<PathBuf>,
        /// Update this map file or document (its current state, or --scenario).
        #[arg(long)]
        into: Option<PathBuf>,
        /// With --into a document: the scenario to update.
        #[arg(long, requires = "into")]
        scenario: Option<String>,
        /// Say what would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum MarkArg {
    Measured,
    Estimated,
}

#[derive(Subcommand)]
enum ExportKind {
    /// The map's steps, a row each: ID, name, kind, team, PT, LT, %C&A, wait before, servers,
    /// uptime, batch, changeover, EPE, value class, automation, PT and LT ranges, notes. Read
    /// back with `takt import steps`, it changes nothing.
    Steps {
        /// A map (.json) or a document (.takt).
        file: PathBuf,
        /// In a document: the scenario (default: the current state).
        #[arg(long)]
        scenario: Option<String>,
        /// The table to write: .xlsx for Excel, anything else CSV.
        #[arg(short, long)]
        output: PathBuf,
    },
}

/// A failure to report: invalid input (exit 1).
struct Failure(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(out) => {
            use std::io::Write;
            // A closed pipe (`takt gen | head`) is not an error of ours.
            let _ = std::io::stdout().lock().write_all(out.as_bytes());
            ExitCode::SUCCESS
        }
        Err(Failure(msg)) => {
            eprintln!("{}", msg.trim_end());
            ExitCode::from(1)
        }
    }
}

/// A map from a JSON file or, for a document, from one of its scenarios.
fn read_map(path: &Path, scenario: Option<&str>) -> Result<ValueStream, Failure> {
    if !takt_store::looks_like_document(path) {
        if let Some(name) = scenario {
            return Err(Failure(format!(
                "{}: --scenario '{name}' needs a Takt document; this is a map file",
                path.display()
            )));
        }
        return read(path).map(|(_, doc)| doc);
    }
    let mut doc = open_document(path)?;
    let s = pick(&doc, scenario)?;
    doc.map(s).cloned().map_err(store)
}

fn open_document(path: &Path) -> Result<Document, Failure> {
    Document::open(path).map_err(store)
}

fn pick(doc: &Document, scenario: Option<&str>) -> Result<takt_store::ScenarioId, Failure> {
    match scenario {
        Some(name) => doc.scenario(name).map_err(store),
        None => Ok(doc.current()),
    }
}

fn store(e: takt_store::StoreError) -> Failure {
    Failure(e.to_string())
}

fn read(path: &Path) -> Result<(String, ValueStream), Failure> {
    if takt_store::looks_like_document(path) {
        return read_map(path, None).map(|m| (String::new(), m));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure(format!("{}: cannot read: {e}", path.display())))?;
    let doc = format::load(&text).map_err(|e| Failure(describe(path, &text, &e)))?;
    Ok((text, doc))
}

/// An error with its place: "file:line: message", one line per problem.
fn describe(path: &Path, text: &str, e: &FormatError) -> String {
    let p = path.display();
    match e {
        FormatError::Syntax {
            line,
            column,
            message,
        } => format!("{p}:{line}:{column}: {message}"),
        FormatError::Invalid(errs) => errs
            .0
            .iter()
            .map(|err| match format::locate(text, &err.element()) {
                Some(line) => format!("{p}:{line}: {err}"),
                None => format!("{p}: {err}"),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        other => format!("{p}: {other}"),
    }
}

fn json<T: serde::Serialize>(v: &T) -> String {
    let mut v = serde_json::to_value(v).expect("serialises");
    format::integral_numbers(&mut v);
    let mut s = serde_json::to_string_pretty(&v).expect("serialises");
    s.push('\n');
    s
}

fn run(cmd: Command) -> Result<String, Failure> {
    match cmd {
        Command::Analyze {
            file,
            json: as_json,
            unit,
            scenario,
        } => {
            let doc = read_map(&file, scenario.as_deref())?;
            let a = analyze(&doc).map_err(|e| Failure(format!("{}: {e}", file.display())))?;
            Ok(if as_json {
                json(&a.to_json(&doc))
            } else {
                report(&doc, &a, unit.map(Unit::from).or(doc.unit))
            })
        }
        Command::Validate { file } => {
            let (_, doc) = read(&file)?;
            Ok(format!(
                "{}: valid ({} steps, {} flows)\n",
                file.display(),
                doc.steps.len(),
                doc.flows.len()
            ))
        }
        Command::Simulate {
            file,
            runs,
            seed,
            within,
            json: as_json,
        } => {
            let (_, doc) = read(&file)?;
            let s = takt_core::simulate::simulate(&doc, runs, seed)
                .map_err(|e| Failure(e.to_string()))?;
            let within = match within {
                None => None,
                Some(t) => {
                    let d: takt_core::Duration = t
                        .parse()
                        .map_err(|e| Failure(format!("--within '{t}': {e}")))?;
                    let secs = d.seconds(&doc.calendar);
                    Some((t, secs, s.within(secs)))
                }
            };
            if as_json {
                let mut v = serde_json::to_value(&s).expect("serialises");
                if let Some((_, secs, share)) = within {
                    v["within"] = serde_json::json!({"target_s": secs, "share": share});
                }
                return Ok(json(&v));
            }
            let h = |x: f64| human(x, doc.unit, &doc.calendar);
            let mut out = format!("{}: {} runs, seed {}\n", doc.name, s.runs, s.seed);
            out += &format!("  deterministic  {}\n", h(s.deterministic_s));
            out += &format!("  mean           {}\n", h(s.mean_s));
            out += &format!("  P50            {}\n", h(s.p50_s));
            out += &format!("  P85            {}\n", h(s.p85_s));
            out += &format!("  P95            {}\n", h(s.p95_s));
            out += &format!("  range          {} .. {}\n", h(s.min_s), h(s.max_s));
            out += "On the critical path:\n";
            for c in s.critical.iter().take(15) {
                out += &format!("  {:>5.1}%  {}\n", c.share * 100.0, label(&doc, &c.step));
            }
            if let Some((t, _, share)) = within {
                out += &format!("Finished within {t}: {}\n", format::percent(share, 1));
            }
            Ok(out)
        }
        Command::Lineage {
            file,
            impact,
            upstream,
            lead_time,
            unconsumed,
            json: as_json,
        } => {
            let (_, doc) = read(&file)?;
            let fail =
                |e: takt_core::lineage::LineageError| Failure(format!("{}: {e}", file.display()));
            if let Some(a) = impact {
                let i = takt_core::lineage::impact(&doc, &a).map_err(fail)?;
                if as_json {
                    return Ok(json(&i));
                }
                let mut out = format!(
                    "Downstream of '{a}': {} assets, read by {} steps\n",
                    i.assets.len(),
                    i.steps.len()
                );
                for x in &i.assets {
                    out += &format!("  asset {x}\n");
                }
                for x in &i.steps {
                    out += &format!("  step  {}\n", label(&doc, x));
                }
                Ok(out)
            } else if let Some(a) = upstream {
                let u = takt_core::lineage::upstream(&doc, &a).map_err(fail)?;
                Ok(if as_json {
                    json(&u)
                } else {
                    u.iter().map(|x| format!("{x}\n")).collect()
                })
            } else if let Some(a) = lead_time {
                let t = takt_core::lineage::lead_time(&doc, &a).map_err(fail)?;
                Ok(if as_json {
                    json(&serde_json::json!({ "asset": a, "lead_time_s": t }))
                } else {
                    format!(
                        "Lineage lead time of '{a}': {}\n",
                        human(t, doc.unit, &doc.calendar)
                    )
                })
            } else if unconsumed {
                let u = takt_core::lineage::unconsumed(&doc).map_err(fail)?;
                Ok(if as_json {
                    json(&u)
                } else {
                    u.iter().map(|x| format!("{x}\n")).collect()
                })
            } else {
                let ov = takt_core::lineage::overview(&doc).map_err(fail)?;
                Ok(lineage_view(&doc, &ov, as_json))
            }
        }
        Command::Compare {
            files,
            scenarios,
            waterfall,
            json: as_json,
        } => compare_command(&files, scenarios.as_deref(), &waterfall, as_json),
        Command::Snapshot {
            file,
            from,
            at,
            note,
        } => {
            if !takt_store::looks_like_document(&file) {
                return Err(Failure(format!(
                    "{}: snapshots are kept in a Takt document (.takt); this is not one",
                    file.display()
                )));
            }
            let mut doc = open_document(&file)?;
            let date = at.unwrap_or_else(|| chrono::Local::now().format("%Y-%m-%d").to_string());
            let id = match &from {
                None => doc.snapshot(&date, &note).map_err(store)?,
                Some(f) => {
                    let (_, map) = read(f)?;
                    let name = f.display().to_string();
                    doc.import_snapshot(&map, &name, &date, &note)
                        .map_err(store)?
                }
            };
            doc.close().map_err(store)?;
            Ok(format!(
                "{}: snapshot {id} dated {date}{}\n",
                file.display(),
                from.map(|f| format!(" from {}", f.display()))
                    .unwrap_or_default()
            ))
        }
        Command::Import {
            what:
                ImportKind::Openlineage {
                    events,
                    output,
                    into,
                    skip_bad,
                },
        } => import_openlineage(&events, output.as_deref(), into.as_deref(), skip_bad),
        Command::Import {
            what:
                ImportKind::Steps {
                    table,
                    sheet,
                    cols,
                    unit,
                    mark,
                    output,
                    into,
                    scenario,
                    dry_run,
                },
        } => import_steps(StepsImport {
            table: &table,
            sheet: sheet.as_deref(),
            cols: &cols,
            opts: takt_mine::table::Options {
                unit: unit.map(Unit::from),
                mark: mark.map(|m| match m {
                    MarkArg::Measured => takt_core::Provenance::Measured,
                    MarkArg::Estimated => takt_core::Provenance::Estimated,
                }),
            },
            output: output.as_deref(),
            into: into.as_deref(),
            scenario: scenario.as_deref(),
            dry_run,
        }),
        Command::Templates { json: as_json } => {
            let mut rows = Vec::new();
            let mut text = String::new();
            for t in takt_core::templates::TEMPLATES.iter() {
                let takt_core::templates::Shown {
                    map,
                    analysis: a,
                    gates,
                } = t.shown();
                text.push_str(&format!(
                    "{:<22} {}\n{:<22} {} steps, {} gates, lead time {}, PCE {:.1}%\n{:<22} {}\n\n",
                    t.key,
                    t.title,
                    "",
                    map.steps.len(),
                    gates,
                    takt_core::figures::metric_text(
                        "lead_time_s",
                        a.lead_time_s,
                        map.unit,
                        &map.calendar
                    ),
                    a.pce * 100.0,
                    "",
                    t.sentence
                ));
                rows.push(serde_json::json!({
                    "name": t.key,
                    "title": t.title,
                    "sentence": t.sentence,
                    "steps": map.steps.len(),
                    "gates": gates,
                    "assets": map.assets.len(),
                    "lead_time_s": a.lead_time_s,
                    "process_time_s": a.process_time_s,
                    "pce": a.pce,
                }));
            }
            Ok(if as_json { json(&rows) } else { text })
        }
        Command::New { template, output } => {
            let t = takt_core::templates::find(&template).ok_or_else(|| {
                Failure(format!(
                    "no template '{template}'; the templates are {}",
                    takt_core::templates::TEMPLATES
                        .iter()
                        .map(|t| t.key)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            if output.exists() {
                return Err(Failure(format!(
                    "{}: the file exists already; choose another name",
                    output.display()
                )));
            }
            write_new_map(&output, &t.map())?;
            Ok(format!("{} -> {}: {}\n", t.key, output.display(), t.title))
        }
        Command::Export {
            what:
                ExportKind::Steps {
                    file,
                    scenario,
                    output,
                },
        } => {
            let map = read_map(&file, scenario.as_deref())?;
            let format = takt_mine::table::TableFormat::of(&output).map_err(Failure)?;
            takt_mine::table::write(&map, &output, format).map_err(Failure)?;
            Ok(format!(
                "{} -> {}: {} steps\n",
                file.display(),
                output.display(),
                map.steps.len()
            ))
        }
        Command::Board {
            file,
            scenario,
            json: as_json,
        } => {
            let today = chrono::Local::now().date_naive();
            let (map, done) = if takt_store::looks_like_document(&file) {
                let mut doc = open_document(&file)?;
                let s = pick(&doc, scenario.as_deref())?;
                let done = doc.kaizen_done(s).map_err(store)?;
                (doc.map(s).map_err(store)?.clone(), done)
            } else {
                (read_map(&file, scenario.as_deref())?, Default::default())
            };
            let b = takt_core::board::board(&map, &done, today);
            if as_json {
                return Ok(json(&b));
            }
            let mut out = format!(
                "{}: {} kaizen items, today {}\n",
                map.name,
                b.cards.len(),
                b.today
            );
            for (status, label) in [
                (takt_core::model::KaizenStatus::Idea, "Idea"),
                (takt_core::model::KaizenStatus::Planned, "Planned"),
                (takt_core::model::KaizenStatus::Doing, "In progress"),
                (takt_core::model::KaizenStatus::Done, "Done"),
                (takt_core::model::KaizenStatus::Dropped, "Dropped"),
            ] {
                let cards: Vec<_> = b.cards.iter().filter(|c| c.status == status).collect();
                out += &format!("{label} ({})\n", cards.len());
                for c in cards {
                    let mut line = format!("  {}", c.title);
                    if let Some(o) = &c.owner {
                        line += &format!(" · {o}");
                    }
                    if let Some(d) = &c.due {
                        line += &if c.overdue {
                            format!(" · OVERDUE (due {d})")
                        } else {
                            format!(" · due {d}")
                        };
                    }
                    if let Some(t) = &c.target {
                        line += &format!(" · on {t}");
                    }
                    if let Some(d) = &c.done_on {
                        line += &format!(" · done {d}");
                    }
                    out += &line;
                    out += "\n";
                }
            }
            let counts: Vec<String> = b.velocity.iter().map(|w| w.done.to_string()).collect();
            let total: u32 = b.velocity.iter().map(|w| w.done).sum();
            out += &format!(
                "Done per week since {} (12 weeks): {} ({total} in all)\n",
                b.velocity.first().map_or("", |w| w.start.as_str()),
                counts.join(" ")
            );
            Ok(out)
        }
        Command::Trend {
            file,
            metric,
            json: as_json,
        } => {
            let mut doc = open_document(&file)?;
            let (points, x) = doc.trend(&metric).map_err(store)?;
            if as_json {
                return Ok(json(&serde_json::json!({
                    "metric": metric,
                    "points": x.points.iter().map(|p| serde_json::json!({"date": p.date, "value": p.value})).collect::<Vec<_>>(),
                    "mean": x.mean, "mr_bar": x.mr_bar, "ucl": x.ucl, "lcl": x.lcl,
                    "mr_ucl": x.mr_ucl, "signals": x.signals,
                })));
            }
            let map = doc.map(doc.current()).map_err(store)?.clone();
            let show = |v: f64| metric_text(&metric, v, &map);
            let mut out = format!(
                "{}: {metric} over {} snapshots\n",
                file.display(),
                points.len()
            );
            for (i, (p, snap)) in x.points.iter().zip(&points).enumerate() {
                let flags: Vec<&str> = x
                    .signals
                    .iter()
                    .filter(|s| s.index as usize == i)
                    .map(|s| s.rule.words())
                    .collect();
                out += &format!(
                    "  {}  {:>12}  {}{}\n",
                    p.date,
                    show(p.value),
                    snap.label,
                    if flags.is_empty() {
                        String::new()
                    } else {
                        format!("  <- {}", flags.join("; "))
                    }
                );
            }
            if let (Some(m), Some(u), Some(l)) = (x.mean, x.ucl, x.lcl) {
                out += &format!(
                    "  centre line {}, limits {} .. {}\n",
                    show(m),
                    show(l),
                    show(u)
                );
            } else {
                out += "  (a chart needs two snapshots or more)\n";
            }
            Ok(out)
        }
        Command::Diff {
            a,
            b,
            json: as_json,
        } => {
            let (_, x) = read(&a)?;
            let (_, y) = read(&b)?;
            let c = takt_core::compare::compare(&x, &y).map_err(|(k, e)| {
                Failure(format!(
                    "{}: {e}",
                    if k == 0 { a.display() } else { b.display() }
                ))
            })?;
            if as_json {
                return Ok(json(&c));
            }
            let mut out = format!("{} -> {}\n", x.name, y.name);
            for m in &c.metrics {
                let (Some(p), Some(q), Some(d)) = (m.before, m.after, m.delta) else {
                    continue;
                };
                let show = |v: f64| metric_text(m.metric, v, &y);
                let rel = if p != 0.0 {
                    format!(" ({:+.0}%)", d / p * 100.0)
                } else {
                    String::new()
                };
                out += &format!(
                    "  {:<18} {:>12} -> {:>12}  {}{}\n",
                    m.metric,
                    show(p),
                    show(q),
                    delta_text(m.metric, d, &y),
                    rel
                );
            }
            for (what, ids) in [("added", &c.steps_added), ("removed", &c.steps_removed)] {
                for id in ids {
                    out += &format!("  step {what}: {id}\n");
                }
            }
            for s in &c.steps_changed {
                out += &format!("  step changed: {} ({})\n", s.id, s.fields.join(", "));
            }
            for m in &c.mandatory {
                out += &format!("  mandatory gate: {}", m.sentence());
                match &m.justification {
                    Some(j) => {
                        out += &format!(
                            "; justified by {} on {}: {}\n",
                            if j.author.is_empty() {
                                "unknown"
                            } else {
                                &j.author
                            },
                            j.date.as_deref().unwrap_or("an unknown date"),
                            j.text
                        )
                    }
                    None if m.change.needs_justification() => out += "; NOT JUSTIFIED\n",
                    None => out += "\n",
                }
            }
            Ok(out)
        }
        Command::Report {
            file,
            kind,
            scenarios,
            format,
            scenario,
            paper,
            author,
            output,
        } => {
            let date = chrono::Local::now()
                .date_naive()
                .format("%Y-%m-%d")
                .to_string();
            let author = author
                .or_else(takt_store::os_user)
                .unwrap_or_else(|| "unknown".into());
            let format = match format {
                ReportFormat::Pdf => takt_report::Format::Pdf,
                ReportFormat::Html => takt_report::Format::Html,
                ReportFormat::Json => takt_report::Format::Json,
            };
            let paper = match paper {
                PaperArg::A4 => takt_report::Paper::A4,
                PaperArg::Letter => takt_report::Paper::Letter,
            };
            if let ReportKind::Executive = kind {
                if !takt_store::looks_like_document(&file) {
                    return Err(Failure(format!(
                        "{}: the executive report compares the scenarios of a Takt document (.takt); for map files, use takt compare",
                        file.display()
                    )));
                }
                let mut doc = open_document(&file)?;
                let names: Vec<String> = scenarios
                    .as_deref()
                    .map(|l| l.split(',').map(|n| n.trim().to_string()).collect())
                    .unwrap_or_default();
                let input = takt_report::executive_input(&mut doc, &names, &date, &author)
                    .map_err(store)?;
                let e = takt_report::executive::executive(input, &mut |_, _| true)
                    .map_err(|e| Failure(format!("{}: {e}", file.display())))?;
                let bytes = takt_report::render_executive(&e, format, paper, &mut |_, _| true)
                    .map_err(|e| Failure(e.to_string()))?;
                takt_report::write_atomically(&output, &bytes)
                    .map_err(|e| Failure(e.to_string()))?;
                return Ok(format!(
                    "{} -> {} ({} scenarios, {} KB)\n",
                    file.display(),
                    output.display(),
                    e.scenarios.len(),
                    bytes.len().div_ceil(1024)
                ));
            }
            let report = if takt_store::looks_like_document(&file) {
                let mut doc = open_document(&file)?;
                let s = pick(&doc, scenario.as_deref())?;
                takt_report::of_document(&mut doc, s, &date, &author).map_err(store)?
            } else {
                let map = read_map(&file, scenario.as_deref())?;
                let a = analyze(&map).map_err(|e| Failure(format!("{}: {e}", file.display())))?;
                let source = file
                    .file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned());
                takt_report::of_map(&map, &a, &source, &date, &author)
            };
            let bytes = takt_report::render(&report, format, paper, &mut |_, _| true)
                .map_err(|e| Failure(e.to_string()))?;
            takt_report::write_atomically(&output, &bytes).map_err(|e| Failure(e.to_string()))?;
            Ok(format!(
                "{} -> {} ({} gates, {} KB)\n",
                file.display(),
                output.display(),
                report.rows.len(),
                bytes.len().div_ceil(1024)
            ))
        }
        Command::Gates {
            file,
            scenario,
            json: as_json,
        } => {
            let map = read_map(&file, scenario.as_deref())?;
            let a = analyze(&map).map_err(|e| Failure(format!("{}: {e}", file.display())))?;
            let r = takt_core::gates::register(&map, &a);
            if as_json {
                let mut v = r.to_json();
                format::integral_numbers(&mut v);
                let mut s = serde_json::to_string_pretty(&v).expect("JSON");
                s.push('\n');
                return Ok(s);
            }
            Ok(gates_text(&map, &r))
        }
        Command::Audit {
            file,
            scenario,
            element,
            author,
            since,
            until,
            json: as_json,
        } => {
            for d in [&since, &until].into_iter().flatten() {
                if !takt_core::validate::is_date(d) {
                    return Err(Failure(format!(
                        "'{d}' is not a date; write it as YYYY-MM-DD"
                    )));
                }
            }
            if !takt_store::looks_like_document(&file) {
                return Err(Failure(format!(
                    "{}: the audit trail is kept in a Takt document (.takt); this is a map file",
                    file.display()
                )));
            }
            let mut doc = open_document(&file)?;
            let only = match &scenario {
                Some(name) => Some(doc.scenario(name).map_err(store)?),
                None => None,
            };
            let current = doc.current();
            let names = doc.map(current).map_err(store)?.clone();
            let mut entries = doc.audit(only).map_err(store)?;
            entries.retain(|e| {
                let day = e.at.as_deref().map(|t| &t[..10.min(t.len())]);
                author.as_ref().is_none_or(|a| {
                    e.author
                        .as_deref()
                        .unwrap_or("unknown")
                        .eq_ignore_ascii_case(a)
                }) && since.as_deref().is_none_or(|d| day.is_some_and(|x| x >= d))
                    && until.as_deref().is_none_or(|d| day.is_some_and(|x| x <= d))
                    && element.as_ref().is_none_or(|el| {
                        e.sentences.iter().any(|s| {
                            s.key.id == *el || names.step(&s.key.id).is_some_and(|x| x.name == *el)
                        })
                    })
            });
            if as_json {
                let mut s = serde_json::to_string_pretty(&serde_json::json!({"audit": entries}))
                    .expect("JSON");
                s.push('\n');
                return Ok(s);
            }
            if entries.is_empty() {
                return Ok("no entries\n".into());
            }
            let mut out = String::new();
            for e in &entries {
                let when =
                    e.at.as_deref()
                        .map_or("(before the trail)".to_string(), |t| {
                            t.replace('T', " ").trim_end_matches('Z').to_string()
                        });
                let who = e.author.as_deref().unwrap_or("unknown");
                let head = format!("{when:<19}  {who:<12}  {:<16}", e.scenario_name);
                let mut lines: Vec<String> = e
                    .sentences
                    .iter()
                    .map(|s| match e.action.as_str() {
                        "undo" => format!("Undo: {}", s.text),
                        "redo" => format!("Redo: {}", s.text),
                        _ => s.text.clone(),
                    })
                    .collect();
                if !e.note.is_empty() {
                    lines.push(e.note.clone());
                }
                for (i, l) in lines.iter().enumerate() {
                    if i == 0 {
                        out += &format!("{head}  {l}\n");
                    } else {
                        out += &format!("{:width$}  {l}\n", "", width = head.chars().count());
                    }
                }
            }
            Ok(out)
        }
        Command::Gen { steps, seed } => Ok(format::to_json(&takt_core::gen::generate(
            steps as usize,
            seed,
        ))),
        Command::Schema => Ok(format::schema()),
        Command::GenLog { cases, seed } => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            match takt_mine::gen::generate(cases as usize, seed, &mut w).and_then(|_| {
                use std::io::Write;
                w.flush()
            }) {
                // A closed pipe (`takt gen-log | head`) is not an error of ours.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(Failure(format!("cannot write the log: {e}")))
                }
                _ => Ok(String::new()),
            }
        }
        Command::Mine(a) => mine(a),
        Command::Convert {
            input,
            output,
            scenario,
        } => {
            if output.exists() {
                return Err(Failure(format!(
                    "{}: the file exists already; choose another name",
                    output.display()
                )));
            }
            if takt_store::looks_like_document(&input) {
                let mut doc = open_document(&input)?;
                let s = pick(&doc, scenario.as_deref())?;
                // A scenario asked for by name is named in the file; the current state by
                // default converts back to the map it came from, byte for byte.
                let text = if scenario.is_some() {
                    doc.export_scenario_json(s)
                } else {
                    doc.export_json(s)
                }
                .map_err(store)?;
                std::fs::write(&output, text)
                    .map_err(|e| Failure(format!("{}: cannot write: {e}", output.display())))?;
            } else {
                let (_, map) = read(&input)?;
                Document::create(&output, &map).map_err(store)?;
            }
            Ok(format!("{} -> {}\n", input.display(), output.display()))
        }
        Command::Scenarios { file } => {
            let mut doc = open_document(&file)?;
            let list = doc.scenarios().to_vec();
            let mut out = String::new();
            for sc in list {
                let map = doc.map(sc.id).map_err(store)?;
                let a = analyze(map).map_err(|e| Failure(format!("{}: {e}", file.display())))?;
                let parent = sc
                    .parent
                    .and_then(|p| doc.scenarios().iter().find(|x| x.id == p))
                    .map(|p| format!(", from '{}'", p.name))
                    .unwrap_or_default();
                let map = doc.map(sc.id).map_err(store)?;
                out += &format!(
                    "{:<28} {:<8} {:>5} steps  lead time {}{}\n",
                    sc.name,
                    if sc.kind == takt_store::ScenarioKind::Current {
                        "current"
                    } else {
                        "future"
                    },
                    map.steps.len(),
                    human(a.lead_time_s, map.unit, &map.calendar),
                    parent
                );
            }
            Ok(out)
        }
        Command::History { file, scenario } => {
            let doc = open_document(&file)?;
            let s = pick(&doc, scenario.as_deref())?;
            let entries = doc.history(s).map_err(store)?;
            if entries.is_empty() {
                return Ok("no edits yet\n".into());
            }
            Ok(entries
                .iter()
                .map(|e| {
                    format!(
                        "{:>5}  {}{}\n",
                        e.seq,
                        describe_op(&e.op),
                        if e.undone { "  (undone)" } else { "" }
                    )
                })
                .collect())
        }
    }
}

/// The gate register as a table for people.
fn gates_text(map: &ValueStream, r: &takt_core::gates::Register) -> String {
    let (unit, cal) = (map.unit, &map.calendar);
    if r.gates.is_empty() {
        return "no gates\n".into();
    }
    let mut out = String::new();
    for g in &r.gates {
        let control = [g.regulation.as_deref(), g.control.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        out += &format!(
            "{}{}  [{}]\n",
            g.name,
            if g.mandatory { " (mandatory)" } else { "" },
            g.id
        );
        out += &format!(
            "  checks {}{}; approver {}{}; team {}\n",
            if control.is_empty() {
                "nothing named"
            } else {
                &control
            },
            g.control_title
                .as_deref()
                .map_or(String::new(), |t| format!(" ({t})")),
            g.approver.as_deref().unwrap_or("none named"),
            g.tier.map_or(String::new(), |t| format!(", tier {t}")),
            g.team.as_deref().unwrap_or("none"),
        );
        out += &format!(
            "  lead time {} ({} of the lead time{}){}\n",
            human(g.lt_s, unit, cal),
            format::percent(g.share, 0),
            if g.critical {
                ", on the critical path"
            } else {
                ""
            },
            match (g.sla_s, g.meets_sla) {
                (Some(sla), Some(true)) => format!("; SLA {} met", human(sla, unit, cal)),
                (Some(sla), _) => format!("; SLA {} NOT MET", human(sla, unit, cal)),
                _ => String::new(),
            }
        );
        for e in &g.evidence {
            out += &format!(
                "  evidence: {} ({}, {}{}{})\n",
                e.title,
                e.kind.words(),
                e.status.words(),
                e.owner
                    .as_deref()
                    .map_or(String::new(), |o| format!(", {o}")),
                e.due
                    .as_deref()
                    .map_or(String::new(), |d| format!(", due {d}")),
            );
        }
        if !g.redundant_with.is_empty() {
            out += &format!("  redundant with: {}\n", g.redundant_with.join(", "));
        }
    }
    for x in &r.redundancies {
        out += &format!(
            "redundancy: {} and {} {}; a merge saves up to {} per item\n",
            x.gates[0],
            x.gates[1],
            x.reason,
            human(x.saving_s, unit, cal)
        );
    }
    for c in &r.uncovered_controls {
        out += &format!(
            "uncovered: no gate checks {}, which the catalogue requires\n",
            c.named()
        );
    }
    out
}

/// An edit in a few words: "set step 'train' pt", "add flow 'a>b'".
fn describe_op(op: &Op) -> String {
    match op {
        Op::Add { record, .. } => format!("add {}", record.key()),
        Op::Update { record } => format!("update {}", record.key()),
        Op::Remove { key } => format!("remove {key}"),
        Op::Move { key, .. } => format!("move {key}"),
        Op::Set { key, field, .. } => format!("set {key} {field}"),
        Op::Batch { ops } => format!("{} edits at once", ops.len()),
    }
}

fn label(doc: &ValueStream, id: &str) -> String {
    match doc.step(id) {
        Some(s) if !s.name.is_empty() => format!("{id} ({})", s.name),
        _ => id.to_string(),
    }
}

/// `takt lineage FILE`: every asset where the lineage view draws it, how fresh its data can be
/// and the chain behind that, the waste candidates.
fn lineage_view(doc: &ValueStream, ov: &takt_core::lineage::Overview, as_json: bool) -> String {
    let id = |i: u32| doc.assets[i as usize].id.as_str();
    let chain = |mut i: usize| {
        let mut out = Vec::new();
        while let Some(v) = ov.via[i] {
            i = v as usize;
            out.push(doc.assets[i].id.clone());
        }
        out
    };
    let unconsumed: Vec<&str> = ov.unconsumed.iter().map(|&i| id(i)).collect();
    let copies: Vec<&str> = ov.copies.iter().map(|&i| id(i)).collect();
    if as_json {
        let assets: Vec<serde_json::Value> = doc
            .assets
            .iter()
            .enumerate()
            .map(|(i, a)| {
                serde_json::json!({
                    "id": a.id,
                    "name": a.name,
                    "kind": a.kind,
                    "team": a.team,
                    "column": ov.layer[i],
                    "row": ov.row[i],
                    "fresh_s": ov.fresh_s[i],
                    "chain": chain(i),
                })
            })
            .collect();
        return json(&serde_json::json!({
            "assets": assets,
            "edges": doc.lineage,
            "unconsumed": unconsumed,
            "copies": copies,
        }));
    }
    let mut out = format!(
        "{} assets in {} columns, {} edges\n",
        doc.assets.len(),
        ov.column.len(),
        doc.lineage.len()
    );
    let mut order: Vec<usize> = (0..doc.assets.len()).collect();
    order.sort_by_key(|&i| (ov.layer[i], ov.row[i]));
    for i in order {
        let a = &doc.assets[i];
        let fresh = if ov.fresh_s[i] > 0.0 {
            format!(", fresh {}", human(ov.fresh_s[i], None, &doc.calendar))
        } else {
            String::new()
        };
        let kind = serde_json::to_value(a.kind).unwrap_or_default();
        out += &format!(
            "  [{}] {} ({}{fresh})\n",
            ov.layer[i],
            a.id,
            kind.as_str().unwrap_or("")
        );
    }
    for (i, a) in doc.assets.iter().enumerate() {
        if a.kind == takt_core::model::AssetKind::Endpoint {
            out += &format!(
                "Endpoint {}: lineage lead time {}, set by {}\n",
                a.id,
                human(ov.fresh_s[i], None, &doc.calendar),
                chain(i).join(" <- ")
            );
        }
    }
    if !unconsumed.is_empty() {
        out += &format!(
            "Inventory waste (nothing consumes them): {}\n",
            unconsumed.join(", ")
        );
    }
    if !copies.is_empty() {
        out += &format!(
            "Transportation waste candidates (copies): {}\n",
            copies.join(", ")
        );
    }
    out
}

/// `takt import openlineage`.
fn import_openlineage(
    events: &Path,
    output: Option<&Path>,
    into: Option<&Path>,
    skip_bad: bool,
) -> Result<String, Failure> {
    if output.is_none() && into.is_none() {
        return Err(Failure(
            "say where the lineage goes: -o map.json, or --into doc.takt".into(),
        ));
    }
    let file = std::fs::File::open(events)
        .map_err(|e| Failure(format!("{}: cannot read: {e}", events.display())))?;
    let l = takt_core::openlineage::read(std::io::BufReader::new(file))
        .map_err(|e| Failure(format!("{}: cannot read: {e}", events.display())))?;
    if !l.problems.is_empty() && !skip_bad {
        let what = if l.array { "element" } else { "line" };
        let mut msg: Vec<String> = l
            .problems
            .iter()
            .map(|p| format!("{}: {what} {}: {}", events.display(), p.line, p.message))
            .collect();
        msg.push(format!(
            "{}: nothing imported; {} events are valid (--skip-bad imports them)",
            events.display(),
            l.events
        ));
        return Err(Failure(msg.join("\n")));
    }
    let summary = format!(
        "{} events: {} assets, {} edges, {} completed runs timed{}",
        l.events,
        l.assets.len(),
        l.edges.len(),
        l.runs,
        if l.cut.is_empty() {
            String::new()
        } else {
            format!(
                "; {} edges left out, as lineage cannot loop ({})",
                l.cut.len(),
                l.cut.join(", ")
            )
        }
    );
    if let Some(out) = output {
        if out.exists() {
            return Err(Failure(format!(
                "{}: the file exists already; choose another name",
                out.display()
            )));
        }
        let mut map = ValueStream::new(format!(
            "Lineage from {}",
            events
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned())
        ));
        map.assets = l.assets;
        map.lineage = l.edges;
        takt_core::validate(&map).map_err(|e| Failure(format!("{}: {e}", events.display())))?;
        std::fs::write(out, format::to_json(&map))
            .map_err(|e| Failure(format!("{}: cannot write: {e}", out.display())))?;
        return Ok(format!(
            "{} -> {}: {summary}\n",
            events.display(),
            out.display()
        ));
    }
    let target = into.expect("one of the two");
    let mut doc = open_document(target)?;
    let s = doc.current();
    let have = doc.map(s).map_err(store)?.clone();
    let ops = takt_core::openlineage::merge_ops(&have, &l);
    let added = ops.len();
    if added > 0 {
        doc.apply(s, &Op::Batch { ops }).map_err(store)?;
    }
    doc.close().map_err(store)?;
    Ok(format!(
        "{} -> {} (current state): {summary}; {added} records added\n",
        events.display(),
        target.display()
    ))
}

/// Writes a new map: a document for a `.takt` name, else the JSON file, whole or not at all.
fn write_new_map(out: &Path, map: &ValueStream) -> Result<(), Failure> {
    let is_doc = out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("takt"));
    if is_doc {
        return Document::create(out, map)
            .map_err(store)?
            .close()
            .map_err(store);
    }
    takt_report::write_atomically(out, format::to_json(map).as_bytes())
        .map_err(|e| Failure(e.to_string()))
}

struct StepsImport<'a> {
    table: &'a Path,
    sheet: Option<&'a str>,
    cols: &'a [String],
    opts: takt_mine::table::Options,
    output: Option<&'a Path>,
    into: Option<&'a Path>,
    scenario: Option<&'a str>,
    dry_run: bool,
}

/// `takt import steps`: a step table into a new map, or onto a map's or document's steps.
fn import_steps(a: StepsImport) -> Result<String, Failure> {
    use takt_mine::table;
    if a.output.is_none() && a.into.is_none() {
        return Err(Failure(
            "say where the steps go: -o map.json for a new map, or --into map.json|doc.takt".into(),
        ));
    }
    let t = table::read(a.table, a.sheet).map_err(|e| Failure(e.to_string()))?;
    let named: Vec<(String, String)> = a
        .cols
        .iter()
        .map(|c| {
            c.split_once('=')
                .map(|(f, col)| (f.trim().to_owned(), col.trim().to_owned()))
                .ok_or_else(|| {
                    Failure(format!(
                        "--col '{c}': write FIELD=COLUMN, e.g. pt=\"Touch time\""
                    ))
                })
        })
        .collect::<Result<_, _>>()?;
    let m = table::name_columns(&t.header, table::guess(&t.header), &named)
        .map_err(|e| Failure(format!("{}: {e}", a.table.display())))?;
    let fail = |e: table::TableError| Failure(e.to_string());
    let from = match &t.sheet {
        Some(s) => format!("{} (sheet \"{s}\")", a.table.display()),
        None => a.table.display().to_string(),
    };
    if let Some(out) = a.output {
        if out.exists() {
            return Err(Failure(format!(
                "{}: the file exists already; choose another name",
                out.display()
            )));
        }
        let map = table::new_map(&t, &m, &a.opts).map_err(fail)?;
        if !a.dry_run {
            write_new_map(out, &map)?;
        }
        return Ok(format!(
            "{from} -> {}: {} steps, {} teams\n",
            out.display(),
            map.steps.len(),
            map.teams.len()
        ));
    }
    let target = a.into.expect("one of the two");
    let is_doc = takt_store::looks_like_document(target);
    let (mut doc, map) = if is_doc {
        let mut doc = open_document(target)?;
        let s = pick(&doc, a.scenario)?;
        let map = doc.map(s).map_err(store)?.clone();
        (Some((doc, s)), map)
    } else {
        (None, read(target)?.1)
    };
    let plan = table::plan(&map, &t, &m, &a.opts).map_err(fail)?;
    let mut out = String::new();
    for (name, changes) in &plan.updated {
        out.push_str(&format!("  {name}: {}\n", changes.join(", ")));
    }
    for name in &plan.added {
        out.push_str(&format!("  {name}: added (no flows yet)\n"));
    }
    for name in &plan.teams {
        out.push_str(&format!("  team {name}: added\n"));
    }
    let head = format!(
        "{from} -> {}: {} steps updated, {} added, {} unchanged{}\n",
        target.display(),
        plan.updated.len(),
        plan.added.len(),
        plan.unchanged,
        if a.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    if let Some(op) = plan.op.as_ref().filter(|_| !a.dry_run) {
        match doc.as_mut() {
            Some((d, s)) => {
                d.apply(*s, op).map_err(store)?;
            }
            None => {
                let mut after = map.clone();
                takt_core::apply(&mut after, op)
                    .map_err(|e| Failure(format!("{}: {e}", target.display())))?;
                let tmp = target.with_extension("json.partial");
                std::fs::write(&tmp, format::to_json(&after))
                    .and_then(|_| std::fs::rename(&tmp, target))
                    .map_err(|e| Failure(format!("{}: cannot write: {e}", target.display())))?;
            }
        }
    }
    if let Some((d, _)) = doc {
        d.close().map_err(store)?;
    }
    Ok(head + &out)
}

/// `takt compare`: 2 to 4 scenarios of a document, or 2 to 4 map files, the first the baseline.
fn compare_command(
    files: &[PathBuf],
    scenarios: Option<&str>,
    metric: &str,
    as_json: bool,
) -> Result<String, Failure> {
    use takt_core::waterfall::{waterfall, WaterfallMetric};
    let metric = WaterfallMetric::parse(metric).ok_or_else(|| {
        Failure(format!(
            "--waterfall '{metric}': one of lead_time_s, gate_time_s, pce"
        ))
    })?;
    let mut named: Vec<(String, ValueStream)> = Vec::new();
    if files.len() == 1 && takt_store::looks_like_document(&files[0]) {
        let mut doc = open_document(&files[0])?;
        let names: Vec<String> = match scenarios {
            Some(list) => list.split(',').map(|n| n.trim().to_string()).collect(),
            None => doc
                .scenarios()
                .iter()
                .take(takt_core::compare::MAX_COMPARED)
                .map(|s| s.name.clone())
                .collect(),
        };
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        takt_core::compare::check_set(&refs)
            .map_err(|e| Failure(format!("{}: {e}", files[0].display())))?;
        for n in names {
            let s = doc.scenario(&n).map_err(store)?;
            named.push((n, doc.map(s).map_err(store)?.clone()));
        }
    } else {
        if scenarios.is_some() {
            return Err(Failure(
                "--scenarios picks the scenarios of one document; with map files, list the files"
                    .into(),
            ));
        }
        for f in files {
            let (_, m) = read(f)?;
            named.push((f.display().to_string(), m));
        }
    }
    let analyses = named
        .iter()
        .map(|(n, m)| analyze(m).map_err(|e| Failure(format!("{n}: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let set: Vec<(&str, &ValueStream, &Analysis)> = named
        .iter()
        .zip(&analyses)
        .map(|((n, m), a)| (n.as_str(), m, a))
        .collect();
    let cmps = takt_core::compare::compare_set(&set).map_err(|e| Failure(e.to_string()))?;
    let go = |_: u64, _: u64| true;
    let base = &named[0].1;
    let falls = named[1..]
        .iter()
        .map(|(n, m)| waterfall(base, m, metric, &go).map_err(|e| Failure(format!("{n}: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let delta_key = if metric == WaterfallMetric::Pce {
        "delta"
    } else {
        "delta_s"
    };
    if as_json {
        let scenarios: Vec<serde_json::Value> = named
            .iter()
            .zip(&cmps)
            .enumerate()
            .map(|(i, ((name, _), c))| {
                let mut v = serde_json::to_value(c).expect("serialises");
                v["name"] = name.clone().into();
                v.as_object_mut().map(|o| o.remove("mandatory"));
                if i > 0 {
                    let w = &falls[i - 1];
                    v["waterfall"] = w
                        .bars
                        .iter()
                        .map(|b| {
                            let mut bar = serde_json::json!({
                                "kaizen": b.kaizen, "title": b.title,
                                "steps": b.steps, "flows": b.flows,
                            });
                            bar[delta_key] = b.delta.into();
                            if let Some(e) = b.error {
                                bar["error"] = e.into();
                            }
                            bar
                        })
                        .collect();
                    v["waterfall_exact"] = w.exact.into();
                }
                v
            })
            .collect();
        return Ok(json(&serde_json::json!({
            "baseline": named[0].0,
            "waterfall_metric": metric.name(),
            "scenarios": scenarios,
        })));
    }
    let mut out = String::new();
    let width = 24usize;
    out += &format!("{:<28}", "");
    for (n, _) in &named {
        let short: String = Path::new(n)
            .file_stem()
            .map_or(n.clone(), |s| s.to_string_lossy().into_owned())
            .chars()
            .take(width - 1)
            .collect();
        out += &format!("{short:>width$}");
    }
    out += "
";
    let row = |out: &mut String, title: &str, cells: Vec<String>| {
        *out += &format!("{title:<28}");
        for c in cells {
            *out += &format!("{c:>width$}");
        }
        *out += "
";
    };
    let shown = [
        "lead_time_s",
        "process_time_s",
        "pce",
        "activity_ratio",
        "rolled_pca",
        "takt_s",
        "handoffs",
        "gate_time_s",
        "wip_items",
    ];
    for (k, name) in takt_core::compare::HEADLINE.iter().enumerate() {
        if !shown.contains(name) {
            continue;
        }
        let cells = cmps
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let m = &c.metrics[k];
                match (m.after, m.delta) {
                    (Some(v), Some(d)) if i > 0 => {
                        format!(
                            "{} ({})",
                            metric_text(name, v, base),
                            delta_text(name, d, base)
                        )
                    }
                    (Some(v), _) => metric_text(name, v, base),
                    _ => "-".into(),
                }
            })
            .collect();
        row(&mut out, name, cells);
    }
    let bottleneck = cmps
        .iter()
        .zip(&named)
        .map(|(c, (_, m))| {
            c.bottleneck[1].as_deref().map_or("-".into(), |b| {
                let name = m.step(b).map_or(b, |s| s.label());
                name.chars().take(width - 1).collect()
            })
        })
        .collect();
    row(&mut out, "bottleneck", bottleneck);
    let mut all: Vec<&str> = cmps
        .iter()
        .flat_map(|c| c.waste.iter().map(|w| w.category.as_str()))
        .collect();
    all.sort();
    all.dedup();
    for cat in all {
        let cells = cmps
            .iter()
            .map(|c| {
                c.waste
                    .iter()
                    .find(|w| w.category == cat)
                    .map_or("0".into(), |w| human(w.after, base.unit, &base.calendar))
            })
            .collect();
        row(&mut out, &format!("waste: {cat}"), cells);
    }
    for ((n, m), w) in named[1..].iter().zip(&falls) {
        let show = |v: f64| {
            if metric == WaterfallMetric::Pce {
                delta_text("pce", v, m)
            } else {
                delta_text("lead_time_s", v, m)
            }
        };
        out += &format!(
            "\n{n}: {} {} -> {} ({}{})\n",
            metric.name(),
            metric_text(metric.name(), w.before, m),
            metric_text(metric.name(), w.after, m),
            show(w.after - w.before),
            if w.exact { "" } else { ", bars sampled" }
        );
        for b in &w.bars {
            let err = b
                .error
                .map(|e| format!(" ± {}", show(e).trim_start_matches('+')))
                .unwrap_or_default();
            out += &format!("  {:>12}{err}  {}\n", show(b.delta), b.title);
        }
    }
    Ok(out)
}

fn metric_text(metric: &str, v: f64, doc: &ValueStream) -> String {
    takt_core::figures::metric_text(metric, v, doc.unit, &doc.calendar)
}

fn delta_text(metric: &str, d: f64, doc: &ValueStream) -> String {
    takt_core::figures::delta_text(metric, d, doc.unit, &doc.calendar)
}

fn report(doc: &ValueStream, a: &Analysis, unit: Option<Unit>) -> String {
    let cal = &doc.calendar;
    // Elapsed time (lead time, waits) and working time (takt, process and cycle times).
    let h = |x: f64| human(x, unit, cal);
    let w = |x: f64| human_working(x, unit, cal);
    let pct = |x: f64| format::percent(x, 1);
    let mut o = format!("{}\n", doc.name);
    let mut line = |k: &str, v: String| o.push_str(&format!("  {k:<16}{v}\n"));
    line(
        "Lead time",
        format!("{}  (expected, along the critical path)", h(a.lead_time_s)),
    );
    line(
        "Process time",
        format!("{}  (of work, on the critical path)", w(a.process_time_s)),
    );
    line(
        "Work content",
        format!("{}  (all steps, with rework)", w(a.work_content_s)),
    );
    line("VA time", w(a.va_time_s));
    line("PCE", pct(a.pce));
    line("Activity ratio", pct(a.activity_ratio));
    line("Rolled %C&A", pct(a.rolled_pca));
    match a.takt_s {
        Some(t) => line("Takt", format!("{}  (of working time)", w(t))),
        None => line("Takt", "-  (the map has no demand)".into()),
    }
    match &a.bottleneck {
        Some(b) => {
            let ect = a.step(doc, b).map_or(0.0, |s| s.ect_s);
            line(
                "Bottleneck",
                format!(
                    "{}  (effective cycle time {} of work)",
                    label(doc, b),
                    w(ect)
                ),
            )
        }
        None => line("Bottleneck", "-".into()),
    }
    if !a.over_takt.is_empty() {
        line("Over takt", a.over_takt.join(", "));
    }
    line(
        "Handoffs",
        format!(
            "{} ({} on the critical path), waiting {} ({} on it)",
            a.handoffs.total,
            a.handoffs.critical,
            h(a.handoffs.total_wait_s),
            h(a.handoffs.critical_wait_s)
        ),
    );
    line(
        "Gate time",
        format!("{}  ({} of lead time)", h(a.gate_time_s), pct(a.gate_share)),
    );
    if a.wip_items > 0.0 {
        line("WIP", format!("{} items", a.wip_items));
    }
    let cp = a.critical_ids(doc);
    if cp.len() <= 30 {
        o += &format!("Critical path: {}\n", cp.join(" -> "));
    } else {
        o += &format!(
            "Critical path ({} steps): {} -> ... -> {}\n",
            cp.len(),
            cp[..10].join(" -> "),
            cp[cp.len() - 10..].join(" -> ")
        );
    }
    o += "Timeline ladder (critical path):\n";
    o += &format!(
        "  {:<28}{:>12}{:>12}{:>12}{:>12}\n",
        "step", "wait before", "lead time", "process", "rework"
    );
    const RUNGS: usize = 40;
    for (id, r) in cp.iter().zip(&a.ladder).take(RUNGS) {
        let name = doc.step(id).map_or(*id, |s| s.label());
        let name: String = name.chars().take(27).collect();
        o += &format!(
            "  {:<28}{:>12}{:>12}{:>12}{:>12}\n",
            name,
            h(r.wait_s),
            h(r.lt_s),
            w(r.pt_s),
            if r.rework_s > 0.0 {
                h(r.rework_s)
            } else {
                "-".into()
            }
        );
    }
    if a.ladder.len() > RUNGS {
        o += &format!(
            "  ... {} more steps (all of them in --json)\n",
            a.ladder.len() - RUNGS
        );
    }
    if !a.waste_s.is_empty() {
        o += "Waste by category (per item):\n";
        for (k, v) in &a.waste_s {
            o += &format!("  {:<22}{}\n", k.replace('_', " "), h(*v));
        }
    }
    if !a.warnings.is_empty() {
        o += &format!("Warnings ({}):\n", a.warnings.len());
        for w in a.warnings.iter().take(50) {
            o += &format!("  [{}] {}\n", w.code, w.message);
        }
        if a.warnings.len() > 50 {
            o += &format!(
                "  ... {} more (all of them in --json)\n",
                a.warnings.len() - 50
            );
        }
    }
    o
}

/// `takt mine`'s arguments.
#[derive(clap::Args)]
struct MineArgs {
    /// The log: CSV with a header (comma, semicolon or tab), or XES (plain or gzipped).
    log: PathBuf,
    /// The log's format; by default XES for .xes and .xes.gz, CSV otherwise.
    #[arg(long, value_enum)]
    format: Option<LogFormat>,
    /// The case id column (guessed from case_id, case:concept:name, ... when not given).
    #[arg(long)]
    case: Option<String>,
    /// The activity column (guessed from activity, concept:name, ...).
    #[arg(long)]
    activity: Option<String>,
    /// The start timestamp column (guessed from start_timestamp, ...; none: one timestamp
    /// per event).
    #[arg(long)]
    start: Option<String>,
    /// The end (completion) timestamp column (guessed from end_timestamp, time:timestamp,
    /// timestamp, ...).
    #[arg(long)]
    end: Option<String>,
    /// The resource or team column (guessed from org:group, org:resource, resource, ...).
    #[arg(long)]
    resource: Option<String>,
    /// The zone of timestamps that name none: UTC, or an offset such as +02:00.
    #[arg(long, default_value = "UTC")]
    tz: String,
    /// How timestamps are written, in chrono's syntax (e.g. '%d/%m/%Y %H:%M'), when not
    /// RFC 3339 / ISO 8601.
    #[arg(long)]
    time_format: Option<String>,
    /// For logs with one timestamp per event: 'previous' (an event starts when the case's
    /// previous event ended), or ACTIVITY=DURATION, an estimated process time (repeatable).
    #[arg(long)]
    pt_from: Vec<String>,
    /// Leave out activities and flows seen in fewer cases than this share.
    #[arg(long, default_value_t = 0.05)]
    min_share: f64,
    /// Leave out events that end before they start (otherwise they are an error).
    #[arg(long)]
    skip_reversed: bool,
    /// The mined map's work calendar: working hours in a day.
    #[arg(long, default_value_t = 8.0)]
    hours_per_day: f64,
    /// The mined map's work calendar: working days in a week.
    #[arg(long, default_value_t = 5.0)]
    days_per_week: f64,
    /// Print the statistics as JSON.
    #[arg(long)]
    json: bool,
    /// Write the mined map to this file (it must not exist).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// `takt mine`: the statistics (as text or JSON) and, with -o, the mined map.
fn mine(a: MineArgs) -> Result<String, Failure> {
    let path = a.log.as_path();
    let columns = takt_mine::Columns {
        case: a.case,
        activity: a.activity,
        start: a.start,
        end: a.end,
        resource: a.resource,
    };
    let xes = match a.format {
        Some(f) => f == LogFormat::Xes,
        None => takt_mine::xes::looks_like_xes(path),
    };
    if xes && (columns.case.is_some() || columns.start.is_some()) {
        return Err(Failure(
            "--case and --start are for CSV logs: an XES log's cases are its traces, and its starts come from lifecycle:transition".into(),
        ));
    }
    if !(0.0..1.0).contains(&a.min_share) {
        return Err(Failure(format!(
            "--min-share {}: give a share from 0 to below 1 (0.05 is 5% of the cases)",
            a.min_share
        )));
    }
    if !(a.hours_per_day > 0.0 && a.hours_per_day <= 24.0) {
        return Err(Failure(format!(
            "--hours-per-day {}: working hours in a day, more than 0 and at most 24",
            a.hours_per_day
        )));
    }
    if !(a.days_per_week > 0.0 && a.days_per_week <= 7.0) {
        return Err(Failure(format!(
            "--days-per-week {}: working days in a week, more than 0 and at most 7",
            a.days_per_week
        )));
    }
    let offset = takt_mine::log::parse_offset(&a.tz).map_err(|e| Failure(format!("--tz {e}")))?;
    let mut previous = false;
    let mut pt = std::collections::BTreeMap::new();
    for rule in &a.pt_from {
        if rule == "previous" {
            previous = true;
            continue;
        }
        let Some((act, d)) = rule.rsplit_once('=') else {
            return Err(Failure(format!(
                "--pt-from '{rule}': write 'previous', or ACTIVITY=DURATION such as 'Train model=2h'"
            )));
        };
        let d: takt_core::duration::Duration = d
            .trim()
            .parse()
            .map_err(|e| Failure(format!("--pt-from '{rule}': {e}")))?;
        pt.insert(act.trim().to_owned(), d);
    }
    if let Some(out) = &a.output {
        if out.exists() {
            return Err(Failure(format!(
                "{}: the file exists already; choose another name",
                out.display()
            )));
        }
    }
    let time = takt_mine::TimeOptions {
        offset,
        format: a.time_format,
    };
    let mut log = if xes {
        let keys = takt_mine::xes::XesKeys {
            activity: columns.activity.unwrap_or_else(|| "concept:name".into()),
            timestamp: columns.end.unwrap_or_else(|| "time:timestamp".into()),
            resource: columns.resource,
        };
        takt_mine::xes::read_xes_file(path, &keys, &time, &mut |_| true)
            .map_err(|e| Failure(e.to_string()))?
            .expect("never cancelled")
    } else {
        let opts = takt_mine::CsvOptions {
            columns,
            time,
            skip_reversed: a.skip_reversed,
            size_hint: None,
        };
        takt_mine::read_csv_file(path, &opts).map_err(|e| Failure(e.to_string()))?
    };
    let mut m = takt_mine::mine(&mut log, previous);
    let mut out = String::new();
    if let Some(file) = &a.output {
        let name = format!(
            "Mined from {}",
            path.file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned())
        );
        let mut mined = takt_mine::build(
            &log,
            &m.events,
            &m.runs,
            &mut m.samples,
            &takt_mine::MapOptions {
                name,
                min_share: a.min_share,
                pt,
            },
        );
        mined.map.calendar = takt_core::Calendar {
            hours_per_day: a.hours_per_day,
            days_per_week: a.days_per_week,
        };
        takt_core::validate(&mined.map).map_err(|e| {
            Failure(format!(
                "{}: the mined map is not valid: {e}",
                path.display()
            ))
        })?;
        std::fs::write(file, format::to_json(&mined.map))
            .map_err(|e| Failure(format!("{}: cannot write: {e}", file.display())))?;
        let steps = mined.map.steps.len() - 2;
        let flows = mined.map.flows.len();
        out += &format!(
            "{} -> {}: {steps} steps, {flows} flows, every number measured\n",
            path.display(),
            file.display()
        );
        for l in &mined.left_out {
            out += &format!("  left out: {l}\n");
        }
    }
    // With -o alone, the map is the answer: the statistics are not worked out.
    if a.output.is_some() && !a.json {
        return Ok(out);
    }
    let stats = takt_mine::stats::stats(&log, &mut m.samples);
    if a.json {
        return Ok(json(&stats));
    }
    let h = takt_mine::stats::human;
    out += &format!(
        "{}: {} events, {} cases, {} activities\n",
        path.display(),
        stats.events,
        stats.cases,
        stats.activities.len()
    );
    let c = &stats.case_duration_s;
    out += &format!(
        "Case duration: median {}, mean {}, P85 {}, from {} to {}\n\nActivities (events, median service time):\n",
        h(c.median),
        h(c.mean),
        h(c.p85),
        h(c.min),
        h(c.max)
    );
    let mut acts: Vec<_> = stats.activities.iter().collect();
    acts.sort_by(|x, y| y.1.count.cmp(&x.1.count).then(x.0.cmp(y.0)));
    for (name, s) in acts {
        out += &format!("  {name}: {} events, {}\n", s.count, h(s.service_s.median));
    }
    out += "\nDirectly follows (times, median wait):\n";
    for e in &stats.edges {
        out += &format!(
            "  {} -> {}: {}, {}\n",
            e.from,
            e.to,
            e.count,
            h(e.wait_s.median)
        );
    }
    Ok(out)
}

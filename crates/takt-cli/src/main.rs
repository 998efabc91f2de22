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
        #[arg(long)]
        json: bool,
    },
    /// Data lineage questions (ask one).
    #[command(group = clap::ArgGroup::new("question").required(true).multiple(false))]
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
            json: as_json,
        } => {
            let (_, doc) = read(&file)?;
            let s = takt_core::simulate::simulate(&doc, runs, seed)
                .map_err(|e| Failure(e.to_string()))?;
            if as_json {
                return Ok(json(&s));
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
                unreachable!("clap requires one question (exit 2 with the usage otherwise)")
            }
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
            kind: ReportKind::Compliance,
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
            let format = match format {
                ReportFormat::Pdf => takt_report::Format::Pdf,
                ReportFormat::Html => takt_report::Format::Html,
                ReportFormat::Json => takt_report::Format::Json,
            };
            let paper = match paper {
                PaperArg::A4 => takt_report::Paper::A4,
                PaperArg::Letter => takt_report::Paper::Letter,
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

fn metric_text(metric: &str, v: f64, doc: &ValueStream) -> String {
    if takt_core::figures::is_working(metric) {
        human_working(v, doc.unit, &doc.calendar)
    } else if metric.ends_with("_s") {
        human(v, doc.unit, &doc.calendar)
    } else if matches!(metric, "pce" | "activity_ratio" | "rolled_pca") {
        format::percent(v, 1)
    } else {
        format!("{v}")
    }
}

fn delta_text(metric: &str, d: f64, doc: &ValueStream) -> String {
    let sign = if d < 0.0 { "-" } else { "+" };
    if matches!(metric, "pce" | "activity_ratio" | "rolled_pca") {
        format!(
            "{sign}{} pts",
            format::percent(d.abs(), 1).trim_end_matches('%')
        )
    } else {
        format!("{sign}{}", metric_text(metric, d.abs(), doc))
    }
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

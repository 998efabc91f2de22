//! In-memory Typst world and PDF/A-2b export, written against the exact
//! sources of typst 0.15.1 / typst-pdf 0.15.1 / typst-layout 0.15.1 /
//! typst-assets 0.15.1 (not compiled here: read the notes).
//!
//! Cargo.toml (all typst crates must be the same version):
//!   typst        = "=0.15.1"
//!   typst-layout = "=0.15.1"   # `PagedDocument` lives here; `typst` does not re-export it
//!   typst-pdf    = "=0.15.1"
//!   typst-assets = { version = "=0.15.1", features = ["fonts"] }
//!
//! No `unsafe`, so the workspace lint `unsafe_code = "forbid"` is fine. It builds
//! with edition 2021 or 2024.

use std::any::Any;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use typst::diag::{FileError, FileResult, PackageError, Severity, SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Datetime, Dict, Duration, Smart, Str, Value};
use typst::syntax::{DiagSpan, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// The main file's path in the virtual project root. Relative paths in the
/// markup (`image("map.svg")`) resolve against its parent, which is `/`.
const MAIN_PATH: &str = "/main.typ";

// ---------------------------------------------------------------------------
// Fonts: parsed once for each process and shared by all worlds.
// ---------------------------------------------------------------------------

struct FontSet {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn font_set() -> &'static FontSet {
    static FONTS: OnceLock<FontSet> = OnceLock::new();
    FONTS.get_or_init(|| {
        // typst_assets::fonts() -> impl Iterator<Item = &'static [u8]>
        // (Libertinus Serif, New Computer Modern (+ Math), DejaVu Sans Mono).
        // To add your own font, chain in e.g.
        // `std::iter::once(include_bytes!("../fonts/NotoSans-Regular.ttf").as_slice())`.
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        let book = FontBook::from_fonts(&fonts);
        FontSet {
            book: LazyHash::new(book),
            fonts,
        }
    })
}

// ---------------------------------------------------------------------------
// The world.
// ---------------------------------------------------------------------------

/// A `typst::World` with everything in memory: one main source and a flat
/// map of virtual files. It has no file system, no network and no packages.
pub struct MemoryWorld {
    library: LazyHash<Library>,
    main: Source,
    main_bytes: Bytes,
    files: HashMap<FileId, Bytes>,
    /// Sources parsed from `files` on demand (for `#include` / `#import`).
    sources: Mutex<HashMap<FileId, Source>>,
    today: Datetime,
}

/// Makes the `FileId` of a path in the project root ("map.svg",
/// "/img/logo.png", "./data.json" are all allowed; ".." may not leave the root).
pub fn project_file_id(path: &str) -> Result<FileId, String> {
    let vpath =
        VirtualPath::new(path).map_err(|err| format!("invalid virtual path {path:?}: {err}"))?;
    if vpath.is_root() {
        return Err(format!("invalid virtual path {path:?}: names no file"));
    }
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl MemoryWorld {
    /// `inputs` becomes `sys.inputs` in the markup.
    pub fn new(
        main: String,
        files: Vec<(String, Vec<u8>)>,
        inputs: Dict,
        today: Datetime,
    ) -> Result<Self, String> {
        let main_id = project_file_id(MAIN_PATH)?;
        let mut map = HashMap::with_capacity(files.len());
        for (path, data) in files {
            let id = project_file_id(&path)?;
            if id == main_id {
                return Err(format!("virtual file {path:?} clashes with the main file"));
            }
            map.insert(id, Bytes::new(data));
        }
        Ok(Self {
            library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
            main_bytes: Bytes::from_string(main.clone()),
            main: Source::new(main_id, main),
            files: map,
            sources: Mutex::new(HashMap::new()),
            today,
        })
    }
}

impl World for MemoryWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &font_set().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let mut cache = self
            .sources
            .lock()
            .map_err(|_| FileError::Other(Some("source cache poisoned".into())))?;
        if let Some(source) = cache.get(&id) {
            return Ok(source.clone());
        }
        let bytes = self.file(id)?;
        let text = bytes.as_str()?; // Utf8Error -> FileError::InvalidUtf8
        let source = Source::new(id, text.to_owned());
        cache.insert(id, source.clone());
        Ok(source)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(self.main_bytes.clone());
        }
        if let VirtualRoot::Package(spec) = id.root() {
            // `#import "@preview/..."`: we have no packages and no network.
            return Err(FileError::Package(PackageError::NotFound(spec.clone())));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(PathBuf::from(id.vpath().get_with_slash())))
    }

    fn font(&self, index: usize) -> Option<Font> {
        font_set().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

// ---------------------------------------------------------------------------
// Rendering.
// ---------------------------------------------------------------------------

/// Compiles `main` (Typst markup) with `files` in the virtual root and exports
/// a PDF/A-2b file. `today` is (year, month, day): it is what
/// `datetime.today()` returns and the PDF creation date. `title` is the PDF
/// title if the markup sets none (`set document(title: ..)`); it is also
/// visible to the markup as `sys.inputs.title`.
pub fn render_pdf(
    main: String,
    files: Vec<(String, Vec<u8>)>,
    inputs: &[(&str, &str)],
    today: (i32, u32, u32),
    title: &str,
) -> Result<Vec<u8>, String> {
    render_pdf_with_warnings(main, files, inputs, today, title).map(|(pdf, _warnings)| pdf)
}

/// Like `render_pdf`, but also returns the compiler's warnings (already
/// formatted, one string each).
pub fn render_pdf_with_warnings(
    main: String,
    files: Vec<(String, Vec<u8>)>,
    extra: &[(&str, &str)],
    today: (i32, u32, u32),
    title: &str,
) -> Result<(Vec<u8>, Vec<String>), String> {
    let (year, month, day) = today;
    let date = u8::try_from(month)
        .ok()
        .zip(u8::try_from(day).ok())
        .and_then(|(m, d)| Datetime::from_ymd(year, m, d))
        .ok_or_else(|| format!("invalid date {year:04}-{month:02}-{day:02}"))?;

    let inputs: Dict = [(Str::from("title"), Value::Str(Str::from(title)))]
        .into_iter()
        .chain(
            extra
                .iter()
                .map(|(k, v)| (Str::from(*k), Value::Str(Str::from(*v)))),
        )
        .collect();
    let world = MemoryWorld::new(main, files, inputs, date)?;

    // Compile. Typst bugs can panic; keep them from taking the app down.
    let result = catch_unwind(AssertUnwindSafe(|| typst::compile::<PagedDocument>(&world)));
    // comemo's memoization cache is process-global: drop entries unused
    // in the last 10 compilations, otherwise memory grows report after report.
    typst::comemo::evict(10);
    let Warned { output, warnings } =
        result.map_err(|payload| format!("typst panicked: {}", panic_text(&*payload)))?;

    let warnings_text: Vec<String> = warnings
        .iter()
        .map(|w| format_diagnostic(&world, w))
        .collect();

    let mut document = output.map_err(|errors| {
        let mut text = format_diagnostics(&world, &errors);
        for w in &warnings_text {
            text.push_str(w);
        }
        text
    })?;

    // The PDF title comes from `DocumentInfo`; fill it if the markup set none.
    let info = document.info_mut();
    if info.title.is_none() {
        info.title = Some(title.into());
    }

    let standards = PdfStandards::new(&[PdfStandard::A_2b]).map_err(|err| {
        let mut text = format!("PDF standard: {}", err.message());
        for hint in err.hints() {
            let _ = write!(text, "\n  hint: {hint}");
        }
        text
    })?;

    let options = PdfOptions {
        // Hashed into the PDF /ID. Should be stable for "the same document"
        // across re-exports; Smart::Auto would hash title + author instead.
        ident: Smart::Custom(format!("report:{title}")),
        // Used as the creation date because the markup's `document.date` is
        // `auto` by default. PDF/A-2b *requires* a date: without this (or with
        // `set document(date: none)`) export fails with "missing document date".
        timestamp: Some(Timestamp::new_utc(date)),
        standards,
        // Other fields: creator: Smart::Auto ("Typst 0.15.1"), page_ranges: None,
        // tagged: true, pretty: false.
        ..PdfOptions::default()
    };

    let pdf = catch_unwind(AssertUnwindSafe(|| typst_pdf::pdf(&document, &options)))
        .map_err(|payload| format!("PDF export panicked: {}", panic_text(&*payload)))?
        .map_err(|errors| format_diagnostics(&world, &errors))?;

    Ok((pdf, warnings_text))
}

// ---------------------------------------------------------------------------
// Diagnostics -> readable text.
// ---------------------------------------------------------------------------

fn format_diagnostics(world: &MemoryWorld, diags: &[SourceDiagnostic]) -> String {
    diags.iter().map(|d| format_diagnostic(world, d)).collect()
}

/// E.g.
/// ```text
/// error: main.typ:12:3: unknown variable: foo
///   12 | #foo
///   hint: ...
/// ```
fn format_diagnostic(world: &MemoryWorld, diag: &SourceDiagnostic) -> String {
    let severity = match diag.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut out = String::new();
    match locate(world, diag.span) {
        Some(loc) => {
            let _ = writeln!(out, "{severity}: {}: {}", loc.position(), diag.message);
            if let Some((line, text)) = &loc.snippet {
                let _ = writeln!(out, "  {line} | {text}");
            }
        }
        None => {
            let _ = writeln!(out, "{severity}: {}", diag.message);
        }
    }
    for point in diag.trace.iter() {
        match locate(world, point.span.into()) {
            Some(loc) => {
                let _ = writeln!(out, "  in {} at {}", point.v, loc.position());
            }
            None => {
                let _ = writeln!(out, "  in {}", point.v);
            }
        }
    }
    for hint in diag.hints.iter() {
        let _ = writeln!(out, "  hint: {}", hint.v);
    }
    out
}

struct Location {
    file: String,
    /// 1-based (line, column); `None` for binary files.
    line_col: Option<(usize, usize)>,
    /// (line number, text of that line).
    snippet: Option<(usize, String)>,
}

impl Location {
    fn position(&self) -> String {
        match self.line_col {
            Some((line, col)) => format!("{}:{line}:{col}", self.file),
            None => self.file.clone(),
        }
    }
}

fn locate(world: &MemoryWorld, span: DiagSpan) -> Option<Location> {
    let id = span.id()?; // None for detached spans
    let file = id.vpath().get_without_slash().to_owned();
    // Byte range in the main source, in an included source, or in a data
    // file (e.g. a JSON syntax error in data.json).
    let range = world.range(span);
    let bytes = world.file(id).ok();
    let text = bytes
        .as_ref()
        .and_then(|b| std::str::from_utf8(b.as_slice()).ok());
    let (Some(range), Some(text)) = (range, text) else {
        return Some(Location {
            file,
            line_col: None,
            snippet: None,
        });
    };
    let before = text.get(..range.start.min(text.len()))?;
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    let line_text = text
        .lines()
        .nth(line - 1)
        .unwrap_or("")
        .trim_end()
        .to_owned();
    Some(Location {
        file,
        line_col: Some((line, col)),
        snippet: Some((line, line_text)),
    })
}

fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">
  <rect width="40" height="20" fill="#3366cc" fill-opacity="0.5"/></svg>"##;

    #[test]
    fn renders_pdf_a_2b() {
        let main = r#"#let d = json("data.json")
#set document(title: d.title, author: d.author)
#outline()
= #d.title
#table(columns: 2, table.header[*A*][*B*], ..d.rows.map(r => ([#r.a], [#r.b])).flatten())
#image("map.svg", width: 3cm)
#datetime.today().display()
"#;
        let json = br#"{"title":"Q1 <b>*bold*</b> #let $x$ \\ @ref","author":"Ann","rows":[{"a":"_x_","b":"]["}]}"#;
        let pdf = render_pdf(
            main.into(),
            vec![
                ("map.svg".into(), SVG.to_vec()),
                ("data.json".into(), json.to_vec()),
            ],
            &[],
            (2025, 1, 31),
            "Fallback title",
        )
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn error_has_position() {
        let err = render_pdf("Hello\n#foo".into(), vec![], &[], (2025, 1, 31), "t").unwrap_err();
        assert!(err.contains("main.typ:2:"), "{err}");
    }
}

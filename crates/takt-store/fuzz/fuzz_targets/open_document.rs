//! Arbitrary bytes opened as a Takt document: never a panic. Either a clear error, with the
//! file's bytes unchanged and nothing made beside it, or a document whose current state loads, validates, analyses and
//! exports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use takt_store::Document;

fn scratch() -> PathBuf {
    // /dev/shm keeps the millions of writes off the disk.
    let base = if std::path::Path::new("/dev/shm").is_dir() { "/dev/shm" } else { "/tmp" };
    PathBuf::from(base).join(format!("takt-fuzz-{}.takt", std::process::id()))
}

fuzz_target!(|data: &[u8]| {
    let file = scratch();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    std::fs::write(&file, data).unwrap();
    match Document::open(&file) {
        Err(e) => {
            let message = e.to_string();
            assert!(message.contains(&*file.to_string_lossy()), "the error names the file: {message}");
            assert!(std::fs::read(&file).unwrap() == data, "a refused file is left as it was");
            for suffix in ["-wal", "-shm", "-journal"] {
                let side = format!("{}{suffix}", file.display());
                assert!(!std::path::Path::new(&side).exists(), "a refused file leaves nothing beside it: {side}");
            }
        }
        Ok(mut doc) => {
            let s = doc.current();
            let map = doc.map(s).expect("opened, so the current state loads").clone();
            takt_core::validate(&map).expect("a loaded map is valid");
            let _ = takt_core::analyze(&map).expect("and analyses");
            let json = doc.export_json(s).unwrap();
            assert_eq!(takt_core::format::load(&json).unwrap(), map);
            for sc in doc.scenarios().to_vec() {
                let _ = doc.map(sc.id);
                let _ = doc.history(sc.id);
            }
            let _ = doc.snapshots();
        }
    }
});

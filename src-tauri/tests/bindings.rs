//! The TypeScript bindings in `ui/src/bindings.ts` are generated from the commands and types
//! here; this test fails when they are stale. `make bindings` (TAKT_UPDATE_BINDINGS=1) rewrites
//! them.

use std::path::PathBuf;

#[test]
fn bindings_are_current() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    let fresh = std::env::temp_dir().join(format!("takt-bindings-{}.ts", std::process::id()));
    takt_desktop::export_bindings(&fresh).expect("the bindings export");
    let want = std::fs::read_to_string(&fresh).unwrap();
    let _ = std::fs::remove_file(&fresh);
    if std::env::var_os("TAKT_UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        have == want,
        "ui/src/bindings.ts is stale: run `make bindings` and commit the result"
    );
}

//! One document, one window (issue 17). A document opens in a Takt of its own (a double click
//! on a second document starts a second Takt, whose window shows it); opening a document that
//! another Takt already holds brings that Takt's window to the front instead of refusing.
//!
//! The Takt that holds a document listens on a Unix socket named after the document's path
//! (in `$XDG_RUNTIME_DIR/takt`, private to the user); another Takt asked for the same document
//! connects, says `focus`, and ends once it hears `ok`. A socket left by a Takt that died is
//! found dead (nothing answers) and replaced.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// FNV-1a: a name for a path that every build of Takt computes alike.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The folder of the sockets, the user's own: in the user's runtime folder, or in the
/// temporary one. A folder there that is not a real folder of this user's, private to it (one
/// planted by someone else, or a symbolic link), is not used: no socket, no handoff.
fn folder() -> Option<PathBuf> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    let base = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let me = uid()?;
    let dir = base.join(format!("takt-{me}"));
    // Made private from the start, and not through a link (`create` fails on an existing name).
    let _ = std::fs::DirBuilder::new().mode(0o700).create(&dir);
    let m = std::fs::symlink_metadata(&dir).ok()?;
    (m.file_type().is_dir() && m.uid() == me && m.mode() & 0o077 == 0).then_some(dir)
}

/// The user's id: the owner of this process (`/proc/self`).
fn uid() -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").ok().map(|m| m.uid())
}

/// Where the Takt holding `doc` listens.
pub fn socket_for(doc: &Path) -> Option<PathBuf> {
    let canon = doc.canonicalize().ok()?;
    let name = fnv1a(canon.as_os_str().as_encoded_bytes());
    Some(folder()?.join(format!("{name:016x}.sock")))
}

/// Asks the Takt holding `doc` to bring its window to the front: true when one did.
pub fn ask_focus(doc: &Path) -> bool {
    let Some(sock) = socket_for(doc) else {
        return false;
    };
    let Ok(mut s) = UnixStream::connect(&sock) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = s.set_write_timeout(Some(Duration::from_secs(5)));
    if s.write_all(b"focus\n").is_err() {
        return false;
    }
    let mut line = String::new();
    BufReader::new(s).read_line(&mut line).is_ok() && line.trim() == "ok"
}

/// Listening for one document while this Takt holds it; dropped, it stops and its socket goes.
pub struct Listener {
    path: PathBuf,
    stop: Arc<AtomicBool>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which sees the stop and ends.
        let _ = UnixStream::connect(&self.path);
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Listens for `doc`: `focus` runs when another Takt asks for it. None where no socket can be
/// made (the document still opens; a second Takt asking for it is then refused, as before).
pub fn listen(doc: &Path, focus: impl Fn() + Send + 'static) -> Option<Listener> {
    let path = socket_for(doc)?;
    if path.exists() {
        if UnixStream::connect(&path).is_ok() {
            // A live Takt answers there: it is not ours to take.
            return None;
        }
        let _ = std::fs::remove_file(&path);
    }
    let listener = UnixListener::bind(&path).ok()?;
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stopped.load(Ordering::SeqCst) {
                break;
            }
            let Ok(mut s) = stream else {
                // A failing accept (out of descriptors) is not retried at full speed.
                std::thread::sleep(Duration::from_millis(100));
                continue;
            };
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let mut line = String::new();
            if BufReader::new(&s).read_line(&mut line).is_ok() && line.trim() == "focus" {
                focus();
                let _ = s.write_all(b"ok\n");
            }
        }
    });
    Some(Listener { path, stop })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn a_second_takt_asking_for_a_held_document_brings_the_first_to_the_front() {
        let dir = std::env::temp_dir().join(format!("takt-handoff-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let doc = dir.join("held.takt");
        std::fs::write(&doc, b"x").unwrap();
        let other = dir.join("other.takt");
        std::fs::write(&other, b"y").unwrap();
        assert!(!ask_focus(&doc), "nobody holds it yet");
        let asked = Arc::new(AtomicUsize::new(0));
        let count = asked.clone();
        let held = listen(&doc, move || {
            count.fetch_add(1, Ordering::SeqCst);
        })
        .expect("a socket");
        assert!(ask_focus(&doc));
        assert!(ask_focus(&doc));
        assert_eq!(asked.load(Ordering::SeqCst), 2);
        assert!(!ask_focus(&other), "another document is another socket");
        // Let go (the window showed another document): nobody answers for it any more.
        let sock = socket_for(&doc).unwrap();
        drop(held);
        assert!(!sock.exists());
        assert!(!ask_focus(&doc));
        // A socket left by a Takt that died is replaced.
        let stale = UnixListener::bind(&sock).unwrap();
        drop(stale);
        assert!(sock.exists());
        let again = listen(&doc, || {}).expect("the stale socket replaced");
        assert!(ask_focus(&doc));
        drop(again);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    takt_desktop::STARTED.get_or_init(std::time::Instant::now);
    // WebKitGTK composites the page through OpenGL; without a GPU (a VM, a remote desktop,
    // Xvfb) that runs in software and holds every frame to ~20 per second. The editor draws one
    // 2D canvas and a few panels, which WebKit's plain software path draws at 60 frames per
    // second (docs/BENCHMARKS.md). TAKT_GPU_COMPOSITING=1 keeps WebKit's default.
    #[cfg(target_os = "linux")]
    if std::env::var_os("TAKT_GPU_COMPOSITING").is_none()
        && std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none()
    {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    takt_desktop::run()
}

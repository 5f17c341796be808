//! The HTML report renders: write it, open it in headless Chromium, save a
//! screenshot and check the picture is not blank.
//!
//! `scripts/test-sim.sh` installs Chromium and sets `LOYALTY_SCREENSHOT=required`,
//! so CI fails when the browser is missing; a plain `cargo test` without a
//! browser says it skipped. `LOYALTY_SCREENSHOT_OUT` keeps the PNG.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;
use std::process::Command;

use loyalty_core::Engine;
use loyalty_sim::{render, simulate, Population, CAFE_HYBRID};

fn browser() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let out = Command::new("which").arg(name).output().ok()?;
            out.status
                .success()
                .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
        })
}

#[test]
fn the_html_report_renders_in_chromium() {
    let Some(chromium) = browser() else {
        assert!(
            std::env::var("LOYALTY_SCREENSHOT").as_deref() != Ok("required"),
            "Chromium is required (LOYALTY_SCREENSHOT=required) but was not found"
        );
        eprintln!("SKIPPED: no Chromium on PATH; run scripts/test-sim.sh to install it and take the screenshot");
        return;
    };
    let engine = Engine::from_json(CAFE_HYBRID).unwrap();
    let population = Population {
        members: 400,
        days: 150,
        ..Population::default()
    };
    let html = render::html(&[simulate(&engine, &population)]);
    let dir = std::env::temp_dir().join(format!("loyalty-sim-shot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("report.html");
    std::fs::write(&page, html).unwrap();
    let png = std::env::var("LOYALTY_SCREENSHOT_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| dir.join("report.png"));
    let profile = dir.join("profile");
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1200,2000")
        .arg(format!("file://{}", page.display()))
        .status()
        .unwrap();
    assert!(status.success(), "chromium failed: {status}");
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    // A blank 1200x2000 page compresses to a few kilobytes; text and charts do not.
    assert!(
        bytes.len() > 60_000,
        "screenshot looks blank: {} bytes",
        bytes.len()
    );
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    assert_eq!(width, 1200);
    let _ = std::fs::remove_dir_all(dir.join("profile"));
}

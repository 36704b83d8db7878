//! A progress bar for imports, shown only when stderr is a terminal.

use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Bar(ProgressBar);

impl Bar {
    /// A bar over the file's size in bytes.
    pub fn for_file(path: &Path) -> Bar {
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let bar = ProgressBar::new(len);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta} tilbage)")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message("Læser");
        Bar(bar)
    }

    /// A bar over the registrations a migration converts; drawn once there is something to
    /// convert.
    pub fn for_migration() -> Bar {
        let bar = ProgressBar::hidden();
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {human_pos}/{human_len} registreringer ({eta} tilbage)")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message("Omlægger fraværsregistreringer");
        Bar(bar)
    }

    /// Moves the migration bar to `done` of `total`.
    pub fn converted(&self, done: u64, total: u64) {
        if total > 0 && self.0.is_hidden() {
            self.0.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.0.set_length(total);
        self.0.set_position(done);
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl trivsel_import::Progress for Bar {
    fn bytes_read(&self, bytes: u64) {
        self.0.set_position(bytes);
    }

    fn stage(&self, name: &str) {
        self.0.set_message(name.to_string());
        self.0.tick();
    }

    fn note(&self, text: &str) {
        self.0.println(text);
    }
}

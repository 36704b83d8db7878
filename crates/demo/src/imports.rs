//! The demo's import files: written to a private temporary folder, read by the same imports a
//! municipality runs, removed afterwards.

use std::path::PathBuf;

use trivsel_import::ImportError;

pub(crate) struct Files(PathBuf);

impl Files {
    pub fn new() -> Result<Files, trivsel_store::StoreError> {
        let dir = std::env::temp_dir().join(format!("trivsel-demo-{}-{}", std::process::id(), rand::random::<u64>()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| trivsel_store::StoreError::Config(format!("kan ikke oprette {}: {e}", dir.display())))?;
        Ok(Files(dir))
    }

    pub fn write(&self, name: &str, text: &str) -> Result<PathBuf, ImportError> {
        let path = self.0.join(name);
        std::fs::write(&path, text).map_err(|e| ImportError::File {
            file: path.display().to_string(),
            message: format!("kan ikke skrive filen: {e}"),
        })?;
        Ok(path)
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

//! Where the record is kept: a [`Store`] trait with an in-memory implementation (used by
//! native tests and as the last resort in browsers) and a [`Chain`] that falls back from one
//! store to the next when one throws (Safari private mode, webviews without DOM storage, a
//! full quota). The browser stores are in `browser.rs`.

use crate::sorted_map::SortedMap;
use std::cell::{Cell, RefCell};

/// A key-value store for the record.
pub trait Store {
    /// `local`, `cookie`, `memory` or `native`.
    fn kind(&self) -> &'static str;
    /// Reads a key; `Err` when the store itself fails (it throws, it is disabled).
    fn get(&self, key: &str) -> Result<Option<String>, String>;
    /// Writes a key; `Err` when the write fails (quota, disabled, too large).
    fn set(&self, key: &str, value: &str) -> Result<(), String>;
    /// Removes a key.
    fn remove(&self, key: &str) -> Result<(), String>;
    /// Whether what is written here survives a reload.
    fn persists(&self) -> bool {
        true
    }
}

/// A store in memory: nothing survives a reload.
#[derive(Debug, Default)]
pub struct MemoryStore {
    values: RefCell<SortedMap<String, String>>,
}

impl Store for MemoryStore {
    fn kind(&self) -> &'static str {
        "memory"
    }
    fn get(&self, key: &str) -> Result<Option<String>, String> {
        Ok(self.values.borrow().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), String> {
        self.values
            .borrow_mut()
            .insert(key.to_string(), value.to_string());
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<(), String> {
        self.values.borrow_mut().remove(key);
        Ok(())
    }
    fn persists(&self) -> bool {
        false
    }
}

/// Stores in order of preference; the first that works is used, and one that fails is
/// left for the next. A memory store at the end means writes never fail, but then they do
/// not persist (the change event says `persisted: false`).
pub struct Chain {
    stores: Vec<Box<dyn Store>>,
    current: Cell<usize>,
}

/// The result of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// The store that took it.
    pub kind: &'static str,
    /// Whether it survives a reload.
    pub persisted: bool,
    /// Stores that failed on the way, with their errors.
    pub failures: Vec<String>,
}

impl Chain {
    /// A chain of stores, most preferred first.
    pub fn new(stores: Vec<Box<dyn Store>>) -> Chain {
        Chain {
            stores,
            current: Cell::new(0),
        }
    }

    /// The kind of store in use.
    pub fn kind(&self) -> &'static str {
        self.stores
            .get(self.current.get())
            .map_or("none", |s| s.kind())
    }

    /// Reads a key from the first store that can be read.
    pub fn get(&self, key: &str) -> Option<String> {
        while let Some(store) = self.stores.get(self.current.get()) {
            match store.get(key) {
                Ok(value) => return value,
                Err(_) => self.current.set(self.current.get() + 1),
            }
        }
        None
    }

    /// Reads a key from every store that can be read, most preferred first: after a write
    /// fell back (a full quota), an older value may still sit in a preferred store, and the
    /// caller picks the newest. A store that throws is passed over, and writes skip it too.
    pub fn get_all(&self, key: &str) -> Vec<String> {
        let mut values = Vec::new();
        for (index, store) in self.stores.iter().enumerate() {
            match store.get(key) {
                Ok(Some(value)) => values.push(value),
                Ok(None) => {}
                Err(_) if index == self.current.get() => self.current.set(index + 1),
                Err(_) => {}
            }
        }
        values
    }

    /// Writes a key to the first store that takes it.
    pub fn set(&self, key: &str, value: &str) -> Saved {
        let mut failures = Vec::new();
        let mut index = self.current.get();
        while let Some(store) = self.stores.get(index) {
            match store.set(key, value) {
                Ok(()) => {
                    self.current.set(index);
                    return Saved {
                        kind: store.kind(),
                        persisted: store.persists(),
                        failures,
                    };
                }
                Err(e) => {
                    failures.push(format!("{}: {e}", store.kind()));
                    index += 1;
                }
            }
        }
        Saved {
            kind: "none",
            persisted: false,
            failures,
        }
    }

    /// Writes a key beside the record (a queue, a backup) to the store in use only: a
    /// failure here must not move the record itself to a lesser store.
    pub fn set_beside(&self, key: &str, value: &str) -> bool {
        self.stores
            .get(self.current.get())
            .is_some_and(|store| store.set(key, value).is_ok())
    }

    /// Removes a key from the store in use.
    pub fn remove(&self, key: &str) {
        if let Some(store) = self.stores.get(self.current.get()) {
            let _ = store.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store that fails on demand.
    struct Flaky {
        read: bool,
        write: bool,
        inner: MemoryStore,
    }

    impl Store for Flaky {
        fn kind(&self) -> &'static str {
            "local"
        }
        fn get(&self, key: &str) -> Result<Option<String>, String> {
            if self.read {
                Err("SecurityError".into())
            } else {
                self.inner.get(key)
            }
        }
        fn set(&self, key: &str, value: &str) -> Result<(), String> {
            if self.write {
                Err("QuotaExceededError".into())
            } else {
                self.inner.set(key, value)
            }
        }
        fn remove(&self, key: &str) -> Result<(), String> {
            self.inner.remove(key)
        }
    }

    #[test]
    fn falls_back_when_a_store_throws() {
        let chain = Chain::new(vec![
            Box::new(Flaky {
                read: true,
                write: true,
                inner: MemoryStore::default(),
            }),
            Box::new(MemoryStore::default()),
        ]);
        assert_eq!(chain.get("k"), None);
        assert_eq!(chain.kind(), "memory");
        let saved = chain.set("k", "v");
        assert_eq!((saved.kind, saved.persisted), ("memory", false));
        assert_eq!(chain.get("k").as_deref(), Some("v"));
    }

    #[test]
    fn every_readable_value_is_seen_and_unreadable_stores_are_skipped() {
        let stale = MemoryStore::default();
        stale.set("k", "old").unwrap();
        let fallback = MemoryStore::default();
        fallback.set("k", "new").unwrap();
        let chain = Chain::new(vec![Box::new(stale), Box::new(fallback)]);
        assert_eq!(chain.get_all("k"), ["old", "new"]);
        assert_eq!(chain.kind(), "memory");

        let chain = Chain::new(vec![
            Box::new(Flaky {
                read: true,
                write: false,
                inner: MemoryStore::default(),
            }),
            Box::new(MemoryStore::default()),
        ]);
        assert!(chain.get_all("k").is_empty());
        let saved = chain.set("k", "v");
        assert_eq!(
            saved.failures,
            Vec::<String>::new(),
            "the unreadable store is not written"
        );
        assert_eq!(chain.get_all("k"), ["v"]);
    }

    #[test]
    fn a_failed_write_moves_on_and_reports() {
        let chain = Chain::new(vec![
            Box::new(Flaky {
                read: false,
                write: true,
                inner: MemoryStore::default(),
            }),
            Box::new(MemoryStore::default()),
        ]);
        let saved = chain.set("k", "v");
        assert_eq!(saved.failures, ["local: QuotaExceededError"]);
        assert!(!saved.persisted);
    }

    #[test]
    fn a_failed_write_beside_the_record_leaves_the_store_in_use() {
        let chain = Chain::new(vec![
            Box::new(Flaky {
                read: false,
                write: true,
                inner: MemoryStore::default(),
            }),
            Box::new(MemoryStore::default()),
        ]);
        assert!(!chain.set_beside("queue", "big"));
        assert_eq!(chain.kind(), "local");
        assert_eq!(chain.get_all("queue"), Vec::<String>::new());
    }
}

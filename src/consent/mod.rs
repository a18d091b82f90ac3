//! Consent: the record of a person's decisions and the engine that applies the rules
//! (affirmative acts, the under-age gate and guardian consent, re-consent after material
//! revisions, signals, expiry). Time, ids and signals are passed in; nothing here reads a
//! clock, storage or the DOM.

pub mod engine;
pub mod record;

pub use engine::{
    Act, AskReason, Assessment, Config, ConsentError, CurrentPolicy, Engine, Event, Init, Lock,
    Outcome, Prompt, PurposeView, Signals,
};
pub use record::{Actor, ConsentRecord, Method, Millis, RecordError, State};
